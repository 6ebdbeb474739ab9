//! Addresses: std's `SocketAddr` ↔ WASI, name lookup, `ToSocketAddrs`.

use crate::sys::sockets::{IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress, lookup};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

pub(crate) fn to_wasi(addr: SocketAddr) -> IpSocketAddress {
    match addr {
        SocketAddr::V4(a) => {
            let o = a.ip().octets();
            IpSocketAddress::Ipv4(Ipv4SocketAddress { port: a.port(), address: (o[0], o[1], o[2], o[3]) })
        }
        SocketAddr::V6(a) => {
            let s = a.ip().segments();
            IpSocketAddress::Ipv6(Ipv6SocketAddress {
                port: a.port(),
                flow_info: a.flowinfo(),
                address: (s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]),
                scope_id: a.scope_id(),
            })
        }
    }
}

pub(crate) fn from_wasi(addr: IpSocketAddress) -> SocketAddr {
    match addr {
        IpSocketAddress::Ipv4(a) => {
            let (x, y, z, w) = a.address;
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(x, y, z, w), a.port))
        }
        IpSocketAddress::Ipv6(a) => {
            let (p0, p1, p2, p3, p4, p5, p6, p7) = a.address;
            SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::new(p0, p1, p2, p3, p4, p5, p6, p7),
                a.port,
                a.flow_info,
                a.scope_id,
            ))
        }
    }
}

fn ip_from_wasi(addr: IpAddress) -> IpAddr {
    match addr {
        IpAddress::Ipv4((a, b, c, d)) => IpAddr::V4(Ipv4Addr::new(a, b, c, d)),
        IpAddress::Ipv6((a, b, c, d, e, f, g, h)) => IpAddr::V6(Ipv6Addr::new(a, b, c, d, e, f, g, h)),
    }
}

pub(crate) fn family(addr: &SocketAddr) -> IpAddressFamily {
    if addr.is_ipv4() { IpAddressFamily::Ipv4 } else { IpAddressFamily::Ipv6 }
}

/// Resolves a host name to its IP addresses (`wasi:sockets/ip-name-lookup`).
/// An IP address literal resolves to itself without asking the host.
///
/// Needs `wasmtime run -Sallow-ip-name-lookup` (with `-Sinherit-network`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let ips = wasio::net::resolve("localhost").await?;
/// # Ok(()) }
/// ```
pub async fn resolve(host: &str) -> io::Result<Vec<IpAddr>> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    Ok(lookup(host).await?.into_iter().map(ip_from_wasi).collect())
}

/// Resolves `"host:port"` (or anything [`ToSocketAddrs`]) to socket
/// addresses, like `tokio::net::lookup_host`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// for addr in wasio::net::lookup_host("localhost:8080").await? {
///     println!("{addr}");
/// }
/// # Ok(()) }
/// ```
pub async fn lookup_host(host: impl ToSocketAddrs) -> io::Result<std::vec::IntoIter<SocketAddr>> {
    Ok(host.to_socket_addrs().await?.into_iter())
}

/// Anything that names socket addresses, like `std::net::ToSocketAddrs`
/// but resolving names asynchronously through the host: `SocketAddr`,
/// `(IpAddr, u16)`, `(&str, u16)`, `"host:port"`, `String`, and slices of
/// `SocketAddr`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// use wasio::net::ToSocketAddrs;
/// let addrs = ("localhost", 80).to_socket_addrs().await?;
/// # Ok(()) }
/// ```
pub trait ToSocketAddrs {
    /// The addresses, in the order to try them.
    fn to_socket_addrs(&self) -> impl Future<Output = io::Result<Vec<SocketAddr>>>;
}

impl ToSocketAddrs for SocketAddr {
    async fn to_socket_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        Ok(vec![*self])
    }
}

impl ToSocketAddrs for [SocketAddr] {
    async fn to_socket_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        Ok(self.to_vec())
    }
}

impl ToSocketAddrs for (IpAddr, u16) {
    async fn to_socket_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        Ok(vec![SocketAddr::new(self.0, self.1)])
    }
}

impl ToSocketAddrs for (&str, u16) {
    async fn to_socket_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        Ok(resolve(self.0).await?.into_iter().map(|ip| SocketAddr::new(ip, self.1)).collect())
    }
}

impl ToSocketAddrs for str {
    async fn to_socket_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return Ok(vec![addr]);
        }
        let (host, port) = self
            .rsplit_once(':')
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{self:?}: expected HOST:PORT")))?;
        let port: u16 =
            port.parse().map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, format!("{self:?}: invalid port")))?;
        (host, port).to_socket_addrs().await
    }
}

impl ToSocketAddrs for String {
    async fn to_socket_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        self.as_str().to_socket_addrs().await
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {
    async fn to_socket_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        (**self).to_socket_addrs().await
    }
}

/// The first address `target` resolves to (`InvalidInput` if none), for
/// calls that take one address, such as `send_to`.
pub(crate) async fn first_addr(target: impl ToSocketAddrs, what: &str) -> io::Result<SocketAddr> {
    target
        .to_socket_addrs()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: no address to send to")))
}

/// Tries `f` on each address in turn; returns the first success or the
/// last error.
///
/// `f` returns a future that owns what it needs (not an async closure that
/// lends from itself), so the caller's future stays `Send` for any address
/// type (see `rt::unthreaded`).
pub(crate) async fn each_addr<T, F, Fut>(addrs: impl ToSocketAddrs, mut f: F) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let list = addrs.to_socket_addrs().await?;
    let mut last = None;
    for addr in list {
        match f(addr).await {
            Ok(v) => return Ok(v),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no addresses to try")))
}

//! UDP: `UdpSocket`.

use super::addr::{ToSocketAddrs, each_addr, family, first_addr, from_wasi, to_wasi};
use super::error::net_err;
use crate::bindings::wasi::sockets::types::UdpSocket as WasiUdp;
use std::io;
use std::net::SocketAddr;

/// A UDP socket, like `tokio::net::UdpSocket`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let sock = wasio::net::UdpSocket::bind("127.0.0.1:0").await?;
/// sock.send_to(b"ping", "127.0.0.1:9000").await?;
/// let mut buf = [0u8; 1500];
/// let (n, from) = sock.recv_from(&mut buf).await?;
/// # Ok(()) }
/// ```
pub struct UdpSocket {
    socket: WasiUdp,
}

impl UdpSocket {
    /// Binds to the first of `addr`'s addresses that works.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::UdpSocket::bind("0.0.0.0:0").await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        each_addr(addr, move |addr| async move {
            let socket = WasiUdp::create(family(&addr)).map_err(|e| net_err(e, "udp bind"))?;
            socket.bind(to_wasi(addr)).map_err(|e| net_err(e, &format!("udp bind {addr}")))?;
            Ok(UdpSocket { socket })
        })
        .await
    }

    /// Sets the default peer: `send` goes there and only its datagrams are
    /// received.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.connect("127.0.0.1:9000").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        each_addr(addr, move |addr| async move {
            self.socket.connect(to_wasi(addr)).map_err(|e| net_err(e, &format!("udp connect {addr}")))
        })
        .await
    }

    /// Sends a datagram to the connected peer; returns its length.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.send(b"hello").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.socket.send(buf.to_vec(), None).await.map_err(|e| net_err(e, "udp send"))?;
        Ok(buf.len())
    }

    /// Sends a datagram to `target`; returns its length.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.send_to(b"hello", "127.0.0.1:9000").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let addr = first_addr(target, "send_to").await?;
        self.socket
            .send(buf.to_vec(), Some(to_wasi(addr)))
            .await
            .map_err(|e| net_err(e, &format!("udp send to {addr}")))?;
        Ok(buf.len())
    }

    /// Receives a datagram into `buf` (truncating it if `buf` is too small);
    /// returns its length and sender.
    ///
    /// # Cancel safety
    /// Not cancel safe on WASI 0.3: the receive is one host call, and a
    /// datagram it had already taken when the future is dropped is lost
    /// (as a datagram may be on the network). With the `p2` feature it is
    /// cancel safe.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// let mut buf = [0u8; 1500];
    /// let (n, from) = s.recv_from(&mut buf).await?;
    /// # Ok(()) }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (data, from) = self.socket.receive().await.map_err(|e| net_err(e, "udp receive"))?;
        let n = data.len().min(buf.len());
        buf[..n].copy_from_slice(&data[..n]);
        Ok((n, from_wasi(from)))
    }

    /// Receives a datagram from the connected peer into `buf`.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// let mut buf = [0u8; 1500];
    /// let n = s.recv(&mut buf).await?;
    /// # Ok(()) }
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    /// Forgets the connected peer: `recv_from` sees datagrams from anyone
    /// again and `send` needs a `connect` first. An `Err` if not connected.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.connect("127.0.0.1:9000").await?;
    /// s.disconnect()?;
    /// # Ok(()) }
    /// ```
    pub fn disconnect(&self) -> io::Result<()> {
        self.socket.disconnect().map_err(|e| net_err(e, "udp disconnect"))
    }

    /// The bound address.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_ne!(s.local_addr()?.port(), 0, "the host picked a port");
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.get_local_address().map(from_wasi).map_err(|e| net_err(e, "local address"))
    }

    /// The connected peer's address.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// s.connect("127.0.0.1:9000").await?;
    /// assert_eq!(s.peer_addr()?, "127.0.0.1:9000".parse().unwrap());
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.socket.get_remote_address().map(from_wasi).map_err(|e| net_err(e, "peer address"))
    }
}

super::socket_options!(UdpSocket, get_unicast_hop_limit, set_unicast_hop_limit);

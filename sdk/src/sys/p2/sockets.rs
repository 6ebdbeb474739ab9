//! `wasi:sockets` 0.2: the address types, the instance network, the
//! two-phase calls' wait, name lookup and error codes.

use std::io;

pub(crate) use wasip2::sockets::network::{
    ErrorCode, IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress, Network,
};

/// The network handle WASI 0.2 socket calls take.
pub(crate) fn network() -> Network {
    wasip2::sockets::instance_network::instance_network()
}

/// Runs `op` until it stops answering `would-block`, waiting on the
/// pollable from `subscribe` in between: the `finish-*` half of WASI 0.2's
/// two-phase socket calls, and name lookup results.
pub(crate) async fn until_ready<T>(
    subscribe: impl Fn() -> wasip2::io::poll::Pollable,
    mut op: impl FnMut() -> Result<T, ErrorCode>,
) -> Result<T, ErrorCode> {
    crate::rt::wait_until(subscribe, || match op() {
        Err(ErrorCode::WouldBlock) => None,
        r => Some(r),
    })
    .await
}

/// Asks the host for `host`'s addresses (WASI 0.2: a stream of results,
/// waited on through the poll loop).
pub(crate) async fn lookup(host: &str) -> io::Result<Vec<IpAddress>> {
    let stream =
        wasip2::sockets::ip_name_lookup::resolve_addresses(&network(), host).map_err(|e| lookup_err(e, host))?;
    let mut ips = Vec::new();
    while let Some(ip) =
        until_ready(|| stream.subscribe(), || stream.resolve_next_address()).await.map_err(|e| lookup_err(e, host))?
    {
        ips.push(ip);
    }
    Ok(ips)
}

/// An `io::Error` for a WASI 0.2 sockets `code`, raised by `op`.
pub(crate) fn net_err(code: ErrorCode, op: &str) -> io::Error {
    use io::ErrorKind as K;
    let (kind, what) = match code {
        ErrorCode::AccessDenied => (
            K::PermissionDenied,
            "network access denied by the host (it must grant sockets, e.g. `wasmtime run -Sinherit-network`)",
        ),
        ErrorCode::NotSupported => (K::Unsupported, "not supported by the host"),
        ErrorCode::InvalidArgument => (K::InvalidInput, "invalid argument"),
        ErrorCode::OutOfMemory => (K::OutOfMemory, "out of memory"),
        ErrorCode::Timeout => (K::TimedOut, "timed out"),
        ErrorCode::ConcurrencyConflict => (K::ResourceBusy, "another operation is in progress"),
        ErrorCode::NotInProgress => (K::InvalidInput, "no operation in progress"),
        ErrorCode::WouldBlock => (K::WouldBlock, "would block"),
        ErrorCode::InvalidState => (K::InvalidInput, "socket in the wrong state for this call"),
        ErrorCode::NewSocketLimit => (K::QuotaExceeded, "socket limit reached"),
        ErrorCode::AddressNotBindable => (K::AddrNotAvailable, "address not bindable"),
        ErrorCode::AddressInUse => (K::AddrInUse, "address in use"),
        ErrorCode::RemoteUnreachable => (K::HostUnreachable, "remote unreachable"),
        ErrorCode::ConnectionRefused => (K::ConnectionRefused, "connection refused"),
        ErrorCode::ConnectionReset => (K::ConnectionReset, "connection reset by peer"),
        ErrorCode::ConnectionAborted => (K::ConnectionAborted, "connection aborted"),
        ErrorCode::DatagramTooLarge => (K::InvalidInput, "datagram too large"),
        ErrorCode::NameUnresolvable => (K::NotFound, "name does not resolve"),
        ErrorCode::TemporaryResolverFailure => (K::WouldBlock, "temporary resolver failure"),
        ErrorCode::PermanentResolverFailure => (K::Other, "resolver failure"),
        ErrorCode::Unknown => (K::Other, "socket error"),
    };
    io::Error::new(kind, format!("{op}: {what}"))
}

/// An `io::Error` for a WASI 0.2 name lookup failure.
pub(crate) fn lookup_err(code: ErrorCode, host: &str) -> io::Error {
    match code {
        ErrorCode::AccessDenied => io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "lookup {host}: name lookup denied by the host (it must grant name lookup, e.g. `wasmtime run -Sinherit-network -Sallow-ip-name-lookup`)"
            ),
        ),
        ErrorCode::InvalidArgument => {
            io::Error::new(io::ErrorKind::InvalidInput, format!("lookup {host}: invalid host name"))
        }
        code => net_err(code, &format!("lookup {host}")),
    }
}

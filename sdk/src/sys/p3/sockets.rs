//! `wasi:sockets` 0.3: the address types, name lookup and error codes.

use super::wasi::sockets::ip_name_lookup;
use super::wasi::sockets::ip_name_lookup::ErrorCode as LookupCode;
use std::io;

pub(crate) use super::wasi::sockets::types::{
    ErrorCode, IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
};

/// Asks the host for `host`'s addresses.
pub(crate) async fn lookup(host: &str) -> io::Result<Vec<IpAddress>> {
    ip_name_lookup::resolve_addresses(host.to_string()).await.map_err(|e| lookup_err(e, host))
}

/// An `io::Error` for a sockets `code`, raised by `op`.
pub(crate) fn net_err(code: ErrorCode, op: &str) -> io::Error {
    use io::ErrorKind as K;
    let (kind, what) = match &code {
        ErrorCode::AccessDenied => (
            K::PermissionDenied,
            "network access denied by the host (it must grant sockets, e.g. `wasmtime run -Sinherit-network`)"
                .to_string(),
        ),
        ErrorCode::NotSupported => (K::Unsupported, "not supported by the host".into()),
        ErrorCode::InvalidArgument => (K::InvalidInput, "invalid argument".into()),
        ErrorCode::OutOfMemory => (K::OutOfMemory, "out of memory".into()),
        ErrorCode::Timeout => (K::TimedOut, "timed out".into()),
        ErrorCode::InvalidState => (K::InvalidInput, "socket in the wrong state for this call".into()),
        ErrorCode::AddressNotBindable => (K::AddrNotAvailable, "address not bindable".into()),
        ErrorCode::AddressInUse => (K::AddrInUse, "address in use".into()),
        ErrorCode::RemoteUnreachable => (K::HostUnreachable, "remote unreachable".into()),
        ErrorCode::ConnectionRefused => (K::ConnectionRefused, "connection refused".into()),
        ErrorCode::ConnectionBroken => (K::BrokenPipe, "connection broken".into()),
        ErrorCode::ConnectionReset => (K::ConnectionReset, "connection reset by peer".into()),
        ErrorCode::ConnectionAborted => (K::ConnectionAborted, "connection aborted".into()),
        ErrorCode::DatagramTooLarge => (K::InvalidInput, "datagram too large".into()),
        ErrorCode::Other(Some(m)) => (K::Other, m.clone()),
        ErrorCode::Other(None) => (K::Other, "socket error".into()),
    };
    io::Error::new(kind, format!("{op}: {what}"))
}

/// An `io::Error` for a name lookup failure.
pub(crate) fn lookup_err(code: LookupCode, host: &str) -> io::Error {
    use io::ErrorKind as K;
    let (kind, what) = match code {
        LookupCode::AccessDenied => (
            K::PermissionDenied,
            "name lookup denied by the host (it must grant name lookup, e.g. `wasmtime run -Sinherit-network -Sallow-ip-name-lookup`)"
                .to_string(),
        ),
        LookupCode::InvalidArgument => (K::InvalidInput, "invalid host name".into()),
        LookupCode::NameUnresolvable => (K::NotFound, "name does not resolve".into()),
        LookupCode::TemporaryResolverFailure => (K::WouldBlock, "temporary resolver failure".into()),
        LookupCode::PermanentResolverFailure => (K::Other, "resolver failure".into()),
        LookupCode::Other(m) => (K::Other, m.unwrap_or_else(|| "lookup failed".into())),
    };
    io::Error::new(kind, format!("lookup {host}: {what}"))
}

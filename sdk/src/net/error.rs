//! WASI sockets `error-code` → `std::io::Error`.

#[cfg(not(feature = "p2"))]
use crate::bindings::wasi::sockets::ip_name_lookup::ErrorCode as LookupCode;
#[cfg(not(feature = "p2"))]
use crate::bindings::wasi::sockets::types::ErrorCode;
use std::io;
#[cfg(feature = "p2")]
use wasip2::sockets::network::ErrorCode;

/// An `io::Error` for a sockets `code`, raised by `op`.
#[cfg(not(feature = "p2"))]
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
#[cfg(not(feature = "p2"))]
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

/// A TTL as WASI's `u8` hop limit: above 255 is an `InvalidInput` error
/// here; 0 goes to the host, which refuses it with `invalid-argument`.
pub(crate) fn hop_limit(ttl: u32) -> io::Result<u8> {
    u8::try_from(ttl).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, format!("ttl {ttl}: must be 1..=255")))
}

/// An `io::Error` for a WASI 0.2 sockets `code`, raised by `op`.
#[cfg(feature = "p2")]
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
#[cfg(feature = "p2")]
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

//! WASI sockets `error-code` → `std::io::Error`.

use std::io;

// The sockets `error-code` of each backend differs (WASI 0.3 has a
// separate one for name lookup), so the mapping is the backend's.
pub(crate) use crate::sys::sockets::net_err;

/// A TTL as WASI's `u8` hop limit: above 255 is an `InvalidInput` error
/// here; 0 goes to the host, which refuses it with `invalid-argument`.
pub(crate) fn hop_limit(ttl: u32) -> io::Result<u8> {
    u8::try_from(ttl).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, format!("ttl {ttl}: must be 1..=255")))
}

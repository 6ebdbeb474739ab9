//! Random numbers (`wasi:random`): cryptographically secure bytes and
//! integers, fast insecure ones, and the insecure seed.
//!
//! The `getrandom` crate (0.2 and 0.3) also works inside wasio components,
//! so `rand` and friends need no changes.
//!
//! ```no_run
//! let key = wasio::rand::secure_bytes(32);
//! let n = wasio::rand::secure_u64();
//! let mut nonce = [0u8; 12];
//! wasio::rand::fill_secure(&mut nonce);
//! ```

use crate::sys::random;

/// Fills `buf` from a source `get(max_len)` that may return fewer bytes
/// than asked for.
fn fill_with(buf: &mut [u8], get: impl Fn(u64) -> Vec<u8>) {
    let mut filled = 0;
    while filled < buf.len() {
        let chunk = get((buf.len() - filled) as u64);
        let n = chunk.len().min(buf.len() - filled);
        buf[filled..filled + n].copy_from_slice(&chunk[..n]);
        filled += n;
    }
}

/// `len` cryptographically secure random bytes (`get-random-bytes`).
///
/// ```no_run
/// assert_eq!(wasio::rand::secure_bytes(16).len(), 16);
/// ```
pub fn secure_bytes(len: usize) -> Vec<u8> {
    let mut v = vec![0; len];
    fill_secure(&mut v);
    v
}

/// Fills `buf` with cryptographically secure random bytes.
///
/// ```no_run
/// let mut key = [0u8; 32];
/// wasio::rand::fill_secure(&mut key);
/// ```
pub fn fill_secure(buf: &mut [u8]) {
    fill_with(buf, random::secure_bytes);
}

/// A cryptographically secure random `u64` (`get-random-u64`).
///
/// ```no_run
/// let id = wasio::rand::secure_u64();
/// ```
pub fn secure_u64() -> u64 {
    random::secure_u64()
}

/// `len` fast, non-cryptographic random bytes (`get-insecure-random-bytes`).
///
/// ```no_run
/// let jitter = wasio::rand::insecure_bytes(4);
/// ```
pub fn insecure_bytes(len: usize) -> Vec<u8> {
    let mut v = vec![0; len];
    fill_insecure(&mut v);
    v
}

/// Fills `buf` with fast, non-cryptographic random bytes.
///
/// ```no_run
/// let mut buf = [0u8; 64];
/// wasio::rand::fill_insecure(&mut buf);
/// ```
pub fn fill_insecure(buf: &mut [u8]) {
    fill_with(buf, random::insecure_bytes);
}

/// A fast, non-cryptographic random `u64` (`get-insecure-random-u64`).
///
/// ```no_run
/// let pick = wasio::rand::insecure_u64() % 10;
/// ```
pub fn insecure_u64() -> u64 {
    random::insecure_u64()
}

/// The host's 128-bit insecure seed (`get-insecure-seed`), for seeding
/// hash maps and the like. The same for the whole instance.
///
/// ```no_run
/// let (lo, hi) = wasio::rand::insecure_seed();
/// ```
pub fn insecure_seed() -> (u64, u64) {
    random::insecure_seed()
}

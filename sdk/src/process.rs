//! Ending the program (`wasi:cli/exit`).
//!
//! ```no_run
//! wasio::process::exit(3);
//! ```

/// Ends the instance with exit `code`, like `std::process::exit`: 0 is
/// success; other codes are reported to the host modulo 256 (as on POSIX),
/// so `wasmtime run` exits with that status. Pending writes that already
/// returned `Ok` have reached the host; nothing else runs.
///
/// With the `p2` feature (WASI 0.2) the host only learns success or
/// failure: every non-zero code exits with status 1 (`exit-with-code` is
/// an unstable WASI 0.2 API that hosts do not link by default).
///
/// ```no_run
/// if wasio::env::args().len() < 2 {
///     eprintln!("usage: app NAME");
///     wasio::process::exit(2);
/// }
/// ```
pub fn exit(code: i32) -> ! {
    crate::sys::exit(code)
}

//! Ending the program (`wasi:cli/exit`).
//!
//! ```no_run
//! wasio::process::exit(3);
//! ```

#[cfg(not(feature = "p2"))]
use crate::bindings::wasi::cli::exit as wasi_exit;

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
    #[cfg(not(feature = "p2"))]
    {
        let code = (code & 0xff) as u8;
        if code == 0 {
            wasi_exit::exit(Ok(()));
        } else {
            wasi_exit::exit_with_code(code);
        }
        // The host ends the instance inside the calls above.
        unreachable!("wasi:cli/exit returned")
    }
    // std's exit goes through libc, which reports non-zero as failure.
    #[cfg(feature = "p2")]
    std::process::exit(code & 0xff)
}

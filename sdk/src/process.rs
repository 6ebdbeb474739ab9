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

/// For `fn main` of a component whose entry point is an export of its own
/// (a library component, or one built for WASI 0.3 that a WASI 0.2 host
/// runs as a command): writes to stderr that the host called the WASI 0.2
/// entry point `wasi:cli/run@0.2.0` instead of `export`, and exits with
/// status 1, so the wrong call never looks like success.
/// `#[wasio::main]` and the HTTP handler macros do this already.
///
/// ```no_run
/// // The body of `fn main` in a component that only exports a cache
/// // interface of its own:
/// wasio::process::wrong_entry_point("example:kv/cache@0.1.0");
/// ```
pub fn wrong_entry_point(export: &str) -> ! {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    for part in [
        "error: this component's entry point is the `",
        export,
        "` export, but the host called the WASI 0.2 command entry point `wasi:cli/run@0.2.0`. \
         Call that export instead (a WASI 0.3 build needs a host with WASI 0.3 support, \
         e.g. Wasmtime 46 or later; wasio's `p2` feature builds for WASI 0.2 hosts).\n",
    ] {
        let _ = err.write_all(part.as_bytes());
    }
    let _ = err.flush();
    exit(1)
}

//! Async standard I/O over WASI 0.3 `wasi:cli` streams.
//!
//! [`stdin`], [`stdout`] and [`stderr`] return cheap handles to the
//! instance's one standard stream each, implementing
//! `futures_io::AsyncRead`/`AsyncBufRead` (stdin) and `AsyncWrite`
//! (stdout, stderr), so `futures_util::io` extension traits
//! (`read_to_end`, `write_all`, `copy`, `lines`, ...) work on them. They
//! coexist with std's `println!`, which writes through WASI 0.2.
//!
//! A write returns `Ok(n)` only once the host has taken those `n` bytes.
//! `#[wasio::main]` closes stdout and stderr when `main` returns and waits
//! for the host to finish writing them, as std flushes at exit.
//!
//! ```no_run
//! use futures_util::io::{AsyncReadExt, AsyncWriteExt};
//!
//! #[wasio::main]
//! async fn main() -> std::io::Result<()> {
//!     let mut input = Vec::new();
//!     wasio::io::stdin().read_to_end(&mut input).await?;
//!     wasio::io::stdout().write_all(&input).await?;
//!     Ok(())
//! }
//! ```

#[cfg(not(feature = "p2"))]
pub(crate) mod stream;
#[cfg(feature = "p2")]
pub(crate) mod stream_p2;
#[cfg(feature = "tokio-io")]
pub mod tokio_io;

// Standard I/O over WASI 0.3 streams, or (feature `p2`) over WASI 0.2's
// `input-stream`/`output-stream` and pollables: the same public API.
#[cfg(not(feature = "p2"))]
mod stdio;
#[cfg(feature = "p2")]
#[path = "stdio_p2.rs"]
mod stdio;

#[cfg(not(feature = "p2"))]
use crate::bindings::wasi::cli as wasi_cli;
pub use futures_io::{AsyncBufRead as _, AsyncRead as _, AsyncWrite as _};
pub use stdio::{StdWriter, Stdin, flush_stdio, stdin};
#[cfg(feature = "p2")]
use wasip2::cli as wasi_cli;

/// Which standard output stream a [`StdWriter`] writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Out,
    Err,
}

/// The standard output handle type.
pub type Stdout = StdWriter;
/// The standard error handle type.
pub type Stderr = StdWriter;

/// The standard output of this instance (`wasi:cli/stdout`). Handles share
/// one stream, and writes from different handles never interleave within a
/// chunk.
///
/// ```no_run
/// use futures_util::io::AsyncWriteExt;
/// # async fn f() -> std::io::Result<()> {
/// wasio::io::stdout().write_all(b"hi\n").await?;
/// # Ok(()) }
/// ```
pub fn stdout() -> Stdout {
    stdio::std_writer(Which::Out)
}

/// The standard error of this instance (`wasi:cli/stderr`).
///
/// ```no_run
/// use futures_util::io::AsyncWriteExt;
/// # async fn f() -> std::io::Result<()> {
/// wasio::io::stderr().write_all(b"oops\n").await?;
/// # Ok(()) }
/// ```
pub fn stderr() -> Stderr {
    stdio::std_writer(Which::Err)
}

/// Whether this instance's stdin is a terminal (`wasi:cli/terminal-stdin`),
/// like `std::io::IsTerminal`.
///
/// ```no_run
/// if wasio::io::stdin_is_terminal() { println!("interactive"); }
/// ```
pub fn stdin_is_terminal() -> bool {
    wasi_cli::terminal_stdin::get_terminal_stdin().is_some()
}

/// Whether this instance's stdout is a terminal.
///
/// ```no_run
/// let color = wasio::io::stdout_is_terminal();
/// ```
pub fn stdout_is_terminal() -> bool {
    wasi_cli::terminal_stdout::get_terminal_stdout().is_some()
}

/// Whether this instance's stderr is a terminal.
///
/// ```no_run
/// let color = wasio::io::stderr_is_terminal();
/// ```
pub fn stderr_is_terminal() -> bool {
    wasi_cli::terminal_stderr::get_terminal_stderr().is_some()
}

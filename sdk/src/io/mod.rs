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
#[cfg(all(feature = "tokio-io", not(feature = "p2")))]
pub mod tokio_io;

// Standard I/O over WASI 0.3 streams, or (feature `p2`) over WASI 0.2's
// `input-stream`/`output-stream` and pollables: the same public API.
#[cfg(not(feature = "p2"))]
mod stdio;
#[cfg(feature = "p2")]
#[path = "stdio_p2.rs"]
mod stdio;

pub use futures_io::{AsyncBufRead as _, AsyncRead as _, AsyncWrite as _};
pub use stdio::{
    StdWriter, Stderr, Stdin, Stdout, flush_stdio, stderr, stderr_is_terminal, stdin, stdin_is_terminal, stdout,
    stdout_is_terminal,
};

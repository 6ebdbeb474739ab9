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

#[cfg(feature = "tokio-io")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio-io")))]
pub mod tokio_io;

mod log;
pub(crate) mod stdio;

pub use futures_io::{AsyncBufRead as _, AsyncRead as _, AsyncWrite as _};
pub(crate) use log::drained as log_drained;
pub use log::{StderrLog, stderr_log};
use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};
pub use stdio::StdWriter;
pub(crate) use stdio::flush_stdio;

/// A handle to the instance's standard input; see [`stdin`].
///
/// Each handle buffers what it has read (like a `BufReader`); bytes a handle
/// has buffered are not seen by other handles.
///
/// ```no_run
/// use futures_util::io::AsyncBufReadExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut line = String::new();
/// wasio::io::stdin().read_line(&mut line).await?;
/// # Ok(()) }
/// ```
pub struct Stdin {
    inner: Rc<RefCell<crate::sys::stdio::Input>>,
    buf: Vec<u8>,
    pos: usize,
}

/// The standard input of this instance (`wasi:cli/stdin`). Every handle
/// reads from the same host stream.
///
/// ```no_run
/// use futures_util::io::AsyncReadExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut input = String::new();
/// wasio::io::stdin().read_to_string(&mut input).await?;
/// # Ok(()) }
/// ```
pub fn stdin() -> Stdin {
    Stdin { inner: stdio::shared_stdin(), buf: Vec::new(), pos: 0 }
}

impl std::fmt::Debug for Stdin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stdin").field("buffered", &(self.buf.len() - self.pos)).finish()
    }
}

impl futures_io::AsyncRead for Stdin {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<std::io::Result<usize>> {
        use futures_io::AsyncBufRead;
        if out.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let avail = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

impl futures_io::AsyncBufRead for Stdin {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.pos >= this.buf.len() {
            this.pos = ready!(stdio::refill(&this.inner, cx, &mut this.buf))?;
        }
        Poll::Ready(Ok(&this.buf[this.pos..]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        this.pos = (this.pos + amt).min(this.buf.len());
    }
}

/// Which standard output stream a [`StdWriter`] writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Which {
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
    crate::sys::terminal::stdin()
}

/// Whether this instance's stdout is a terminal.
///
/// ```no_run
/// let color = wasio::io::stdout_is_terminal();
/// ```
pub fn stdout_is_terminal() -> bool {
    crate::sys::terminal::stdout()
}

/// Whether this instance's stderr is a terminal.
///
/// ```no_run
/// let color = wasio::io::stderr_is_terminal();
/// ```
pub fn stderr_is_terminal() -> bool {
    crate::sys::terminal::stderr()
}

crate::rt::unthreaded::unthreaded_send_sync!([] Stdin);

//! Standard I/O over WASI 0.3 `wasi:cli` streams.

use super::Which;
use super::stream::{ByteReader, ByteWriter, DoneFut};
use crate::bindings::wasi::cli;
use futures_io::AsyncWrite;
use std::cell::{Cell, RefCell};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

fn cli_error(e: cli::types::ErrorCode) -> io::Error {
    use cli::types::ErrorCode as E;
    let kind = match e {
        E::Io => io::ErrorKind::Other,
        E::IllegalByteSequence => io::ErrorKind::InvalidData,
        E::Pipe => io::ErrorKind::BrokenPipe,
    };
    io::Error::new(kind, format!("wasi:cli error: {e:?}"))
}

fn done_future(fut: wit_bindgen::FutureReader<Result<(), cli::types::ErrorCode>>) -> DoneFut {
    Box::pin(async move { fut.await.map_err(cli_error) })
}

/// The reader every [`Stdin`](super::Stdin) handle shares.
pub(super) type Input = ByteReader;

thread_local! {
    static STDIN: RefCell<Option<Rc<RefCell<ByteReader>>>> = const { RefCell::new(None) };
    static STDOUT: RefCell<Option<Rc<RefCell<ByteWriter>>>> = const { RefCell::new(None) };
    static STDERR: RefCell<Option<Rc<RefCell<ByteWriter>>>> = const { RefCell::new(None) };
    static NEXT_HANDLE: Cell<u64> = const { Cell::new(1) };
}

/// The instance's stdin stream (`wasi:cli/stdin`), opened on first use.
pub(super) fn shared_stdin() -> Rc<RefCell<Input>> {
    STDIN.with(|s| {
        s.borrow_mut()
            .get_or_insert_with(|| {
                let (reader, done) = cli::stdin::read_via_stream();
                Rc::new(RefCell::new(ByteReader::new(reader, Some(done_future(done)))))
            })
            .clone()
    })
}

/// Refills a handle's `buf` from the shared reader: takes the reader's
/// filled buffer, leaving `buf` (consumed) for its next read — no copy.
/// Returns where the unread bytes start (an empty `buf` at the end).
pub(super) fn refill(input: &RefCell<Input>, cx: &mut Context<'_>, buf: &mut Vec<u8>) -> Poll<io::Result<usize>> {
    let mut inner = input.borrow_mut();
    ready!(inner.poll_fill_buf(cx))?;
    Poll::Ready(Ok(inner.swap_buffer(buf)))
}

fn next_handle() -> u64 {
    NEXT_HANDLE.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// A handle to this instance's standard output or error; see [`stdout`](super::stdout) and
/// [`stderr`](super::stderr).
///
/// ```no_run
/// use futures_util::io::AsyncWriteExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut out = wasio::io::stdout();
/// out.write_all(b"hello\n").await?;
/// out.flush().await?;
/// # Ok(()) }
/// ```
pub struct StdWriter {
    which: Which,
    id: u64,
    inner: Rc<RefCell<ByteWriter>>,
}

pub(super) fn std_writer(which: Which) -> StdWriter {
    let make = || {
        Rc::new(RefCell::new(ByteWriter::new(|reader| match which {
            Which::Out => done_future(cli::stdout::write_via_stream(reader)),
            Which::Err => done_future(cli::stderr::write_via_stream(reader)),
        })))
    };
    let slot = match which {
        Which::Out => &STDOUT,
        Which::Err => &STDERR,
    };
    let inner = slot.with(|s| {
        let mut s = s.borrow_mut();
        if s.as_ref().is_none_or(|w| w.borrow().is_closed()) {
            *s = Some(make());
        }
        s.as_ref().unwrap().clone()
    });
    StdWriter { which, id: next_handle(), inner }
}

impl Clone for StdWriter {
    fn clone(&self) -> Self {
        StdWriter { which: self.which, id: next_handle(), inner: self.inner.clone() }
    }
}

impl std::fmt::Debug for StdWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StdWriter").field("stream", &self.which).finish()
    }
}

impl Drop for StdWriter {
    fn drop(&mut self) {
        self.inner.borrow_mut().release(self.id);
    }
}

impl AsyncWrite for StdWriter {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.borrow_mut().poll_write(self.id, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.borrow_mut().poll_flush(self.id, cx)
    }

    /// Closes the stream for every handle and waits until the host has
    /// written everything. A later [`stdout`](super::stdout)/[`stderr`](super::stderr) call opens a new
    /// stream.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.borrow_mut().poll_close(self.id, cx)
    }
}

/// Closes stdout and stderr if they were used, waiting for the host to
/// write out everything. Called by `#[wasio::main]` after `main`.
#[doc(hidden)]
pub async fn flush_stdio() {
    use futures_util::io::AsyncWriteExt;
    for (slot, which) in [(&STDOUT, Which::Out), (&STDERR, Which::Err)] {
        if slot.with(|s| s.borrow().as_ref().is_some_and(|w| !w.borrow().is_closed())) {
            let _ = std_writer(which).close().await;
        }
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([] StdWriter);

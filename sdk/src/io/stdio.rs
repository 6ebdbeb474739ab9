//! The instance's standard streams, written once over the backend's
//! `sys::stdio` (`Input`/`Output` and how to open them).

use super::Which;
use crate::sys::stdio::{self as sys, Input, Output};
use futures_io::AsyncWrite;
use std::cell::{Cell, RefCell};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

pub(super) use sys::refill;

thread_local! {
    static STDIN: RefCell<Option<Rc<RefCell<Input>>>> = const { RefCell::new(None) };
    static STDOUT: RefCell<Option<Rc<RefCell<Output>>>> = const { RefCell::new(None) };
    static STDERR: RefCell<Option<Rc<RefCell<Output>>>> = const { RefCell::new(None) };
    static NEXT_HANDLE: Cell<u64> = const { Cell::new(1) };
}

/// The instance's stdin stream, opened on first use.
pub(super) fn shared_stdin() -> Rc<RefCell<Input>> {
    STDIN.with(|s| s.borrow_mut().get_or_insert_with(|| Rc::new(RefCell::new(sys::open_stdin()))).clone())
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
    inner: Rc<RefCell<Output>>,
}

pub(super) fn std_writer(which: Which) -> StdWriter {
    let slot = match which {
        Which::Out => &STDOUT,
        Which::Err => &STDERR,
    };
    let inner = slot.with(|s| {
        let mut s = s.borrow_mut();
        match s.as_ref() {
            Some(w) if !w.borrow().is_closed() => w.clone(),
            _ => s.insert(Rc::new(RefCell::new(sys::open_output(which)))).clone(),
        }
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

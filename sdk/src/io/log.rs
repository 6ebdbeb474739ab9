//! [`StderrLog`]: a `std::io::Write` for loggers that must not block the
//! instance. Text is queued in memory and written to the instance's stderr
//! by a wasio task.

use futures_util::io::AsyncWriteExt;
use std::cell::RefCell;
use std::io;

#[derive(Default)]
struct Queue {
    buf: Vec<u8>,
    /// A task is writing the queue out.
    draining: bool,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::default();
}

/// How much one write to stderr takes from the queue.
const CHUNK: usize = 64 * 1024;

/// A `std::io::Write` handle for logging to the instance's stderr without
/// blocking it: `write` queues the bytes and returns at once, and a wasio
/// task writes them out (on WASI 0.3, a blocking write would hold up every
/// task of the instance). Use it as a `tracing-subscriber` writer or for
/// any logger that takes an `io::Write`.
///
/// Outside wasio's executor (no task can be spawned) it writes through
/// std's stderr instead. `#[wasio::main]` writes out what is queued before
/// it ends; in an HTTP handler the writing task keeps the call alive until
/// it is done. The queue is unbounded: a host that stops reading stderr
/// makes it grow.
///
/// ```no_run
/// use std::io::Write;
/// let mut log = wasio::io::stderr_log();
/// writeln!(log, "request {} done", 7).unwrap();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct StderrLog {
    _private: (),
}

/// A [`StderrLog`] handle (the function form `tracing-subscriber`'s
/// `with_writer` takes).
///
/// ```no_run
/// let writer: fn() -> wasio::io::StderrLog = wasio::io::stderr_log;
/// ```
pub fn stderr_log() -> StderrLog {
    StderrLog { _private: () }
}

impl io::Write for StderrLog {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        if !crate::rt::in_executor() {
            // Nothing can run a task here: write through std, in order.
            drain_sync();
            io::stderr().write_all(data)?;
            return Ok(data.len());
        }
        let start = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            q.buf.extend_from_slice(data);
            !std::mem::replace(&mut q.draining, true)
        });
        if start {
            crate::spawn(drain());
        }
        Ok(data.len())
    }

    /// Returns at once: the queue is written out by a task.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes what is queued to std's stderr (no executor to wait in).
fn drain_sync() {
    let queued = QUEUE.with(|q| std::mem::take(&mut q.borrow_mut().buf));
    if !queued.is_empty() {
        let _ = io::Write::write_all(&mut io::stderr(), &queued);
    }
}

/// The writing task: takes bytes from the queue only once the host has
/// accepted them, so nothing is lost if it stops half-way.
async fn drain() {
    let mut err = crate::io::stderr();
    loop {
        let chunk = QUEUE.with(|q| {
            let q = q.borrow();
            q.buf[..q.buf.len().min(CHUNK)].to_vec()
        });
        if chunk.is_empty() {
            break;
        }
        match err.write(&chunk).await {
            Ok(n) if n > 0 => QUEUE.with(|q| drop(q.borrow_mut().buf.drain(..n))),
            // Stderr is gone: drop what is queued rather than spin.
            _ => QUEUE.with(|q| q.borrow_mut().buf.clear()),
        }
    }
    let _ = err.flush().await;
    QUEUE.with(|q| q.borrow_mut().draining = false);
}

/// Waits until the queue is written out (called before `main`'s tasks are
/// cancelled).
pub(crate) async fn drained() {
    while QUEUE.with(|q| q.borrow().draining) {
        crate::yield_now().await;
    }
}

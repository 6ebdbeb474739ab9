//! hyper 1.x on wasio (feature `hyper`): hyper's runtime traits implemented
//! by wasio, so hyper's HTTP/1 client and server run over
//! [`wasio::net`](crate::net) on wasio's executor.
//!
//! - [`HyperIo`] adapts a wasio byte stream (e.g. a
//!   [`TcpStream`](crate::net::TcpStream)) to `hyper::rt::Read`/`Write`;
//! - [`Executor`] spawns hyper's background futures with [`spawn`](crate::spawn);
//! - [`Timer`] gives hyper wasio's timers (header-read timeouts,
//!   keep-alive).
//!
//! ```no_run
//! # async fn f() -> std::io::Result<()> {
//! use hyper::{Request, Response, body::Incoming, service::service_fn};
//!
//! let listener = wasio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! loop {
//!     let (stream, _) = listener.accept().await?;
//!     wasio::spawn(async move {
//!         let hello = service_fn(|_req: Request<Incoming>| async {
//!             Ok::<_, std::convert::Infallible>(Response::new(String::from("hello\n")))
//!         });
//!         let _ = hyper::server::conn::http1::Builder::new()
//!             .timer(wasio::hyper::Timer)
//!             .serve_connection(wasio::hyper::HyperIo::new(stream), hello)
//!             .await;
//!     });
//! }
//! # }
//! ```

use futures_io::{AsyncBufRead, AsyncWrite};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

/// A wasio byte stream as hyper's `Read` + `Write`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let stream = wasio::net::TcpStream::connect("127.0.0.1:8080").await?;
/// let io = wasio::hyper::HyperIo::new(stream);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct HyperIo<T> {
    inner: T,
}

impl<T> HyperIo<T> {
    /// Wraps `inner`.
    ///
    /// ```no_run
    /// # fn f(s: wasio::net::TcpStream) { let io = wasio::hyper::HyperIo::new(s); }
    /// ```
    pub fn new(inner: T) -> Self {
        HyperIo { inner }
    }

    /// The wrapped stream.
    ///
    /// ```no_run
    /// # fn f(io: wasio::hyper::HyperIo<wasio::net::TcpStream>) { let s = io.into_inner(); }
    /// ```
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncBufRead + Unpin> hyper::rt::Read for HyperIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // Copy straight from the stream's own buffer: one copy, no unsafe.
        let avail = ready!(Pin::new(&mut self.inner).poll_fill_buf(cx))?;
        let n = avail.len().min(buf.remaining());
        buf.put_slice(&avail[..n]);
        Pin::new(&mut self.inner).consume(n);
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for HyperIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}

/// hyper's `Executor` on wasio: each future becomes a detached
/// [`spawn`](crate::spawn)ed task of the current export.
///
/// ```no_run
/// # fn f() {
/// let builder = hyper::server::conn::http1::Builder::new();
/// let _exec = wasio::hyper::Executor; // for builders that take one
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Executor;

impl<F: Future + 'static> hyper::rt::Executor<F> for Executor {
    fn execute(&self, fut: F) {
        drop(crate::spawn(async move {
            fut.await;
        }));
    }
}

/// hyper's `Timer` on wasio's timers (one host clock wait for all of them).
///
/// ```no_run
/// let mut builder = hyper::server::conn::http1::Builder::new();
/// builder.timer(wasio::hyper::Timer).header_read_timeout(std::time::Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Timer;

impl hyper::rt::Timer for Timer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(HyperSleep(crate::time::sleep(duration)))
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        self.sleep(deadline.saturating_duration_since(Instant::now()))
    }
}

/// A wasio sleep as hyper's `Sleep` (wasio's `Sleep` holds only plain
/// data, so it is `Send + Sync` as hyper asks).
struct HyperSleep(crate::time::Sleep);

impl Future for HyperSleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl hyper::rt::Sleep for HyperSleep {}

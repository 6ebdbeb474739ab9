//! TCP: `TcpListener`, `TcpStream` and its owned halves, written once over
//! the backend's handles (`sys::tcp`).

use super::addr::{ToSocketAddrs, each_addr};
use crate::sys::tcp::{self as sys, Connection, Reader, Socket, Writer};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A TCP listener, like `tokio::net::TcpListener`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let listener = wasio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// loop {
///     let (stream, peer) = listener.accept().await?;
///     wasio::spawn(async move { /* serve `stream` */ let _ = (stream, peer); });
/// }
/// # }
/// ```
pub struct TcpListener {
    inner: sys::Listener,
    local: SocketAddr,
}

impl std::fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpListener").field("local", &self.local).finish()
    }
}

impl TcpListener {
    /// Binds to the first of `addr`'s addresses that works and listens.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let l = wasio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// assert_ne!(l.local_addr()?.port(), 0);
    /// # Ok(()) }
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        Self::bind_with_backlog(addr, None).await
    }

    /// [`bind`](Self::bind) with an explicit listen backlog.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let l = wasio::net::TcpListener::bind_with_backlog("127.0.0.1:0", Some(1024)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind_with_backlog(addr: impl ToSocketAddrs, backlog: Option<u64>) -> io::Result<TcpListener> {
        each_addr(addr, move |addr| async move {
            let (inner, local) = sys::bind(addr, backlog).await?;
            Ok(TcpListener { inner, local })
        })
        .await
    }

    /// The bound address (with the port the host chose for port 0).
    ///
    /// ```no_run
    /// # fn f(l: &wasio::net::TcpListener) -> std::io::Result<()> {
    /// let port = l.local_addr()?.port();
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }

    /// Sets the listen backlog (may be called while listening).
    ///
    /// ```no_run
    /// # fn f(l: &wasio::net::TcpListener) -> std::io::Result<()> {
    /// l.set_backlog(512)?;
    /// # Ok(()) }
    /// ```
    pub fn set_backlog(&self, backlog: u64) -> io::Result<()> {
        self.inner.socket().set_backlog(backlog)
    }

    /// Waits for the next connection: the stream and the peer's address.
    /// Dropping the future cancels the wait.
    ///
    /// # Cancel safety
    /// Cancel safe: a connection the host has already handed over stays
    /// with the listener for the next `accept`, so using this in `select!`
    /// loses none.
    ///
    /// ```no_run
    /// # async fn f(l: wasio::net::TcpListener) -> std::io::Result<()> {
    /// let (stream, peer) = l.accept().await?;
    /// # Ok(()) }
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        std::future::poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// Polls for the next connection.
    ///
    /// ```no_run
    /// # fn f(l: &wasio::net::TcpListener, cx: &mut std::task::Context<'_>) {
    /// let _ = l.poll_accept(cx);
    /// # }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.inner.poll_accept(cx).map_ok(|(c, peer)| (TcpStream::from(c), peer))
    }

    /// The connections as a `Stream`.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// # async fn f(l: wasio::net::TcpListener) -> std::io::Result<()> {
    /// let mut incoming = l.incoming();
    /// while let Some(stream) = incoming.next().await {
    ///     let stream = stream?;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn incoming(&self) -> Incoming<'_> {
        Incoming { listener: self }
    }
}

/// The `Stream` of [`TcpListener::incoming`].
///
/// ```no_run
/// # fn f(l: &wasio::net::TcpListener) { let _: wasio::net::Incoming<'_> = l.incoming(); }
/// ```
#[derive(Debug)]
pub struct Incoming<'a> {
    listener: &'a TcpListener,
}

impl futures_core::Stream for Incoming<'_> {
    type Item = io::Result<TcpStream>;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.listener.poll_accept(cx).map(|r| Some(r.map(|(s, _)| s)))
    }
}

/// A TCP connection, like `tokio::net::TcpStream`: `futures_io::AsyncRead`,
/// `AsyncBufRead` and `AsyncWrite`. `close` shuts down the sending side
/// (the peer reads end-of-stream) once everything written was sent.
///
/// # Cancel safety
/// Reads are cancel safe: bytes the host delivered stay buffered for the
/// next read. A `write` that returned `Ok(n)` handed `n` bytes to the host;
/// `write_all` is not cancel safe (it may have written a prefix), as in
/// tokio.
///
/// ```no_run
/// use futures_util::io::{AsyncReadExt, AsyncWriteExt};
/// # async fn f() -> std::io::Result<()> {
/// let mut s = wasio::net::TcpStream::connect("127.0.0.1:8080").await?;
/// s.write_all(b"ping").await?;
/// s.close().await?;
/// let mut reply = Vec::new();
/// s.read_to_end(&mut reply).await?;
/// # Ok(()) }
/// ```
pub struct TcpStream {
    read: Reader,
    write: Writer,
    socket: Arc<Socket>,
}

impl std::fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpStream").field("peer", &self.peer_addr().ok()).finish()
    }
}

impl From<Connection> for TcpStream {
    fn from(c: Connection) -> TcpStream {
        TcpStream { read: c.read, write: c.write, socket: c.socket }
    }
}

impl TcpStream {
    /// Connects to the first of `addr`'s addresses that accepts.
    ///
    /// # Errors
    /// `ConnectionRefused`, `TimedOut`, `PermissionDenied` (the host granted
    /// no network, e.g. `wasmtime run` without `-Sinherit-network`), ...
    ///
    /// # Cancel safety
    /// Dropping the future cancels the connection attempt in the host and
    /// releases its socket.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::TcpStream::connect(("localhost", 8080)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        each_addr(addr, |addr| async move { sys::connect(addr).await.map(TcpStream::from) }).await
    }

    /// Splits into owned halves usable from two tasks (like tokio's
    /// `into_split`). Closing the write half shuts down the sending side.
    ///
    /// ```no_run
    /// # async fn f(s: wasio::net::TcpStream) -> std::io::Result<()> {
    /// let (mut rd, mut wr) = s.into_split();
    /// wasio::spawn(async move { futures_util::io::copy(&mut rd, &mut futures_util::io::sink()).await });
    /// # Ok(()) }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        (
            OwnedReadHalf { read: self.read, socket: self.socket.clone() },
            OwnedWriteHalf { write: self.write, socket: self.socket },
        )
    }

    /// Same as [`into_split`](Self::into_split).
    ///
    /// ```no_run
    /// # fn f(s: wasio::net::TcpStream) { let (_r, _w) = s.split(); }
    /// ```
    pub fn split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        self.into_split()
    }

    /// The peer's address.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::TcpStream::connect("127.0.0.1:8080").await?;
    /// assert_eq!(s.peer_addr()?, "127.0.0.1:8080".parse().unwrap());
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.socket.peer_addr()
    }

    /// The local address.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::TcpStream::connect("127.0.0.1:8080").await?;
    /// assert!(s.local_addr()?.ip().is_loopback());
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// `TCP_NODELAY`: WASI sockets have no such option, so this is always
    /// `Err(Unsupported)`. (Hosts typically send writes promptly anyway.)
    ///
    /// ```no_run
    /// # fn f(s: &wasio::net::TcpStream) { assert!(s.set_nodelay(true).is_err()); }
    /// ```
    pub fn set_nodelay(&self, _on: bool) -> io::Result<()> {
        Err(io::Error::new(io::ErrorKind::Unsupported, "set_nodelay: WASI sockets have no TCP_NODELAY option"))
    }

    /// Turns TCP keep-alive on or off.
    ///
    /// ```no_run
    /// # fn f(s: &wasio::net::TcpStream) -> std::io::Result<()> { s.set_keepalive(true) }
    /// ```
    pub fn set_keepalive(&self, on: bool) -> io::Result<()> {
        self.socket.set_keepalive(on)
    }

    /// Whether TCP keep-alive is on.
    ///
    /// ```no_run
    /// # fn f(s: &wasio::net::TcpStream) -> std::io::Result<()> { let _ = s.keepalive()?; Ok(()) }
    /// ```
    pub fn keepalive(&self) -> io::Result<bool> {
        self.socket.keepalive()
    }

    /// Sets the keep-alive idle time, probe interval and probe count.
    ///
    /// ```no_run
    /// # fn f(s: &wasio::net::TcpStream) -> std::io::Result<()> {
    /// use std::time::Duration;
    /// s.set_keepalive_params(Duration::from_secs(60), Duration::from_secs(10), 5)
    /// # }
    /// ```
    pub fn set_keepalive_params(
        &self,
        idle: std::time::Duration,
        interval: std::time::Duration,
        count: u32,
    ) -> io::Result<()> {
        let ns = |d: std::time::Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.socket.set_keepalive_params(ns(idle), ns(interval), count)
    }
}

/// The reading half of a [`TcpStream`].
///
/// ```no_run
/// # fn f(s: wasio::net::TcpStream) { let (rd, _): (wasio::net::OwnedReadHalf, _) = s.into_split(); }
/// ```
pub struct OwnedReadHalf {
    read: Reader,
    socket: Arc<Socket>,
}

/// The writing half of a [`TcpStream`].
///
/// ```no_run
/// # fn f(s: wasio::net::TcpStream) { let (_, wr): (_, wasio::net::OwnedWriteHalf) = s.into_split(); }
/// ```
pub struct OwnedWriteHalf {
    write: Writer,
    socket: Arc<Socket>,
}

impl std::fmt::Debug for OwnedReadHalf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedReadHalf").field("peer", &self.socket.peer_addr().ok()).finish()
    }
}

impl std::fmt::Debug for OwnedWriteHalf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedWriteHalf").field("peer", &self.socket.peer_addr().ok()).finish()
    }
}

/// `AsyncRead` + `AsyncBufRead` through the `read` field.
macro_rules! impl_read {
    ($t:ty) => {
        impl futures_io::AsyncRead for $t {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
                self.get_mut().read.poll_read(cx, buf)
            }
        }

        impl futures_io::AsyncBufRead for $t {
            fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
                self.get_mut().read.poll_fill_buf(cx)
            }
            fn consume(self: Pin<&mut Self>, amt: usize) {
                self.get_mut().read.consume(amt)
            }
        }
    };
}

/// `AsyncWrite` through the `write` field.
macro_rules! impl_write {
    ($t:ty) => {
        impl futures_io::AsyncWrite for $t {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                self.get_mut().write.poll_write(0, cx, buf)
            }
            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().write.poll_flush(0, cx)
            }
            fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().write.poll_close(0, cx)
            }
        }
    };
}

super::socket_options!(TcpStream);
impl_read!(TcpStream);
impl_write!(TcpStream);
impl_read!(OwnedReadHalf);
impl_write!(OwnedWriteHalf);

//! TCP: `TcpListener`, `TcpStream` and its owned halves.

use super::addr::{ToSocketAddrs, each_addr, family, from_wasi, to_wasi};
use super::error::net_err;
use crate::bindings::wasi::sockets::types::{ErrorCode, TcpSocket};
use crate::io::stream::{ByteReader, ByteWriter, DoneFut};
use crate::wit::StreamReader;
use futures_core::Stream;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

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
    socket: TcpSocket,
    /// The stream of accepted sockets, read in batches.
    incoming: std::cell::RefCell<StreamReader<TcpSocket>>,
    local: SocketAddr,
}

impl TcpListener {
    /// [`bind`](Self::bind) with an explicit listen backlog.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let l = wasio::net::TcpListener::bind_with_backlog("127.0.0.1:0", Some(1024)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind_with_backlog(addr: impl ToSocketAddrs, backlog: Option<u64>) -> io::Result<TcpListener> {
        each_addr(addr, move |addr| async move {
            let socket = TcpSocket::create(family(&addr)).map_err(|e| net_err(e, "bind"))?;
            socket.bind(to_wasi(addr)).map_err(|e| net_err(e, &format!("bind {addr}")))?;
            if let Some(n) = backlog {
                socket.set_listen_backlog_size(n).map_err(|e| net_err(e, "listen backlog"))?;
            }
            let reader = socket.listen().map_err(|e| net_err(e, &format!("listen {addr}")))?;
            let local = from_wasi(socket.get_local_address().map_err(|e| net_err(e, "local address"))?);
            Ok(TcpListener { socket, local, incoming: std::cell::RefCell::new(StreamReader::new(reader)) })
        })
        .await
    }

    /// Polls for the next connection.
    ///
    /// ```no_run
    /// # fn f(l: &wasio::net::TcpListener, cx: &mut std::task::Context<'_>) {
    /// let _ = l.poll_accept(cx);
    /// # }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let sock = ready!(Pin::new(&mut *self.incoming.borrow_mut()).poll_next(cx))
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "listener closed"))?;
        let peer = sock.get_remote_address().map(from_wasi).map_err(|e| net_err(e, "accept"))?;
        Poll::Ready(Ok((TcpStream::from_socket(sock), peer)))
    }
}

fn done_future(fut: wit_bindgen::FutureReader<Result<(), ErrorCode>>, op: &'static str) -> DoneFut {
    Box::pin(async move { fut.await.map_err(|e| net_err(e, op)) })
}

/// A TCP connection, like `tokio::net::TcpStream`: `futures_io::AsyncRead`,
/// `AsyncBufRead` and `AsyncWrite`. `close` shuts down the sending side
/// (the peer reads end-of-stream) and waits until everything was sent.
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
    socket: Arc<TcpSocket>,
    read: ByteReader,
    write: ByteWriter,
}

impl std::fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpStream").field("peer", &self.peer_addr().ok()).finish()
    }
}

impl TcpStream {
    fn from_socket(socket: TcpSocket) -> TcpStream {
        let socket = Arc::new(socket);
        let (rx, done) = socket.receive();
        let read = ByteReader::new(rx, Some(done_future(done, "read")));
        let s = socket.clone();
        let write = ByteWriter::new(move |tx| done_future(s.send(tx), "write"));
        TcpStream { socket, read, write }
    }

    /// Connects to the first of `addr`'s addresses that accepts.
    ///
    /// # Errors
    /// `ConnectionRefused`, `TimedOut`, `PermissionDenied` (no network
    /// granted: run with `-Sinherit-network`), ...
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::TcpStream::connect(("localhost", 8080)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        each_addr(addr, move |addr| async move {
            let socket = TcpSocket::create(family(&addr)).map_err(|e| net_err(e, "connect"))?;
            socket.connect(to_wasi(addr)).await.map_err(|e| net_err(e, &format!("connect {addr}")))?;
            Ok(TcpStream::from_socket(socket))
        })
        .await
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
            OwnedReadHalf { socket: self.socket.clone(), read: self.read },
            OwnedWriteHalf { socket: self.socket, write: self.write },
        )
    }
}

/// The reading half of a [`TcpStream`].
///
/// ```no_run
/// # fn f(s: wasio::net::TcpStream) { let (rd, _): (wasio::net::OwnedReadHalf, _) = s.into_split(); }
/// ```
pub struct OwnedReadHalf {
    socket: Arc<TcpSocket>,
    read: ByteReader,
}

/// The writing half of a [`TcpStream`].
///
/// ```no_run
/// # fn f(s: wasio::net::TcpStream) { let (_, wr): (_, wasio::net::OwnedWriteHalf) = s.into_split(); }
/// ```
pub struct OwnedWriteHalf {
    socket: Arc<TcpSocket>,
    write: ByteWriter,
}

impl std::fmt::Debug for OwnedReadHalf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedReadHalf").field("peer", &self.socket.get_remote_address().ok().map(from_wasi)).finish()
    }
}

impl std::fmt::Debug for OwnedWriteHalf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedWriteHalf").field("peer", &self.socket.get_remote_address().ok().map(from_wasi)).finish()
    }
}

super::socket_options!(TcpStream, get_hop_limit, set_hop_limit);
super::tcp_stream_methods!(get_remote_address, get_local_address, get_keep_alive_enabled);
super::tcp_listener_common!();

crate::rt::unthreaded::unthreaded_send_sync!([] TcpListener);

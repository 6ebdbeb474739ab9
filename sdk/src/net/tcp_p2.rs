//! TCP on WASI 0.2 (feature `p2`): the same `TcpListener`, `TcpStream` and
//! owned halves, over `wasi:sockets/tcp@0.2` sockets and their
//! `input-stream`/`output-stream`, waited on through the executor's poll
//! loop.

use super::addr::{ToSocketAddrs, each_addr, family, from_wasi, network, to_wasi, until_ready};
use super::error::net_err;
use crate::io::stream_p2::{BufInput, OutputWriter};
use crate::rt::{Registration, register_pollable};
use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};
use wasip2::sockets::network::ErrorCode;
use wasip2::sockets::tcp::{ShutdownType, TcpSocket};
use wasip2::sockets::tcp_create_socket::create_tcp_socket;

/// A TCP listener, like `tokio::net::TcpListener`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let listener = wasio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// let (stream, peer) = listener.accept().await?;
/// # Ok(()) }
/// ```
pub struct TcpListener {
    /// A pending accept's pollable, dropped before the socket.
    waiting: RefCell<Option<Registration>>,
    socket: TcpSocket,
    local: SocketAddr,
}

impl TcpListener {
    /// [`bind`](Self::bind) with an explicit listen backlog.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let l = wasio::net::TcpListener::bind_with_backlog("127.0.0.1:0", Some(128)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind_with_backlog(addr: impl ToSocketAddrs, backlog: Option<u64>) -> io::Result<TcpListener> {
        each_addr(addr, move |addr| async move {
            let socket = create_tcp_socket(family(&addr)).map_err(|e| net_err(e, "bind"))?;
            let net = network();
            socket.start_bind(&net, to_wasi(addr)).map_err(|e| net_err(e, &format!("bind {addr}")))?;
            until_ready(|| socket.subscribe(), || socket.finish_bind())
                .await
                .map_err(|e| net_err(e, &format!("bind {addr}")))?;
            if let Some(n) = backlog {
                socket.set_listen_backlog_size(n).map_err(|e| net_err(e, "listen backlog"))?;
            }
            socket.start_listen().map_err(|e| net_err(e, &format!("listen {addr}")))?;
            until_ready(|| socket.subscribe(), || socket.finish_listen())
                .await
                .map_err(|e| net_err(e, &format!("listen {addr}")))?;
            let local = from_wasi(socket.local_address().map_err(|e| net_err(e, "local address"))?);
            Ok(TcpListener { waiting: RefCell::new(None), socket, local })
        })
        .await
    }

    /// Polls for the next connection.
    ///
    /// ```no_run
    /// # fn f(l: &wasio::net::TcpListener, cx: &mut std::task::Context<'_>) { let _ = l.poll_accept(cx); }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let accepted = self.socket.accept();
        *self.waiting.borrow_mut() = None;
        match accepted {
            Ok((socket, input, output)) => {
                let peer = socket.remote_address().map(from_wasi).map_err(|e| net_err(e, "peer address"));
                let stream = TcpStream::new(socket, input, output);
                Poll::Ready(peer.map(|p| (stream, p)))
            }
            Err(ErrorCode::WouldBlock) => {
                *self.waiting.borrow_mut() = Some(register_pollable(self.socket.subscribe(), cx.waker()));
                Poll::Pending
            }
            Err(e) => Poll::Ready(Err(net_err(e, "accept"))),
        }
    }
}

/// The sending side of a connection: its output stream, and the socket to
/// shut down when it is closed.
struct Sender {
    writer: OutputWriter,
    socket: Arc<TcpSocket>,
}

// The same methods as WASI 0.3's `ByteWriter` (the handle id is unused:
// each `Sender` has one user), so `impl_write!` serves both.
impl Sender {
    fn poll_write(&mut self, _me: u64, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.writer.poll_write(cx, buf, "tcp write")
    }

    fn poll_flush(&mut self, _me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.writer.poll_flush(cx, "tcp write")
    }

    fn poll_close(&mut self, _me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.writer.is_closed() {
            return Poll::Ready(Ok(()));
        }
        match self.writer.poll_flush(cx, "tcp write") {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r?,
        }
        self.writer.close();
        self.socket.shutdown(ShutdownType::Send).map_err(|e| net_err(e, "shutdown"))?;
        Poll::Ready(Ok(()))
    }
}

impl Drop for Sender {
    /// Wasmtime's drop of a TCP `output-stream` waits until the bytes
    /// already written have reached the kernel, which is forever if the peer
    /// never reads. So unless the stream is ready now (nothing in flight),
    /// it and its socket are closed by the executor once the host is done,
    /// and the guest goes on at once (see [`crate::rt::pending_closes`]).
    fn drop(&mut self) {
        if let Some(stream) = self.writer.take() {
            let pollable = stream.subscribe();
            // The tuple drops the stream before the socket it belongs to.
            crate::rt::close_when_ready(pollable, Box::new((stream, self.socket.clone())));
        }
    }
}

/// A TCP connection, like `tokio::net::TcpStream`: `AsyncRead`,
/// `AsyncBufRead`, `AsyncWrite`; `close` flushes and shuts down the
/// sending side.
///
/// # Cancel safety
/// Reads are cancel safe: bytes the host delivered stay buffered for the
/// next read. A `write` that returned `Ok(n)` handed `n` bytes to the host;
/// `write_all` is not cancel safe (it may have written a prefix), as in
/// tokio.
///
/// ```no_run
/// use futures_util::io::AsyncWriteExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut s = wasio::net::TcpStream::connect("127.0.0.1:8080").await?;
/// s.write_all(b"ping").await?;
/// # Ok(()) }
/// ```
pub struct TcpStream {
    // The streams (children of the socket) drop first.
    read: BufInput,
    write: Sender,
    socket: Arc<TcpSocket>,
}

impl std::fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpStream").field("peer", &self.peer_addr().ok()).finish()
    }
}

impl TcpStream {
    fn new(
        socket: TcpSocket,
        input: wasip2::io::streams::InputStream,
        output: wasip2::io::streams::OutputStream,
    ) -> TcpStream {
        let socket = Arc::new(socket);
        TcpStream {
            read: BufInput::new(input, "tcp read"),
            write: Sender { writer: OutputWriter::new(output), socket: socket.clone() },
            socket,
        }
    }

    /// Connects to the first of `addr`'s addresses that accepts.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::TcpStream::connect(("localhost", 8080)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        each_addr(addr, move |addr| async move {
            let socket = create_tcp_socket(family(&addr)).map_err(|e| net_err(e, "connect"))?;
            let net = network();
            socket.start_connect(&net, to_wasi(addr)).map_err(|e| net_err(e, &format!("connect {addr}")))?;
            let (input, output) = until_ready(|| socket.subscribe(), || socket.finish_connect())
                .await
                .map_err(|e| net_err(e, &format!("connect {addr}")))?;
            Ok(TcpStream::new(socket, input, output))
        })
        .await
    }

    /// Splits into owned halves usable from two tasks.
    ///
    /// ```no_run
    /// # fn f(s: wasio::net::TcpStream) { let (_rd, _wr) = s.into_split(); }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        (OwnedReadHalf { read: self.read, socket: self.socket }, OwnedWriteHalf { write: self.write })
    }
}

/// The reading half of a [`TcpStream`].
///
/// ```no_run
/// # fn f(s: wasio::net::TcpStream) { let (rd, _): (wasio::net::OwnedReadHalf, _) = s.into_split(); }
/// ```
pub struct OwnedReadHalf {
    read: BufInput,
    socket: Arc<TcpSocket>,
}

/// The writing half of a [`TcpStream`].
///
/// ```no_run
/// # fn f(s: wasio::net::TcpStream) { let (_, wr): (_, wasio::net::OwnedWriteHalf) = s.into_split(); }
/// ```
pub struct OwnedWriteHalf {
    write: Sender,
}

impl std::fmt::Debug for OwnedReadHalf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedReadHalf").field("peer", &self.socket.remote_address().ok().map(from_wasi)).finish()
    }
}

impl std::fmt::Debug for OwnedWriteHalf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let peer = self.write.socket.remote_address().ok().map(from_wasi);
        f.debug_struct("OwnedWriteHalf").field("peer", &peer).finish()
    }
}

super::socket_options!(
    TcpStream,
    hop_limit,
    set_hop_limit,
    receive_buffer_size,
    set_receive_buffer_size,
    send_buffer_size,
    set_send_buffer_size
);
super::tcp_stream_methods!(remote_address, local_address, keep_alive_enabled);
super::tcp_listener_common!();

crate::rt::unthreaded::unthreaded_send_sync!([] TcpListener);

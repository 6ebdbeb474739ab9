//! TCP over `wasi:sockets/tcp@0.2`: the handles `net::tcp` is written
//! over. A connection's bytes go through the socket's `input-stream` and
//! `output-stream`, waited on through the executor's poll loop.

use super::sockets::{network, until_ready};
use crate::net::addr::{family, from_wasi, to_wasi};
use crate::net::error::net_err;
use crate::rt::{Registration, register_pollable};
use crate::sys::stream::{BufInput, OutputWriter};
use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};
use wasip2::sockets::network::ErrorCode;
use wasip2::sockets::tcp::{ShutdownType, TcpSocket};
use wasip2::sockets::tcp_create_socket::create_tcp_socket;

/// A connection's reading side.
pub(crate) type Reader = BufInput;
/// A connection's writing side (its `poll_close` shuts down sending).
pub(crate) type Writer = Sender;

/// A TCP socket: the options and addresses, the same on both backends.
pub(crate) struct Socket(TcpSocket);

/// The sending side of a connection: its output stream, and the socket to
/// shut down when it is closed.
pub(crate) struct Sender {
    writer: OutputWriter,
    socket: Arc<Socket>,
}

// The same methods as WASI 0.3's `ByteWriter` (the handle id is unused:
// each `Sender` has one user).
impl Sender {
    pub(crate) fn poll_write(&mut self, _me: u64, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.writer.poll_write(cx, buf, "tcp write")
    }

    pub(crate) fn poll_flush(&mut self, _me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.writer.poll_flush(cx, "tcp write")
    }

    pub(crate) fn poll_close(&mut self, _me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.writer.is_closed() {
            return Poll::Ready(Ok(()));
        }
        match self.writer.poll_flush(cx, "tcp write") {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r?,
        }
        // Shut down before dropping the stream: Wasmtime 46 and 47 send no
        // FIN for a shutdown that comes after the stream's drop.
        let shutdown = self.socket.0.shutdown(ShutdownType::Send).map_err(|e| net_err(e, "shutdown"));
        self.writer.close();
        shutdown?;
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

/// A connection: its socket and both directions (the streams, children of
/// the socket, drop first).
pub(crate) struct Connection {
    pub(crate) read: Reader,
    pub(crate) write: Writer,
    pub(crate) socket: Arc<Socket>,
}

impl Connection {
    fn new(
        socket: TcpSocket,
        input: wasip2::io::streams::InputStream,
        output: wasip2::io::streams::OutputStream,
    ) -> Connection {
        let socket = Arc::new(Socket(socket));
        Connection {
            read: BufInput::new(input, "tcp read"),
            write: Sender { writer: OutputWriter::new(output), socket: socket.clone() },
            socket,
        }
    }
}

/// Connects to `addr`.
pub(crate) async fn connect(addr: SocketAddr) -> io::Result<Connection> {
    let socket = create_tcp_socket(family(&addr)).map_err(|e| net_err(e, "connect"))?;
    let net = network();
    socket.start_connect(&net, to_wasi(addr)).map_err(|e| net_err(e, &format!("connect {addr}")))?;
    let (input, output) = until_ready(|| socket.subscribe(), || socket.finish_connect())
        .await
        .map_err(|e| net_err(e, &format!("connect {addr}")))?;
    Ok(Connection::new(socket, input, output))
}

/// A listening socket, and a pending accept's pollable (dropped first).
pub(crate) struct Listener {
    waiting: RefCell<Option<Registration>>,
    socket: Socket,
}

/// Binds to `addr` and listens: the listener and its bound address.
pub(crate) async fn bind(addr: SocketAddr, backlog: Option<u64>) -> io::Result<(Listener, SocketAddr)> {
    let socket = create_tcp_socket(family(&addr)).map_err(|e| net_err(e, "bind"))?;
    let net = network();
    socket.start_bind(&net, to_wasi(addr)).map_err(|e| net_err(e, &format!("bind {addr}")))?;
    until_ready(|| socket.subscribe(), || socket.finish_bind())
        .await
        .map_err(|e| net_err(e, &format!("bind {addr}")))?;
    let socket = Socket(socket);
    if let Some(n) = backlog {
        socket.set_backlog(n)?;
    }
    socket.0.start_listen().map_err(|e| net_err(e, &format!("listen {addr}")))?;
    until_ready(|| socket.0.subscribe(), || socket.0.finish_listen())
        .await
        .map_err(|e| net_err(e, &format!("listen {addr}")))?;
    let local = socket.local_addr()?;
    Ok((Listener { waiting: RefCell::new(None), socket }, local))
}

impl Listener {
    pub(crate) fn socket(&self) -> &Socket {
        &self.socket
    }

    /// The next accepted connection and its peer's address.
    pub(crate) fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(Connection, SocketAddr)>> {
        let accepted = self.socket.0.accept();
        *self.waiting.borrow_mut() = None;
        match accepted {
            Ok((socket, input, output)) => {
                let peer = socket.remote_address().map(from_wasi).map_err(|e| net_err(e, "peer address"));
                let connection = Connection::new(socket, input, output);
                Poll::Ready(peer.map(|p| (connection, p)))
            }
            Err(ErrorCode::WouldBlock) => {
                *self.waiting.borrow_mut() = Some(register_pollable(self.socket.0.subscribe(), cx.waker()));
                Poll::Pending
            }
            Err(e) => Poll::Ready(Err(net_err(e, "accept"))),
        }
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([] Listener);

crate::sys::sys_socket_options!(
    tcp keep_alive_enabled,
    Socket,
    0,
    remote_address,
    local_address,
    hop_limit,
    set_hop_limit,
    receive_buffer_size,
    set_receive_buffer_size,
    send_buffer_size,
    set_send_buffer_size
);

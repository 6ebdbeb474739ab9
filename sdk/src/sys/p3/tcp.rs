//! TCP over `wasi:sockets@0.3`: the handles `net::tcp` is written over.
//! A connection's bytes travel in a `stream<u8>` each way (read and
//! written by `ByteReader`/`ByteWriter`); accepted sockets arrive in a
//! `stream<tcp-socket>`.

use crate::bindings::wasi::sockets::types::{ErrorCode, TcpSocket};
use crate::net::addr::{family, from_wasi, to_wasi};
use crate::net::error::net_err;
use crate::sys::stream::{ByteReader, ByteWriter, DoneFut};
use crate::wit::StreamReader;
use futures_core::Stream;
use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

/// A connection's reading side.
pub(crate) type Reader = ByteReader;
/// A connection's writing side (its `poll_close` shuts down sending).
pub(crate) type Writer = ByteWriter;

/// A TCP socket: the options and addresses, the same on both backends.
pub(crate) struct Socket(TcpSocket);

/// A connection: its socket and both directions.
pub(crate) struct Connection {
    pub(crate) socket: Arc<Socket>,
    pub(crate) read: Reader,
    pub(crate) write: Writer,
}

fn done_future(fut: wit_bindgen::FutureReader<Result<(), ErrorCode>>, op: &'static str) -> DoneFut {
    Box::pin(async move { fut.await.map_err(|e| net_err(e, op)) })
}

impl Connection {
    fn new(socket: TcpSocket) -> Connection {
        let socket = Arc::new(Socket(socket));
        let (rx, done) = socket.0.receive();
        let read = ByteReader::new(rx, Some(done_future(done, "read")));
        let s = socket.clone();
        let write = ByteWriter::new(move |tx| done_future(s.0.send(tx), "write"));
        Connection { socket, read, write }
    }
}

/// Connects to `addr`.
pub(crate) async fn connect(addr: SocketAddr) -> io::Result<Connection> {
    let socket = TcpSocket::create(family(&addr)).map_err(|e| net_err(e, "connect"))?;
    socket.connect(to_wasi(addr)).await.map_err(|e| net_err(e, &format!("connect {addr}")))?;
    Ok(Connection::new(socket))
}

/// A listening socket and the stream of accepted sockets (read in batches).
pub(crate) struct Listener {
    socket: Socket,
    incoming: RefCell<StreamReader<TcpSocket>>,
}

/// Binds to `addr` and listens: the listener and its bound address.
pub(crate) async fn bind(addr: SocketAddr, backlog: Option<u64>) -> io::Result<(Listener, SocketAddr)> {
    let socket = Socket(TcpSocket::create(family(&addr)).map_err(|e| net_err(e, "bind"))?);
    socket.0.bind(to_wasi(addr)).map_err(|e| net_err(e, &format!("bind {addr}")))?;
    if let Some(n) = backlog {
        socket.set_backlog(n)?;
    }
    let reader = socket.0.listen().map_err(|e| net_err(e, &format!("listen {addr}")))?;
    let local = socket.local_addr()?;
    Ok((Listener { socket, incoming: RefCell::new(StreamReader::new(reader)) }, local))
}

impl Listener {
    pub(crate) fn socket(&self) -> &Socket {
        &self.socket
    }

    /// The next accepted connection and its peer's address.
    pub(crate) fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(Connection, SocketAddr)>> {
        let sock = ready!(Pin::new(&mut *self.incoming.borrow_mut()).poll_next(cx))
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "listener closed"))?;
        let peer = sock.get_remote_address().map(from_wasi).map_err(|e| net_err(e, "accept"))?;
        Poll::Ready(Ok((Connection::new(sock), peer)))
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([] Listener);

crate::sys::sys_socket_options!(
    tcp get_keep_alive_enabled,
    Socket,
    0,
    get_remote_address,
    get_local_address,
    get_hop_limit,
    set_hop_limit,
    get_receive_buffer_size,
    set_receive_buffer_size,
    get_send_buffer_size,
    set_send_buffer_size
);

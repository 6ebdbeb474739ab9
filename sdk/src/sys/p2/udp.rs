//! UDP over `wasi:sockets/udp@0.2`: the socket `net::udp` is written over,
//! with its datagram streams waited on through the executor's poll loop.

use super::sockets::{network, until_ready};
use crate::net::addr::{family, from_wasi, to_wasi};
use crate::net::error::net_err;
use crate::rt::{Registration, register_pollable};
use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::task::Poll;
use wasip2::sockets::network::ErrorCode;
use wasip2::sockets::udp::{IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream, UdpSocket as WasiUdp};
use wasip2::sockets::udp_create_socket::create_udp_socket;

/// The datagram streams of a socket (children of it), and a pending
/// wait's pollable (a child of one of them), in drop order.
struct Streams {
    waiting: Option<Registration>,
    incoming: IncomingDatagramStream,
    outgoing: OutgoingDatagramStream,
}

pub(crate) struct Socket {
    streams: RefCell<Option<Streams>>,
    socket: WasiUdp,
}

/// Binds to `addr`.
pub(crate) async fn bind(addr: SocketAddr) -> io::Result<Socket> {
    let socket = create_udp_socket(family(&addr)).map_err(|e| net_err(e, "udp bind"))?;
    let net = network();
    socket.start_bind(&net, to_wasi(addr)).map_err(|e| net_err(e, &format!("udp bind {addr}")))?;
    until_ready(|| socket.subscribe(), || socket.finish_bind())
        .await
        .map_err(|e| net_err(e, &format!("udp bind {addr}")))?;
    let s = Socket { streams: RefCell::new(None), socket };
    s.open(None)?;
    Ok(s)
}

impl Socket {
    /// (Re)opens the datagram streams, for `remote` or for anyone.
    fn open(&self, remote: Option<SocketAddr>) -> io::Result<()> {
        // The old streams must be gone before new ones are asked for.
        *self.streams.borrow_mut() = None;
        let (incoming, outgoing) = self.socket.stream(remote.map(to_wasi)).map_err(|e| net_err(e, "udp streams"))?;
        *self.streams.borrow_mut() = Some(Streams { waiting: None, incoming, outgoing });
        Ok(())
    }

    pub(crate) fn connect(&self, addr: SocketAddr) -> io::Result<()> {
        self.open(Some(addr)).map_err(|e| io::Error::new(e.kind(), format!("udp connect {addr}: {e}")))
    }

    pub(crate) fn disconnect(&self) -> io::Result<()> {
        if self.socket.remote_address().is_err() {
            return Err(net_err(ErrorCode::InvalidState, "udp disconnect"));
        }
        self.open(None)
    }

    /// Sends `buf` to `to`, or to the connected peer; `what` names the
    /// operation in errors.
    pub(crate) async fn send(&self, buf: &[u8], to: Option<SocketAddr>, what: &str) -> io::Result<usize> {
        let datagram = [OutgoingDatagram { data: buf.to_vec(), remote_address: to.map(to_wasi) }];
        std::future::poll_fn(|cx| {
            let mut streams = self.streams.borrow_mut();
            let Some(s) = streams.as_mut() else {
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::NotConnected, format!("{what}: socket closed"))));
            };
            s.waiting = None;
            match s.outgoing.check_send() {
                Ok(0) => {
                    s.waiting = Some(register_pollable(s.outgoing.subscribe(), cx.waker()));
                    Poll::Pending
                }
                Ok(_) => Poll::Ready(match s.outgoing.send(&datagram) {
                    Ok(1) => Ok(buf.len()),
                    Ok(_) => Err(io::Error::new(io::ErrorKind::WouldBlock, format!("{what}: not sent"))),
                    Err(e) => Err(net_err(e, what)),
                }),
                Err(e) => Poll::Ready(Err(net_err(e, what))),
            }
        })
        .await
    }

    pub(crate) async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let datagram = std::future::poll_fn(|cx| {
            let mut streams = self.streams.borrow_mut();
            let Some(s) = streams.as_mut() else {
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::NotConnected, "udp receive: socket closed")));
            };
            s.waiting = None;
            match s.incoming.receive(1) {
                Ok(mut got) if !got.is_empty() => Poll::Ready(Ok(got.swap_remove(0))),
                Ok(_) => {
                    s.waiting = Some(register_pollable(s.incoming.subscribe(), cx.waker()));
                    Poll::Pending
                }
                Err(e) => Poll::Ready(Err(net_err(e, "udp receive"))),
            }
        })
        .await?;
        let n = datagram.data.len().min(buf.len());
        buf[..n].copy_from_slice(&datagram.data[..n]);
        Ok((n, from_wasi(datagram.remote_address)))
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([] Socket);

crate::sys::sys_socket_options!(
    Socket,
    socket,
    remote_address,
    local_address,
    unicast_hop_limit,
    set_unicast_hop_limit,
    receive_buffer_size,
    set_receive_buffer_size,
    send_buffer_size,
    set_send_buffer_size
);

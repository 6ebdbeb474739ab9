//! UDP on WASI 0.2 (feature `p2`): the same `UdpSocket`, over
//! `wasi:sockets/udp@0.2` and its datagram streams.

use super::addr::{ToSocketAddrs, each_addr, family, first_addr, from_wasi, network, to_wasi, until_ready};
use super::error::net_err;
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

/// A UDP socket, like `tokio::net::UdpSocket`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let sock = wasio::net::UdpSocket::bind("127.0.0.1:0").await?;
/// sock.send_to(b"ping", "127.0.0.1:9000").await?;
/// # Ok(()) }
/// ```
pub struct UdpSocket {
    streams: RefCell<Option<Streams>>,
    socket: WasiUdp,
}

impl UdpSocket {
    /// Binds to the first of `addr`'s addresses that works.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::UdpSocket::bind("0.0.0.0:0").await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        each_addr(addr, move |addr| async move {
            let socket = create_udp_socket(family(&addr)).map_err(|e| net_err(e, "udp bind"))?;
            let net = network();
            socket.start_bind(&net, to_wasi(addr)).map_err(|e| net_err(e, &format!("udp bind {addr}")))?;
            until_ready(|| socket.subscribe(), || socket.finish_bind())
                .await
                .map_err(|e| net_err(e, &format!("udp bind {addr}")))?;
            let s = UdpSocket { streams: RefCell::new(None), socket };
            s.open(None)?;
            Ok(s)
        })
        .await
    }

    /// (Re)opens the datagram streams, for `remote` or for anyone.
    fn open(&self, remote: Option<SocketAddr>) -> io::Result<()> {
        // The old streams must be gone before new ones are asked for.
        *self.streams.borrow_mut() = None;
        let (incoming, outgoing) = self.socket.stream(remote.map(to_wasi)).map_err(|e| net_err(e, "udp streams"))?;
        *self.streams.borrow_mut() = Some(Streams { waiting: None, incoming, outgoing });
        Ok(())
    }

    /// Sets the default peer: `send` goes there and only its datagrams are
    /// received.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.connect("127.0.0.1:9000").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        each_addr(addr, move |addr| async move {
            self.open(Some(addr)).map_err(|e| io::Error::new(e.kind(), format!("udp connect {addr}: {e}")))
        })
        .await
    }

    /// Forgets the connected peer. An `Err` if not connected.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.disconnect()?;
    /// # Ok(()) }
    /// ```
    pub fn disconnect(&self) -> io::Result<()> {
        if self.socket.remote_address().is_err() {
            return Err(net_err(ErrorCode::InvalidState, "udp disconnect"));
        }
        self.open(None)
    }

    async fn send_datagram(&self, buf: &[u8], to: Option<SocketAddr>, what: &str) -> io::Result<usize> {
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

    /// Sends a datagram to the connected peer; returns its length.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.send(b"hello").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.send_datagram(buf, None, "udp send").await
    }

    /// Sends a datagram to `target`; returns its length.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.send_to(b"hello", "127.0.0.1:9000").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let addr = first_addr(target, "send_to").await?;
        self.send_datagram(buf, Some(addr), &format!("udp send to {addr}")).await
    }

    /// Receives a datagram into `buf` (truncating it if `buf` is too
    /// small); returns its length and sender.
    ///
    /// # Cancel safety
    /// Cancel safe: a datagram is taken from the host only when this
    /// returns it.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// let mut buf = [0u8; 1500];
    /// let (n, from) = s.recv_from(&mut buf).await?;
    /// # Ok(()) }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
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

    /// Receives a datagram from the connected peer into `buf`.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// let mut buf = [0u8; 1500];
    /// let n = s.recv(&mut buf).await?;
    /// # Ok(()) }
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    /// The bound address.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_ne!(s.local_addr()?.port(), 0, "the host picked a port");
    /// # Ok(()) }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_address().map(from_wasi).map_err(|e| net_err(e, "local address"))
    }

    /// The connected peer's address.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let s = wasio::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// s.connect("127.0.0.1:9000").await?;
    /// assert_eq!(s.peer_addr()?, "127.0.0.1:9000".parse().unwrap());
    /// # Ok(()) }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.socket.remote_address().map(from_wasi).map_err(|e| net_err(e, "peer address"))
    }
}

super::socket_options!(
    UdpSocket,
    unicast_hop_limit,
    set_unicast_hop_limit,
    receive_buffer_size,
    set_receive_buffer_size,
    send_buffer_size,
    set_send_buffer_size
);

crate::rt::unthreaded::unthreaded_send_sync!([] UdpSocket);

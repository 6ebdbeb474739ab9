//! UDP: `UdpSocket`, written once over the backend's socket (`sys::udp`).

use super::addr::{ToSocketAddrs, each_addr, first_addr};
use crate::sys::udp as sys;
use std::io;
use std::net::SocketAddr;

/// A UDP socket, like `tokio::net::UdpSocket`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let sock = wasio::net::UdpSocket::bind("127.0.0.1:0").await?;
/// sock.send_to(b"ping", "127.0.0.1:9000").await?;
/// let mut buf = [0u8; 1500];
/// let (n, from) = sock.recv_from(&mut buf).await?;
/// # Ok(()) }
/// ```
pub struct UdpSocket {
    socket: sys::Socket,
}

impl std::fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UdpSocket").field("local", &self.local_addr().ok()).finish()
    }
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
        each_addr(addr, |addr| async move { Ok(UdpSocket { socket: sys::bind(addr).await? }) }).await
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
        each_addr(addr, |addr| async move { self.socket.connect(addr) }).await
    }

    /// Forgets the connected peer: `recv_from` sees datagrams from anyone
    /// again and `send` needs a `connect` first. An `Err` if not connected.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.connect("127.0.0.1:9000").await?;
    /// s.disconnect()?;
    /// # Ok(()) }
    /// ```
    pub fn disconnect(&self) -> io::Result<()> {
        self.socket.disconnect()
    }

    /// Sends a datagram to the connected peer; returns its length.
    ///
    /// # Cancel safety
    /// Dropping the future before it completes may or may not have sent
    /// the datagram (as with tokio); one that returned `Ok` was handed to
    /// the host whole.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.send(b"hello").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.socket.send(buf, None, "udp send").await
    }

    /// Sends a datagram to `target`; returns its length.
    ///
    /// # Cancel safety
    /// As [`send`](UdpSocket::send).
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// s.send_to(b"hello", "127.0.0.1:9000").await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_to(&self, buf: &[u8], target: impl ToSocketAddrs) -> io::Result<usize> {
        let addr = first_addr(target, "send_to").await?;
        self.socket.send(buf, Some(addr), &format!("udp send to {addr}")).await
    }

    /// Receives a datagram into `buf` (truncating it if `buf` is too small);
    /// returns its length and sender.
    ///
    /// # Cancel safety
    /// Not cancel safe on WASI 0.3: the receive is one host call, and a
    /// datagram it had already taken when the future is dropped is lost
    /// (as a datagram may be on the network). With the `p2` feature it is
    /// cancel safe: a datagram is taken from the host only when this
    /// returns it.
    ///
    /// ```no_run
    /// # async fn f(s: &wasio::net::UdpSocket) -> std::io::Result<()> {
    /// let mut buf = [0u8; 1500];
    /// let (n, from) = s.recv_from(&mut buf).await?;
    /// # Ok(()) }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.socket.recv_from(buf).await
    }

    /// Receives a datagram from the connected peer into `buf`.
    ///
    /// # Cancel safety
    /// As [`recv_from`](UdpSocket::recv_from).
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
        self.socket.local_addr()
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
        self.socket.peer_addr()
    }
}

super::socket_options!(UdpSocket);

//! Networking (`wasi:sockets`), shaped like `tokio::net`: [`TcpListener`],
//! [`TcpStream`] (with owned halves), [`UdpSocket`], [`lookup_host`].
//!
//! Sockets need the host's permission: `wasmtime run -Sinherit-network`
//! (and `-Sallow-ip-name-lookup` for names). Without it every call fails
//! with `PermissionDenied`, naming the flag.
//!
//! ```no_run
//! use futures_util::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # async fn f() -> std::io::Result<()> {
//! let listener = wasio::net::TcpListener::bind("127.0.0.1:7000").await?;
//! let (stream, _) = listener.accept().await?;
//! let (mut rd, mut wr) = stream.into_split();
//! futures_util::io::copy(&mut rd, &mut wr).await?; // echo
//! # Ok(()) }
//! ```

/// The socket options `TcpStream` and `UdpSocket` share (their WASI
/// resources name the hop-limit calls differently): TTL and kernel buffer
/// sizes, like std's and tokio's.
macro_rules! socket_options {
    ($ty:ident, $get_hops:ident, $set_hops:ident) => {
        socket_options!(
            $ty,
            $get_hops,
            $set_hops,
            get_receive_buffer_size,
            set_receive_buffer_size,
            get_send_buffer_size,
            set_send_buffer_size
        );
    };
    ($ty:ident, $get_hops:ident, $set_hops:ident, $get_rcv:ident, $set_rcv:ident, $get_snd:ident, $set_snd:ident) => {
        impl $ty {
            /// The IP hop limit (TTL) of outgoing packets.
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// let ttl = s.ttl()?;
            /// # Ok(()) }
            /// ```
            pub fn ttl(&self) -> std::io::Result<u32> {
                self.socket.$get_hops().map(u32::from).map_err(|e| super::error::net_err(e, "hop limit"))
            }

            /// Sets the IP hop limit (TTL), 1..=255; anything else is an
            /// `InvalidInput` error.
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// s.set_ttl(64)
            /// # }
            /// ```
            pub fn set_ttl(&self, ttl: u32) -> std::io::Result<()> {
                self.socket.$set_hops(super::error::hop_limit(ttl)?).map_err(|e| super::error::net_err(e, "hop limit"))
            }

            /// The kernel receive buffer size (`SO_RCVBUF`).
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// let size = s.recv_buffer_size()?;
            /// # Ok(()) }
            /// ```
            pub fn recv_buffer_size(&self) -> std::io::Result<u64> {
                self.socket.$get_rcv().map_err(|e| super::error::net_err(e, "receive buffer size"))
            }

            /// Sets the kernel receive buffer size; the host may clamp or
            /// round it, 0 is an `InvalidInput` error.
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// s.set_recv_buffer_size(1 << 20)
            /// # }
            /// ```
            pub fn set_recv_buffer_size(&self, size: u64) -> std::io::Result<()> {
                self.socket.$set_rcv(size).map_err(|e| super::error::net_err(e, "receive buffer size"))
            }

            /// The kernel send buffer size (`SO_SNDBUF`).
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// let size = s.send_buffer_size()?;
            /// # Ok(()) }
            /// ```
            pub fn send_buffer_size(&self) -> std::io::Result<u64> {
                self.socket.$get_snd().map_err(|e| super::error::net_err(e, "send buffer size"))
            }

            /// Sets the kernel send buffer size; the host may clamp or round
            /// it, 0 is an `InvalidInput` error.
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// s.set_send_buffer_size(1 << 20)
            /// # }
            /// ```
            pub fn set_send_buffer_size(&self, size: u64) -> std::io::Result<()> {
                self.socket.$set_snd(size).map_err(|e| super::error::net_err(e, "send buffer size"))
            }
        }
    };
}
use socket_options;

/// `AsyncRead` + `AsyncBufRead` through a `read` field (WASI 0.3's
/// `ByteReader` or WASI 0.2's `BufInput`, which have the same methods).
macro_rules! impl_read {
    ($t:ty) => {
        impl futures_io::AsyncRead for $t {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.get_mut().read.poll_read(cx, buf)
            }
        }

        impl futures_io::AsyncBufRead for $t {
            fn poll_fill_buf(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<&[u8]>> {
                self.get_mut().read.poll_fill_buf(cx)
            }
            fn consume(self: std::pin::Pin<&mut Self>, amt: usize) {
                self.get_mut().read.consume(amt)
            }
        }
    };
}

/// `AsyncWrite` through a `write` field (`ByteWriter`, or the WASI 0.2
/// `Sender`).
macro_rules! impl_write {
    ($t:ty) => {
        impl futures_io::AsyncWrite for $t {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.get_mut().write.poll_write(0, cx, buf)
            }
            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.get_mut().write.poll_flush(0, cx)
            }
            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.get_mut().write.poll_close(0, cx)
            }
        }
    };
}
use {impl_read, impl_write};

/// The `TcpStream` methods both backends share (their WASI resources name
/// the address and keep-alive getters differently), and the I/O traits of
/// the stream and its halves.
macro_rules! tcp_stream_methods {
    ($remote:ident, $local:ident, $keepalive:ident) => {
        impl TcpStream {
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
            pub fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
                self.socket.$remote().map(super::addr::from_wasi).map_err(|e| super::error::net_err(e, "peer address"))
            }

            /// The local address.
            ///
            /// ```no_run
            /// # async fn f() -> std::io::Result<()> {
            /// let s = wasio::net::TcpStream::connect("127.0.0.1:8080").await?;
            /// assert!(s.local_addr()?.ip().is_loopback());
            /// # Ok(()) }
            /// ```
            pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
                self.socket.$local().map(super::addr::from_wasi).map_err(|e| super::error::net_err(e, "local address"))
            }

            /// `TCP_NODELAY`: WASI 0.3 has no such option, so this is always
            /// `Err(Unsupported)`. (Hosts typically send writes promptly anyway.)
            ///
            /// ```no_run
            /// # fn f(s: &wasio::net::TcpStream) { assert!(s.set_nodelay(true).is_err()); }
            /// ```
            pub fn set_nodelay(&self, _on: bool) -> std::io::Result<()> {
                Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "set_nodelay: WASI sockets have no TCP_NODELAY option",
                ))
            }

            /// Turns TCP keep-alive on or off.
            ///
            /// ```no_run
            /// # fn f(s: &wasio::net::TcpStream) -> std::io::Result<()> { s.set_keepalive(true) }
            /// ```
            pub fn set_keepalive(&self, on: bool) -> std::io::Result<()> {
                self.socket.set_keep_alive_enabled(on).map_err(|e| super::error::net_err(e, "keep-alive"))
            }

            /// Whether TCP keep-alive is on.
            ///
            /// ```no_run
            /// # fn f(s: &wasio::net::TcpStream) -> std::io::Result<()> { let _ = s.keepalive()?; Ok(()) }
            /// ```
            pub fn keepalive(&self) -> std::io::Result<bool> {
                self.socket.$keepalive().map_err(|e| super::error::net_err(e, "keep-alive"))
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
            ) -> std::io::Result<()> {
                let ns = |d: std::time::Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
                self.socket
                    .set_keep_alive_idle_time(ns(idle))
                    .map_err(|e| super::error::net_err(e, "keep-alive idle"))?;
                self.socket
                    .set_keep_alive_interval(ns(interval))
                    .map_err(|e| super::error::net_err(e, "keep-alive interval"))?;
                self.socket.set_keep_alive_count(count).map_err(|e| super::error::net_err(e, "keep-alive count"))
            }
        }

        super::impl_read!(TcpStream);
        super::impl_write!(TcpStream);
        super::impl_read!(OwnedReadHalf);
        super::impl_write!(OwnedWriteHalf);
    };
}
use tcp_stream_methods;

/// What `TcpListener` is the same on both backends: `Debug`, `bind`,
/// `local_addr`, `set_backlog`, `accept`/`incoming` and the `Incoming`
/// stream, on top of each backend's `bind_with_backlog` and `poll_accept`.
macro_rules! tcp_listener_common {
    () => {
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
            /// println!("listening on {}", l.local_addr()?);
            /// # Ok(()) }
            /// ```
            pub async fn bind(addr: impl super::ToSocketAddrs) -> std::io::Result<TcpListener> {
                Self::bind_with_backlog(addr, None).await
            }

            /// The bound address (with the port the host chose for port 0).
            ///
            /// ```no_run
            /// # fn f(l: &wasio::net::TcpListener) -> std::io::Result<()> {
            /// let port = l.local_addr()?.port();
            /// # Ok(()) }
            /// ```
            pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
                Ok(self.local)
            }

            /// Sets the listen backlog (may be called while listening).
            ///
            /// ```no_run
            /// # fn f(l: &wasio::net::TcpListener) -> std::io::Result<()> {
            /// l.set_backlog(512)?;
            /// # Ok(()) }
            /// ```
            pub fn set_backlog(&self, backlog: u64) -> std::io::Result<()> {
                self.socket.set_listen_backlog_size(backlog).map_err(|e| super::error::net_err(e, "listen backlog"))
            }

            /// Waits for the next connection: the stream and the peer's address.
            /// Dropping the future cancels the wait.
            ///
            /// # Cancel safety
            /// Cancel safe: a connection the host has already handed over
            /// stays with the listener for the next `accept`, so using this
            /// in `select!` loses none.
            ///
            /// ```no_run
            /// # async fn f(l: wasio::net::TcpListener) -> std::io::Result<()> {
            /// let (stream, peer) = l.accept().await?;
            /// # Ok(()) }
            /// ```
            pub async fn accept(&self) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
                std::future::poll_fn(|cx| self.poll_accept(cx)).await
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
            type Item = std::io::Result<TcpStream>;
            fn poll_next(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<Self::Item>> {
                self.listener.poll_accept(cx).map(|r| Some(r.map(|(s, _)| s)))
            }
        }
    };
}
use tcp_listener_common;

mod addr;
mod error;
#[cfg(not(feature = "p2"))]
mod tcp;
// WASI 0.2 sockets (feature `p2`), behind the same types.
#[cfg(feature = "p2")]
#[path = "tcp_p2.rs"]
mod tcp;
#[cfg(not(feature = "p2"))]
mod udp;
#[cfg(feature = "p2")]
#[path = "udp_p2.rs"]
mod udp;

pub use addr::{ToSocketAddrs, lookup_host, resolve};
pub use tcp::{Incoming, OwnedReadHalf, OwnedWriteHalf, TcpListener, TcpStream};
pub use udp::UdpSocket;

// The same on both backends (built on the public `local_addr`).
impl std::fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UdpSocket").field("local", &self.local_addr().ok()).finish()
    }
}

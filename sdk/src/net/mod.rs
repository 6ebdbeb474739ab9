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

/// The socket options `TcpStream` and `UdpSocket` share, like std's and
/// tokio's: TTL and kernel buffer sizes, forwarded to the backend socket.
macro_rules! socket_options {
    ($ty:ident) => {
        impl $ty {
            /// The IP hop limit (TTL) of outgoing packets.
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// let ttl = s.ttl()?;
            /// # Ok(()) }
            /// ```
            pub fn ttl(&self) -> std::io::Result<u32> {
                self.socket.ttl()
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
                self.socket.set_ttl(ttl)
            }

            /// The kernel receive buffer size (`SO_RCVBUF`).
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// let size = s.recv_buffer_size()?;
            /// # Ok(()) }
            /// ```
            pub fn recv_buffer_size(&self) -> std::io::Result<u64> {
                self.socket.recv_buffer_size()
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
                self.socket.set_recv_buffer_size(size)
            }

            /// The kernel send buffer size (`SO_SNDBUF`).
            ///
            /// ```no_run
            #[doc = concat!("# fn f(s: &wasio::net::", stringify!($ty), ") -> std::io::Result<()> {")]
            /// let size = s.send_buffer_size()?;
            /// # Ok(()) }
            /// ```
            pub fn send_buffer_size(&self) -> std::io::Result<u64> {
                self.socket.send_buffer_size()
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
                self.socket.set_send_buffer_size(size)
            }
        }
    };
}
use socket_options;

pub(crate) mod addr;
pub(crate) mod error;
// Written once over the backend's handles (`sys::{tcp,udp}`).
mod tcp;
mod udp;

pub use addr::{ToSocketAddrs, lookup_host, resolve};
pub use tcp::{Incoming, OwnedReadHalf, OwnedWriteHalf, TcpListener, TcpStream};
pub use udp::UdpSocket;

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

pub(crate) mod addr;
pub(crate) mod error;
// Written once over the backend's handles (`sys::{tcp,udp}`).
mod tcp;
mod udp;

pub use addr::{ToSocketAddrs, lookup_host, resolve};
pub use tcp::{Incoming, OwnedReadHalf, OwnedWriteHalf, TcpListener, TcpStream};
pub use udp::UdpSocket;

//! With the `tokio-io` feature, wasio's byte streams implement tokio's I/O
//! traits as well (`tokio::io::AsyncRead`, `AsyncBufRead`, `AsyncWrite`):
//! the traits only, no tokio runtime. Code written against tokio's traits —
//! `tokio-util` codecs, `tokio::io::copy`, hyper-util's adapters — works on
//! [`TcpStream`](crate::net::TcpStream) and its halves,
//! [`File`](crate::fs::File), [`Stdin`](super::Stdin)/[`Stdout`](super::Stdout)
//! and (WASI 0.3) `wit::ByteReader`/`wit::ByteWriter`.
//!
//! Each impl forwards to the type's `futures-io` impl; tokio's
//! `poll_shutdown` is `futures-io`'s `poll_close` (for a socket: shut down
//! the sending side). `File` has no tokio `AsyncSeek`: use
//! `futures_util::AsyncSeekExt`.
//!
//! ```no_run
//! # async fn f(stream: wasio::net::TcpStream) -> std::io::Result<()> {
//! use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
//! let (rd, mut wr) = stream.into_split();
//! let mut lines = tokio::io::BufReader::new(rd).lines();
//! while let Some(line) = lines.next_line().await? {
//!     wr.write_all(format!("{line}\n").as_bytes()).await?;
//! }
//! # Ok(()) }
//! ```

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

macro_rules! tokio_read {
    ($($t:ty),*) => {$(
        impl tokio::io::AsyncRead for $t {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                let n = ready!(futures_io::AsyncRead::poll_read(self, cx, buf.initialize_unfilled()))?;
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
        }

        impl tokio::io::AsyncBufRead for $t {
            fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
                futures_io::AsyncBufRead::poll_fill_buf(self, cx)
            }

            fn consume(self: Pin<&mut Self>, amt: usize) {
                futures_io::AsyncBufRead::consume(self, amt)
            }
        }
    )*};
}

macro_rules! tokio_write {
    ($($t:ty),*) => {$(
        impl tokio::io::AsyncWrite for $t {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                futures_io::AsyncWrite::poll_write(self, cx, buf)
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                futures_io::AsyncWrite::poll_flush(self, cx)
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                futures_io::AsyncWrite::poll_close(self, cx)
            }
        }
    )*};
}

tokio_read!(crate::net::TcpStream, crate::net::OwnedReadHalf, super::Stdin, crate::fs::File);
tokio_write!(crate::net::TcpStream, crate::net::OwnedWriteHalf, super::StdWriter, crate::fs::File);
// `wit` is WASI 0.3 only.
#[cfg(not(feature = "p2"))]
tokio_read!(crate::wit::ByteReader);
#[cfg(not(feature = "p2"))]
tokio_write!(crate::wit::ByteWriter);

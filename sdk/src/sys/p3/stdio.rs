//! Standard I/O over WASI 0.3 `wasi:cli` streams.

use super::stream::{ByteReader, ByteWriter, DoneFut};
use crate::bindings::wasi::cli;
use crate::io::Which;
use std::cell::RefCell;
use std::io;
use std::task::{Context, Poll, ready};

fn cli_error(e: cli::types::ErrorCode) -> io::Error {
    use cli::types::ErrorCode as E;
    let kind = match e {
        E::Io => io::ErrorKind::Other,
        E::IllegalByteSequence => io::ErrorKind::InvalidData,
        E::Pipe => io::ErrorKind::BrokenPipe,
    };
    io::Error::new(kind, format!("wasi:cli error: {e:?}"))
}

fn done_future(fut: wit_bindgen::FutureReader<Result<(), cli::types::ErrorCode>>) -> DoneFut {
    Box::pin(async move { fut.await.map_err(cli_error) })
}

/// The reader every `Stdin` handle shares.
pub(crate) type Input = ByteReader;

/// Opens the instance's stdin stream (`wasi:cli/stdin`).
pub(crate) fn open_stdin() -> Input {
    let (reader, done) = cli::stdin::read_via_stream();
    ByteReader::new(reader, Some(done_future(done)))
}

/// Refills a handle's `buf` from the shared reader: takes the reader's
/// filled buffer, leaving `buf` (consumed) for its next read — no copy.
/// Returns where the unread bytes start (an empty `buf` at the end).
pub(crate) fn refill(input: &RefCell<Input>, cx: &mut Context<'_>, buf: &mut Vec<u8>) -> Poll<io::Result<usize>> {
    let mut inner = input.borrow_mut();
    ready!(inner.poll_fill_buf(cx))?;
    Poll::Ready(Ok(inner.swap_buffer(buf)))
}

/// The writer every handle to stdout (or stderr) shares. Its methods take
/// the calling handle's id: a handle's unfinished write belongs to it.
pub(crate) type Output = ByteWriter;

/// Opens stdout or stderr (`wasi:cli/stdout`, `wasi:cli/stderr`): the
/// stream is handed to the host on the first write.
pub(crate) fn open_output(which: Which) -> Output {
    ByteWriter::new(move |reader| match which {
        Which::Out => done_future(cli::stdout::write_via_stream(reader)),
        Which::Err => done_future(cli::stderr::write_via_stream(reader)),
    })
}

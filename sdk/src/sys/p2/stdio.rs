//! Standard I/O over WASI 0.2 `wasi:cli` streams: the instance's
//! `input-stream`/`output-stream`, read and written without blocking, and
//! waited on through the executor's `wasi:io/poll` loop.

use super::stream::{InputReader, OutputWriter};
use crate::io::Which;
use std::cell::RefCell;
use std::io;
use std::task::{Context, Poll, ready};
use wasip2::cli;

/// How much one read asks the host for.
const READ_CHUNK: u64 = 64 * 1024;

/// The reader every `Stdin` handle shares.
pub(crate) type Input = InputReader;

/// Opens the instance's stdin stream (`wasi:cli/stdin`).
pub(crate) fn open_stdin() -> Input {
    InputReader::new(cli::stdin::get_stdin())
}

/// Refills a handle's `buf` with the next chunk read from the host (an
/// empty `buf` at the end); the unread bytes start at 0.
pub(crate) fn refill(input: &RefCell<Input>, cx: &mut Context<'_>, buf: &mut Vec<u8>) -> Poll<io::Result<usize>> {
    let chunk = ready!(input.borrow_mut().poll_chunk(cx, READ_CHUNK, "stdin"))?;
    *buf = chunk.unwrap_or_default();
    Poll::Ready(Ok(0))
}

/// The writer every handle to stdout (or stderr) shares. WASI 0.2 writes
/// are taken whole at once, so the handle ids the methods take (a WASI 0.3
/// write in flight belongs to one handle) are not needed here.
pub(crate) struct Output {
    name: &'static str,
    writer: OutputWriter,
}

/// Opens stdout or stderr (`wasi:cli/stdout`, `wasi:cli/stderr`).
pub(crate) fn open_output(which: Which) -> Output {
    match which {
        Which::Out => Output { name: "stdout", writer: OutputWriter::new(cli::stdout::get_stdout()) },
        Which::Err => Output { name: "stderr", writer: OutputWriter::new(cli::stderr::get_stderr()) },
    }
}

impl Output {
    pub(crate) fn is_closed(&self) -> bool {
        self.writer.is_closed()
    }

    pub(crate) fn poll_write(&mut self, _me: u64, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.writer.poll_write(cx, buf, self.name)
    }

    pub(crate) fn poll_flush(&mut self, _me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.writer.poll_flush(cx, self.name)
    }

    /// Flushes, then closes the stream.
    pub(crate) fn poll_close(&mut self, _me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = ready!(self.writer.poll_flush(cx, self.name));
        self.writer.close();
        Poll::Ready(result)
    }

    pub(crate) fn release(&mut self, _me: u64) {}
}

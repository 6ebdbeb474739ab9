//! The WASI 0.2 side of `wasio::fs` (feature `p2`): the bindings, file
//! readers and writers, and directory listings over 0.2's
//! `directory-entry-stream`.
//!
//! WASI 0.2 filesystem calls are synchronous: the call returns once the
//! host is done, and the instance waits for it, as it would in any 0.2
//! program (std's `read`/`write` included). File data moves with `read`
//! and `write` at explicit offsets, in chunks of at most 256 KiB, which
//! costs a quarter of what 0.2's file streams do (one host call a chunk,
//! no pollable wait); other tasks get a turn between chunks. Only append
//! mode uses a stream, for its atomic appends.

use crate::fs::error::fs_err;
use crate::sys::stream::OutputWriter;
use std::io;
use std::sync::Arc;
use std::task::{Context, Poll};
pub(crate) use wasip2::filesystem::types::{
    Datetime as Timestamp, Descriptor, DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntry,
    DirectoryEntryStream, ErrorCode, NewTimestamp, OpenFlags, PathFlags,
};

/// A host call: 0.2's filesystem calls return when done.
macro_rules! host {
    ($call:expr) => {
        $call
    };
}
pub(crate) use host;

/// A path argument as the bindings take it (borrowed by 0.2's calls).
pub(crate) fn arg(path: &str) -> &str {
    path
}

/// The preopened directories and their guest paths.
pub(crate) fn preopened() -> Vec<(Descriptor, String)> {
    wasip2::filesystem::preopens::get_directories()
}

/// The host's own message for an error code: 0.2 codes carry none.
pub(crate) fn message(_code: &ErrorCode) -> Option<&str> {
    None
}

/// The WIT name of an error code, e.g. `no-entry`.
pub(crate) fn code_name(code: &ErrorCode) -> String {
    code.name().to_owned()
}

/// How much one read asks the host for, and the most one write hands it.
const CHUNK: usize = 256 * 1024;

/// Gives other tasks a turn between host calls: lets one call through,
/// then, the next time, returns `Pending` with the task woken again at once.
/// A file is always ready, so without this a task copying a large file
/// would never let go of the instance.
fn take_turns(turn: &mut bool, cx: &mut Context<'_>) -> Poll<()> {
    *turn = !*turn;
    if *turn {
        return Poll::Ready(());
    }
    cx.waker().wake_by_ref();
    Poll::Pending
}

/// Reads a file from `pos` on with `read` calls at explicit offsets, like
/// `pread`: a file is always ready, and this costs one host call a chunk,
/// where a `read-via-stream` stream costs a pollable wait a chunk.
pub(crate) struct FileReader {
    fd: Arc<Descriptor>,
    offset: u64,
    buf: Vec<u8>,
    pos: usize,
    /// The host said the file ends after `buf`.
    eof: bool,
    turn: bool,
    path: String,
}

impl FileReader {
    pub(crate) fn new(fd: &Arc<Descriptor>, pos: u64, path: &str) -> FileReader {
        FileReader {
            fd: fd.clone(),
            offset: pos,
            buf: Vec::new(),
            pos: 0,
            eof: false,
            turn: false,
            path: path.to_owned(),
        }
    }
    pub(crate) fn poll_fill_buf(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        if self.pos >= self.buf.len() && !self.eof {
            std::task::ready!(take_turns(&mut self.turn, cx));
            let (data, eof) = self.fd.read(CHUNK as u64, self.offset).map_err(|e| fs_err(e, "read", &self.path))?;
            self.offset += data.len() as u64;
            // An empty read is the end, whatever the flag says.
            self.eof = eof || data.is_empty();
            self.buf = data;
            self.pos = 0;
        }
        Poll::Ready(Ok(&self.buf[self.pos..]))
    }
    pub(crate) fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.buf.len());
    }
    pub(crate) fn poll_read(&mut self, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<io::Result<usize>> {
        let avail = std::task::ready!(self.poll_fill_buf(cx))?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

/// Writes a file from `pos` on with `write` calls at explicit offsets (like
/// `pwrite`: `Ok` once the host has written the bytes), or, in append mode,
/// through an `append-via-stream` stream, which appends atomically.
pub(crate) enum FileWriter {
    At { fd: Arc<Descriptor>, offset: u64, turn: bool, path: String },
    Append(Result<OutputWriter, Option<io::Error>>),
}

impl FileWriter {
    pub(crate) fn new(fd: &Arc<Descriptor>, append: bool, pos: u64, path: &str) -> FileWriter {
        if !append {
            return FileWriter::At { fd: fd.clone(), offset: pos, turn: false, path: path.to_owned() };
        }
        FileWriter::Append(fd.append_via_stream().map(OutputWriter::new).map_err(|e| Some(fs_err(e, "write", path))))
    }
    pub(crate) fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self {
            FileWriter::At { .. } if buf.is_empty() => Poll::Ready(Ok(0)),
            FileWriter::At { fd, offset, turn, path } => {
                std::task::ready!(take_turns(turn, cx));
                let chunk = &buf[..buf.len().min(CHUNK)];
                let n = fd.write(chunk, *offset).map_err(|e| fs_err(e, "write", path))?;
                *offset += n;
                Poll::Ready(Ok(n as usize))
            }
            FileWriter::Append(Ok(out)) => out.poll_write(cx, buf, "write"),
            FileWriter::Append(Err(err)) => {
                Poll::Ready(Err(err.take().unwrap_or_else(|| io::ErrorKind::BrokenPipe.into())))
            }
        }
    }
    /// Ready once the host has written everything (for an append stream:
    /// flushes and drops it).
    pub(crate) fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            FileWriter::At { .. } => Poll::Ready(Ok(())),
            FileWriter::Append(Ok(out)) => {
                let res = std::task::ready!(out.poll_flush(cx, "write"));
                out.close();
                Poll::Ready(res)
            }
            FileWriter::Append(Err(err)) => Poll::Ready(err.take().map_or(Ok(()), Err)),
        }
    }
}

/// A directory's entries, one host call each (other tasks get a turn
/// between calls).
pub(crate) struct Entries {
    stream: Result<Option<DirectoryEntryStream>, Option<ErrorCode>>,
    turn: bool,
}

impl Entries {
    pub(crate) fn new(dir: &Descriptor) -> Entries {
        Entries { stream: dir.read_directory().map(Some).map_err(Some), turn: false }
    }

    /// The next entry; an error ends the listing.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<DirectoryEntry, ErrorCode>>> {
        if matches!(self.stream, Ok(Some(_))) {
            std::task::ready!(take_turns(&mut self.turn, cx));
        }
        Poll::Ready(match &mut self.stream {
            Ok(Some(stream)) => match stream.read_directory_entry() {
                Ok(Some(entry)) => Some(Ok(entry)),
                Ok(None) => {
                    self.stream = Ok(None);
                    None
                }
                Err(e) => {
                    self.stream = Ok(None);
                    Some(Err(e))
                }
            },
            Ok(None) => None,
            Err(e) => e.take().map(Err),
        })
    }
}

//! The WASI 0.2 side of `wasio::fs` (feature `p2`): the bindings, and file
//! streams and directory listings over 0.2's `input-stream`,
//! `output-stream` and `directory-entry-stream`.
//!
//! WASI 0.2 filesystem calls other than reads and writes are synchronous:
//! the call returns once the host is done, and the instance waits for it.
//! Reads and writes go through streams whose pollables the executor waits
//! on, so other tasks run meanwhile.

use super::error::fs_err;
use crate::io::stream_p2::{BufInput, OutputWriter};
use std::io;
use std::rc::Rc;
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

/// Reads a file from `pos` on through a `read-via-stream` stream.
pub(crate) struct FileReader(Result<BufInput, Option<io::Error>>);

impl FileReader {
    pub(crate) fn new(fd: &Descriptor, pos: u64, path: &str) -> FileReader {
        FileReader(fd.read_via_stream(pos).map(|s| BufInput::new(s, "read")).map_err(|e| Some(fs_err(e, "read", path))))
    }
    /// The error opening the stream, once; then the end of the file.
    fn failed(err: &mut Option<io::Error>) -> io::Result<()> {
        err.take().map_or(Ok(()), Err)
    }
    pub(crate) fn poll_fill_buf(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        match &mut self.0 {
            Ok(input) => input.poll_fill_buf(cx),
            Err(err) => Poll::Ready(Self::failed(err).map(|()| &[][..])),
        }
    }
    pub(crate) fn consume(&mut self, amt: usize) {
        if let Ok(input) = &mut self.0 {
            input.consume(amt)
        }
    }
    pub(crate) fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        match &mut self.0 {
            Ok(input) => input.poll_read(cx, buf),
            Err(err) => Poll::Ready(Self::failed(err).map(|()| 0)),
        }
    }
}

/// Writes a file from `pos` on (or at its end) through a
/// `write-via-stream` (`append-via-stream`) stream.
pub(crate) struct FileWriter(Result<OutputWriter, Option<io::Error>>);

impl FileWriter {
    pub(crate) fn new(fd: &Rc<Descriptor>, append: bool, pos: u64, path: &str) -> FileWriter {
        let stream = if append { fd.append_via_stream() } else { fd.write_via_stream(pos) };
        FileWriter(stream.map(OutputWriter::new).map_err(|e| Some(fs_err(e, "write", path))))
    }
    pub(crate) fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match &mut self.0 {
            Ok(out) => out.poll_write(cx, buf, "write"),
            Err(err) => Poll::Ready(Err(err.take().unwrap_or_else(|| io::ErrorKind::BrokenPipe.into()))),
        }
    }
    /// Flushes and drops the stream; ready once the host has written
    /// everything.
    pub(crate) fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.0 {
            Ok(out) => {
                let res = std::task::ready!(out.poll_flush(cx, "write"));
                out.close();
                Poll::Ready(res)
            }
            Err(err) => Poll::Ready(err.take().map_or(Ok(()), Err)),
        }
    }
}

/// A directory's entries, one host call each.
pub(crate) struct Entries(Result<Option<DirectoryEntryStream>, Option<ErrorCode>>);

impl Entries {
    pub(crate) fn new(dir: &Descriptor) -> Entries {
        Entries(dir.read_directory().map(Some).map_err(Some))
    }

    /// The next entry; an error ends the listing.
    pub(crate) fn poll_next(&mut self, _cx: &mut Context<'_>) -> Poll<Option<Result<DirectoryEntry, ErrorCode>>> {
        Poll::Ready(match &mut self.0 {
            Ok(Some(stream)) => match stream.read_directory_entry() {
                Ok(Some(entry)) => Some(Ok(entry)),
                Ok(None) => {
                    self.0 = Ok(None);
                    None
                }
                Err(e) => {
                    self.0 = Ok(None);
                    Some(Err(e))
                }
            },
            Ok(None) => None,
            Err(e) => e.take().map(Err),
        })
    }
}

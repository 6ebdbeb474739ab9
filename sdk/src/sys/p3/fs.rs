//! The WASI 0.3 side of `wasio::fs`: the bindings, and the byte streams and
//! directory listings built on `stream<T>`/`future<T>`.
//!
//! The rest of the module is written once for both backends; this file and
//! `sys/p2/fs.rs` give it the same names.

pub(crate) use crate::bindings::wasi::filesystem::types::{
    Descriptor, DescriptorFlags, DescriptorStat, DescriptorType, DirectoryEntry, ErrorCode, Instant as Timestamp,
    NewTimestamp, OpenFlags, PathFlags,
};
use crate::fs::error::fs_err;
use crate::sys::stream::{ByteReader, ByteWriter, DoneFut};
use futures_core::Stream;
use futures_util::future::LocalBoxFuture;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use wit_bindgen::FutureReader;

/// Awaits a host call: 0.3's filesystem calls are async.
macro_rules! host {
    ($call:expr) => {
        $call.await
    };
}
pub(crate) use host;

/// A path argument as the bindings take it (owned by 0.3's async calls).
pub(crate) fn arg(path: &str) -> String {
    path.to_owned()
}

/// The preopened directories and their guest paths.
pub(crate) fn preopened() -> Vec<(Descriptor, String)> {
    crate::bindings::wasi::filesystem::preopens::get_directories()
}

/// The host's own message for an error code, if it gave one.
pub(crate) fn message(code: &ErrorCode) -> Option<&str> {
    match code {
        ErrorCode::Other(Some(msg)) => Some(msg),
        _ => None,
    }
}

/// The WIT name of an error code, e.g. `no-entry`.
pub(crate) fn code_name(code: &ErrorCode) -> String {
    crate::wit_case_name(code)
}

fn done_future(fut: FutureReader<Result<(), ErrorCode>>, op: &'static str, path: &str) -> DoneFut {
    let path = path.to_owned();
    Box::pin(async move { fut.await.map_err(|e| fs_err(e, op, &path)) })
}

/// Reads a file from `pos` on through a `read-via-stream` stream.
pub(crate) struct FileReader(ByteReader);

impl FileReader {
    pub(crate) fn new(fd: &Arc<Descriptor>, pos: u64, path: &str) -> FileReader {
        let (stream, done) = fd.read_via_stream(pos);
        FileReader(ByteReader::new(stream, Some(done_future(done, "read", path))))
    }
    pub(crate) fn poll_fill_buf(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.0.poll_fill_buf(cx)
    }
    pub(crate) fn consume(&mut self, amt: usize) {
        self.0.consume(amt)
    }
    pub(crate) fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.0.poll_read(cx, buf)
    }
}

/// Writes a file from `pos` on (or at its end) through a
/// `write-via-stream` (`append-via-stream`) stream.
pub(crate) struct FileWriter(ByteWriter);

impl FileWriter {
    pub(crate) fn new(fd: &Arc<Descriptor>, append: bool, pos: u64, path: &str) -> FileWriter {
        let (fd, path) = (fd.clone(), path.to_owned());
        FileWriter(ByteWriter::new(move |reader| {
            let done = if append { fd.append_via_stream(reader) } else { fd.write_via_stream(reader, pos) };
            done_future(done, "write", &path)
        }))
    }
    pub(crate) fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.0.poll_write(0, cx, buf)
    }
    /// Ends the stream; ready once the host has written everything.
    pub(crate) fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.0.poll_close(0, cx)
    }
}

/// A directory's entries, read from the host in batches.
pub(crate) struct Entries {
    entries: crate::wit::StreamReader<DirectoryEntry>,
    /// The host's final status, reported once after the last entry.
    done: Option<LocalBoxFuture<'static, Result<(), ErrorCode>>>,
}

impl Entries {
    pub(crate) fn new(dir: &Descriptor) -> Entries {
        let (reader, done) = dir.read_directory();
        Entries { entries: crate::wit::StreamReader::new(reader), done: Some(Box::pin(done.into_future())) }
    }

    /// The next entry; at the end, the host's final status once.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<DirectoryEntry, ErrorCode>>> {
        if let Some(entry) = ready!(Pin::new(&mut self.entries).poll_next(cx)) {
            return Poll::Ready(Some(Ok(entry)));
        }
        let Some(done) = self.done.as_mut() else { return Poll::Ready(None) };
        let res = ready!(done.as_mut().poll(cx));
        self.done = None;
        Poll::Ready(res.err().map(Err))
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([] Entries);

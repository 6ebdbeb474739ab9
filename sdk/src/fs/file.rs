//! `File` and `OpenOptions`.

use super::Metadata;
use super::error::fs_err;
use super::host::{
    Descriptor, DescriptorFlags, DescriptorType, ErrorCode, FileReader, FileWriter, NewTimestamp, OpenFlags, PathFlags,
    Timestamp, arg, host,
};
use super::path::resolve;
use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
use futures_util::future::LocalBoxFuture;
use std::io::{self, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::SystemTime;

/// What a [`File`] is doing with the host right now.
enum State {
    Idle,
    /// Reading through a `read-via-stream` stream that started at the
    /// file position the reads began at.
    Reading(FileReader),
    /// Writing through a `write-via-stream` (or `append-via-stream`) stream.
    Writing(FileWriter),
    /// Finding the end of the file for `SeekFrom::End`.
    Seeking(LocalBoxFuture<'static, io::Result<u64>>),
}

/// An open file, like `tokio::fs::File`: `futures_io::AsyncRead`,
/// `AsyncBufRead`, `AsyncWrite` and `AsyncSeek`.
///
/// Reads and writes stream through the host (`read-via-stream`,
/// `write-via-stream`) with one reused 64 KiB buffer each way, so large
/// copies run in bounded memory. A write returns `Ok(n)` once the host took
/// the bytes; `flush` (or `close`) waits until the host has written them to
/// the file.
///
/// ```no_run
/// use futures_util::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
/// # async fn f() -> std::io::Result<()> {
/// let mut f = wasio::fs::File::create("/data/log.txt").await?;
/// f.write_all(b"hello world").await?;
/// f.flush().await?;
/// f.seek(std::io::SeekFrom::Start(6)).await?;
/// # Ok(()) }
/// ```
pub struct File {
    /// Declared before `fd`: a WASI 0.2 stream is a child of its
    /// descriptor and must be dropped first.
    state: State,
    fd: Arc<Descriptor>,
    pos: u64,
    append: bool,
    path: String,
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File").field("path", &self.path).field("pos", &self.pos).finish()
    }
}

/// Options for opening a file, like `std::fs::OpenOptions`.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let log = wasio::fs::OpenOptions::new().append(true).create(true).open("/data/log.txt").await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    read: bool,
    write: bool,
    append: bool,
    truncate: bool,
    create: bool,
    create_new: bool,
}

impl OpenOptions {
    /// All options off.
    ///
    /// ```no_run
    /// let opts = wasio::fs::OpenOptions::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// Open for reading.
    ///
    /// ```no_run
    /// wasio::fs::OpenOptions::new().read(true);
    /// ```
    pub fn read(&mut self, on: bool) -> &mut Self {
        self.read = on;
        self
    }
    /// Open for writing.
    ///
    /// ```no_run
    /// wasio::fs::OpenOptions::new().write(true);
    /// ```
    pub fn write(&mut self, on: bool) -> &mut Self {
        self.write = on;
        self
    }
    /// Every write goes to the end of the file (implies `write`).
    ///
    /// ```no_run
    /// wasio::fs::OpenOptions::new().append(true);
    /// ```
    pub fn append(&mut self, on: bool) -> &mut Self {
        self.append = on;
        self
    }
    /// Truncate the file to 0 bytes on open.
    ///
    /// ```no_run
    /// wasio::fs::OpenOptions::new().write(true).truncate(true);
    /// ```
    pub fn truncate(&mut self, on: bool) -> &mut Self {
        self.truncate = on;
        self
    }
    /// Create the file if it does not exist.
    ///
    /// ```no_run
    /// wasio::fs::OpenOptions::new().write(true).create(true);
    /// ```
    pub fn create(&mut self, on: bool) -> &mut Self {
        self.create = on;
        self
    }
    /// Create the file, failing with `AlreadyExists` if it exists.
    ///
    /// ```no_run
    /// wasio::fs::OpenOptions::new().write(true).create_new(true);
    /// ```
    pub fn create_new(&mut self, on: bool) -> &mut Self {
        self.create_new = on;
        self
    }

    /// Opens `path` with these options.
    ///
    /// # Errors
    /// `InvalidInput` for contradictory options (as std), otherwise the
    /// host's error (e.g. `NotFound`, `AlreadyExists`, `IsADirectory`,
    /// `ReadOnlyFilesystem`, `PermissionDenied`).
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let f = wasio::fs::OpenOptions::new().read(true).open("/data/a.txt").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref();
        let writes = self.write || self.append;
        if !self.read && !writes {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "open: neither read nor write access requested"));
        }
        if (self.truncate || self.create || self.create_new) && !writes {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "open: create/truncate need write access"));
        }
        if self.truncate && self.append {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "open: truncate and append together"));
        }
        let r = resolve(path)?;
        let mut open = OpenFlags::empty();
        if self.create || self.create_new {
            open |= OpenFlags::CREATE;
        }
        if self.create_new {
            open |= OpenFlags::EXCLUSIVE;
        }
        if self.truncate {
            open |= OpenFlags::TRUNCATE;
        }
        let mut flags = DescriptorFlags::empty();
        if self.read {
            flags |= DescriptorFlags::READ;
        }
        if writes {
            flags |= DescriptorFlags::WRITE;
        }
        let fd = host!(r.dir.fd.open_at(PathFlags::SYMLINK_FOLLOW, arg(&r.rel), open, flags))
            .map_err(|e| fs_err(e, "open", &r.shown))?;
        if matches!(host!(fd.get_type()), Ok(DescriptorType::Directory)) {
            return Err(fs_err(ErrorCode::IsDirectory, "open", &r.shown));
        }
        Ok(File { state: State::Idle, fd: Arc::new(fd), pos: 0, append: self.append, path: r.shown })
    }
}

/// Access and modification times for [`File::set_times`], like
/// `std::fs::FileTimes`.
///
/// ```no_run
/// let times = wasio::fs::FileTimes::new().set_modified(std::time::SystemTime::now());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct FileTimes {
    accessed: Option<SystemTime>,
    modified: Option<SystemTime>,
}

impl FileTimes {
    /// No changes.
    ///
    /// ```no_run
    /// let t = wasio::fs::FileTimes::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
    /// Set the access time.
    ///
    /// ```no_run
    /// let t = wasio::fs::FileTimes::new().set_accessed(std::time::SystemTime::now());
    /// ```
    pub fn set_accessed(mut self, t: SystemTime) -> Self {
        self.accessed = Some(t);
        self
    }
    /// Set the modification time.
    ///
    /// ```no_run
    /// let t = wasio::fs::FileTimes::new().set_modified(std::time::SystemTime::now());
    /// ```
    pub fn set_modified(mut self, t: SystemTime) -> Self {
        self.modified = Some(t);
        self
    }
}

fn new_timestamp(t: Option<SystemTime>) -> io::Result<NewTimestamp> {
    let Some(t) = t else { return Ok(NewTimestamp::NoChange) };
    let (seconds, nanoseconds) = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => (i128::from(d.as_secs()), d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let (s, n) = (i128::from(d.as_secs()), d.subsec_nanos());
            if n == 0 { (-s, 0) } else { (-s - 1, 1_000_000_000 - n) }
        }
    };
    // WASI 0.2 has no times before 1970.
    let seconds = seconds.try_into().map_err(|_| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("set_times: {t:?} cannot be represented by the host"))
    })?;
    Ok(NewTimestamp::Timestamp(Timestamp { seconds, nanoseconds }))
}

impl File {
    /// Opens a file for reading (like `std::fs::File::open`).
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let f = wasio::fs::File::open("/data/a.txt").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path).await
    }

    /// Opens a file for writing, creating or truncating it (like
    /// `std::fs::File::create`).
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let f = wasio::fs::File::create("/data/out.txt").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().write(true).create(true).truncate(true).open(path).await
    }

    /// Creates a new file, failing with `AlreadyExists` if it exists.
    ///
    /// ```no_run
    /// # async fn f() -> std::io::Result<()> {
    /// let f = wasio::fs::File::create_new("/data/once.txt").await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).write(true).create_new(true).open(path).await
    }

    /// Builder for other ways of opening.
    ///
    /// ```no_run
    /// let opts = wasio::fs::File::options();
    /// ```
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Finishes any pending write so that host calls see the file as
    /// written.
    async fn settle(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_idle(cx)).await
    }

    /// Brings the file to `Idle`: completes (closes) a write stream, drops a
    /// read stream.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.state {
            State::Idle => {}
            State::Reading(_) => self.state = State::Idle,
            State::Writing(w) => {
                let res = ready!(w.poll_close(cx));
                self.state = State::Idle;
                res?;
            }
            State::Seeking(fut) => {
                let res = ready!(fut.as_mut().poll(cx));
                self.state = State::Idle;
                self.pos = res?;
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Metadata of the open file.
    ///
    /// ```no_run
    /// # async fn f(file: &mut wasio::fs::File) -> std::io::Result<()> {
    /// let len = file.metadata().await?.len();
    /// # Ok(()) }
    /// ```
    pub async fn metadata(&mut self) -> io::Result<Metadata> {
        self.settle().await?;
        let stat = host!(self.fd.stat()).map_err(|e| fs_err(e, "metadata", &self.path))?;
        Ok(Metadata { stat })
    }

    /// Truncates or extends the file to `size` bytes.
    ///
    /// ```no_run
    /// # async fn f(file: &mut wasio::fs::File) -> std::io::Result<()> {
    /// file.set_len(0).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_len(&mut self, size: u64) -> io::Result<()> {
        self.settle().await?;
        host!(self.fd.set_size(size)).map_err(|e| fs_err(e, "set_len", &self.path))
    }

    /// Flushes data and metadata to storage (`sync`).
    ///
    /// ```no_run
    /// # async fn f(file: &mut wasio::fs::File) -> std::io::Result<()> {
    /// file.sync_all().await?;
    /// # Ok(()) }
    /// ```
    pub async fn sync_all(&mut self) -> io::Result<()> {
        self.settle().await?;
        host!(self.fd.sync()).map_err(|e| fs_err(e, "sync_all", &self.path))
    }

    /// Flushes data to storage (`sync-data`).
    ///
    /// ```no_run
    /// # async fn f(file: &mut wasio::fs::File) -> std::io::Result<()> {
    /// file.sync_data().await?;
    /// # Ok(()) }
    /// ```
    pub async fn sync_data(&mut self) -> io::Result<()> {
        self.settle().await?;
        host!(self.fd.sync_data()).map_err(|e| fs_err(e, "sync_data", &self.path))
    }

    /// Sets the access and/or modification times.
    ///
    /// ```no_run
    /// # async fn f(file: &mut wasio::fs::File) -> std::io::Result<()> {
    /// let t = wasio::fs::FileTimes::new().set_modified(std::time::SystemTime::UNIX_EPOCH);
    /// file.set_times(t).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_times(&mut self, times: FileTimes) -> io::Result<()> {
        self.settle().await?;
        let (accessed, modified) = (new_timestamp(times.accessed)?, new_timestamp(times.modified)?);
        host!(self.fd.set_times(accessed, modified)).map_err(|e| fs_err(e, "set_times", &self.path))
    }

    fn reader(&mut self) -> &mut FileReader {
        if !matches!(self.state, State::Reading(_)) {
            self.state = State::Reading(FileReader::new(&self.fd, self.pos, &self.path));
        }
        match &mut self.state {
            State::Reading(r) => r,
            _ => unreachable!(),
        }
    }

    fn writer(&mut self) -> &mut FileWriter {
        if !matches!(self.state, State::Writing(_)) {
            self.state = State::Writing(FileWriter::new(&self.fd, self.append, self.pos, &self.path));
        }
        match &mut self.state {
            State::Writing(w) => w,
            _ => unreachable!(),
        }
    }
}

impl AsyncRead for File {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if matches!(this.state, State::Writing(_) | State::Seeking(_)) {
            ready!(this.poll_idle(cx))?;
        }
        let n = ready!(this.reader().poll_read(cx, buf))?;
        this.pos += n as u64;
        Poll::Ready(Ok(n))
    }
}

impl AsyncBufRead for File {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if matches!(this.state, State::Writing(_) | State::Seeking(_)) {
            ready!(this.poll_idle(cx))?;
        }
        this.reader().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        if let State::Reading(r) = &mut this.state {
            r.consume(amt);
            this.pos += amt as u64;
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if matches!(this.state, State::Reading(_) | State::Seeking(_)) {
            ready!(this.poll_idle(cx))?;
        }
        let n = ready!(this.writer().poll_write(cx, buf))?;
        this.pos += n as u64;
        Poll::Ready(Ok(n))
    }

    /// Waits until the host has written everything to the file.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_idle(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_idle(cx)
    }
}

impl AsyncSeek for File {
    fn poll_seek(self: Pin<&mut Self>, cx: &mut Context<'_>, to: SeekFrom) -> Poll<io::Result<u64>> {
        let this = self.get_mut();
        if !matches!(this.state, State::Seeking(_)) {
            ready!(this.poll_idle(cx))?;
            let target = match to {
                SeekFrom::Start(n) => Some(n),
                SeekFrom::Current(d) => Some(this.pos.checked_add_signed(d).ok_or_else(bad_seek)?),
                SeekFrom::End(_) => None,
            };
            if let Some(t) = target {
                this.pos = t;
                return Poll::Ready(Ok(t));
            }
            let SeekFrom::End(d) = to else { unreachable!() };
            let (fd, path) = (this.fd.clone(), this.path.clone());
            this.state = State::Seeking(Box::pin(async move {
                let size = host!(fd.stat()).map_err(|e| fs_err(e, "seek", &path))?.size;
                size.checked_add_signed(d).ok_or_else(bad_seek)
            }));
        }
        ready!(this.poll_idle(cx))?;
        Poll::Ready(Ok(this.pos))
    }
}

fn bad_seek() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "seek to a negative or overflowing position")
}

crate::rt::unthreaded::unthreaded_send_sync!([] State);

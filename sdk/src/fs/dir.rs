//! Directory listing.

use super::error::fs_err;
use super::path::{Preopen, resolve};
use super::{FileType, Metadata};
use crate::bindings::wasi::filesystem::types::{Descriptor, DescriptorFlags, DirectoryEntry, OpenFlags, PathFlags};
use futures_core::Stream;
use futures_util::future::LocalBoxFuture;
use std::collections::VecDeque;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};
use wit_bindgen::{FutureReader, StreamReader, StreamResult};

type Batch = (StreamReader<DirectoryEntry>, StreamResult, Vec<DirectoryEntry>);

/// A directory's entries as a `Stream` of `io::Result<DirEntry>`, like
/// `tokio::fs::ReadDir` (also with a `next_entry` method).
///
/// ```no_run
/// use futures_util::StreamExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut dir = wasio::fs::read_dir("/data").await?;
/// while let Some(entry) = dir.next().await {
///     let entry = entry?;
///     println!("{} {:?}", entry.file_name(), entry.file_type());
/// }
/// # Ok(()) }
/// ```
pub struct ReadDir {
    dir: Rc<Descriptor>,
    base: PathBuf,
    shown: String,
    reader: Option<StreamReader<DirectoryEntry>>,
    inflight: Option<LocalBoxFuture<'static, Batch>>,
    ready: VecDeque<DirectoryEntry>,
    done: Option<LocalBoxFuture<'static, Result<(), crate::bindings::wasi::filesystem::types::ErrorCode>>>,
}

impl std::fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadDir").field("path", &self.base).finish()
    }
}

/// An entry of a directory listing.
///
/// ```no_run
/// # async fn f(entry: wasio::fs::DirEntry) -> std::io::Result<()> {
/// let len = entry.metadata().await?.len();
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct DirEntry {
    dir: Rc<Descriptor>,
    base: PathBuf,
    entry: DirectoryEntry,
}

impl DirEntry {
    /// The entry's name.
    ///
    /// ```no_run
    /// # fn f(e: &wasio::fs::DirEntry) { println!("{}", e.file_name()); }
    /// ```
    pub fn file_name(&self) -> String {
        self.entry.name.clone()
    }
    /// The directory's path joined with the entry's name.
    ///
    /// ```no_run
    /// # fn f(e: &wasio::fs::DirEntry) { println!("{}", e.path().display()); }
    /// ```
    pub fn path(&self) -> PathBuf {
        self.base.join(&self.entry.name)
    }
    /// The entry's type, as listed (a symbolic link is not followed).
    ///
    /// ```no_run
    /// # fn f(e: &wasio::fs::DirEntry) { let _ = e.file_type().is_dir(); }
    /// ```
    pub fn file_type(&self) -> FileType {
        FileType::from(&self.entry.type_)
    }
    /// The entry's metadata (not following a symbolic link).
    ///
    /// ```no_run
    /// # async fn f(e: &wasio::fs::DirEntry) -> std::io::Result<()> {
    /// let m = e.metadata().await?;
    /// # Ok(()) }
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let stat = self
            .dir
            .stat_at(PathFlags::empty(), self.entry.name.clone())
            .await
            .map_err(|e| fs_err(e, "metadata", &self.path().display().to_string()))?;
        Ok(Metadata { stat })
    }
}

/// Lists the directory `path` (like `tokio::fs::read_dir`). Entries `.`
/// and `..` are not included.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let mut entries = wasio::fs::read_dir("/data").await?;
/// while let Some(e) = entries.next_entry().await? {
///     println!("{}", e.file_name());
/// }
/// # Ok(()) }
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let r = resolve(path.as_ref())?;
    let dir = open_dir(&r.dir, &r.rel, &r.shown).await?;
    let (reader, done) = dir.read_directory();
    let done: FutureReader<_> = done;
    Ok(ReadDir {
        dir: Rc::new(dir),
        base: path.as_ref().to_path_buf(),
        shown: r.shown,
        reader: Some(reader),
        inflight: None,
        ready: VecDeque::new(),
        done: Some(Box::pin(done.into_future())),
    })
}

async fn open_dir(pre: &Preopen, rel: &str, shown: &str) -> io::Result<Descriptor> {
    pre.fd
        .open_at(PathFlags::SYMLINK_FOLLOW, rel.to_string(), OpenFlags::DIRECTORY, DescriptorFlags::READ)
        .await
        .map_err(|e| fs_err(e, "read_dir", shown))
}

/// The raw entries of `rel` below `pre` (used by `remove_dir_all`).
pub(crate) async fn list(pre: &Rc<Preopen>, rel: &str, shown: &str) -> io::Result<Vec<DirectoryEntry>> {
    let dir = open_dir(pre, rel, shown).await?;
    let (reader, done) = dir.read_directory();
    let entries = reader.collect().await;
    done.await.map_err(|e| fs_err(e, "read_dir", shown))?;
    Ok(entries)
}

impl ReadDir {
    /// The next entry, or `None` at the end (like tokio's
    /// `ReadDir::next_entry`).
    ///
    /// ```no_run
    /// # async fn f(mut d: wasio::fs::ReadDir) -> std::io::Result<()> {
    /// while let Some(e) = d.next_entry().await? {}
    /// # Ok(()) }
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await.transpose()
    }
}

impl Stream for ReadDir {
    type Item = io::Result<DirEntry>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(entry) = this.ready.pop_front() {
                if entry.name == "." || entry.name == ".." {
                    continue;
                }
                return Poll::Ready(Some(Ok(DirEntry { dir: this.dir.clone(), base: this.base.clone(), entry })));
            }
            if this.inflight.is_none() {
                let Some(mut reader) = this.reader.take() else {
                    // End of the listing: report the host's final status once.
                    let Some(done) = this.done.as_mut() else { return Poll::Ready(None) };
                    let res = ready!(done.as_mut().poll(cx));
                    this.done = None;
                    return Poll::Ready(res.err().map(|e| Err(fs_err(e, "read_dir", &this.shown))));
                };
                this.inflight = Some(Box::pin(async move {
                    let (result, batch) = reader.read(Vec::with_capacity(64)).await;
                    (reader, result, batch)
                }));
            }
            let (reader, result, batch) = ready!(this.inflight.as_mut().unwrap().as_mut().poll(cx));
            this.inflight = None;
            this.ready.extend(batch);
            if matches!(result, StreamResult::Complete(_)) {
                this.reader = Some(reader);
            }
        }
    }
}

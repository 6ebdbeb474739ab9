//! Directory listing.

use super::error::fs_err;
use super::host::{Descriptor, DescriptorFlags, DirectoryEntry, Entries, OpenFlags, PathFlags, arg, host};
use super::path::{Preopen, resolve};
use super::{FileType, Metadata};
use futures_core::Stream;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

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
    /// Declared before `dir`: a WASI 0.2 entry stream is a child of its
    /// descriptor and must be dropped first.
    entries: Entries,
    dir: Arc<Descriptor>,
    base: PathBuf,
    shown: String,
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
    dir: Arc<Descriptor>,
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
        let stat = host!(self.dir.stat_at(PathFlags::empty(), arg(&self.entry.name)))
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
    Ok(ReadDir { entries: Entries::new(&dir), dir: Arc::new(dir), base: path.as_ref().to_path_buf(), shown: r.shown })
}

async fn open_dir(pre: &Preopen, rel: &str, shown: &str) -> io::Result<Descriptor> {
    host!(pre.fd.open_at(PathFlags::SYMLINK_FOLLOW, arg(rel), OpenFlags::DIRECTORY, DescriptorFlags::READ))
        .map_err(|e| fs_err(e, "read_dir", shown))
}

/// The raw entries of `rel` below `pre` (used by `remove_dir_all`).
pub(crate) async fn list(pre: &Arc<Preopen>, rel: &str, shown: &str) -> io::Result<Vec<DirectoryEntry>> {
    let dir = open_dir(pre, rel, shown).await?;
    let mut entries = Entries::new(&dir);
    let mut out = Vec::new();
    while let Some(entry) = std::future::poll_fn(|cx| entries.poll_next(cx)).await {
        out.push(entry.map_err(|e| fs_err(e, "read_dir", shown))?);
    }
    Ok(out)
}

impl ReadDir {
    /// The next entry, or `None` at the end (like tokio's
    /// `ReadDir::next_entry`).
    ///
    /// # Cancel safety
    /// Cancel safe: the listing's state lives in the `ReadDir`, so a
    /// dropped call loses no entry.
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
            return Poll::Ready(match ready!(this.entries.poll_next(cx)) {
                Some(Ok(entry)) if entry.name == "." || entry.name == ".." => continue,
                Some(Ok(entry)) => Some(Ok(DirEntry { dir: this.dir.clone(), base: this.base.clone(), entry })),
                Some(Err(e)) => Some(Err(fs_err(e, "read_dir", &this.shown))),
                None => None,
            });
        }
    }
}

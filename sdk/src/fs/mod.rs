//! Async filesystem access (`wasi:filesystem`), shaped like `tokio::fs` and
//! `std::fs`.
//!
//! Paths are resolved against the preopened directories the host granted
//! (`wasmtime run --dir host::guest`): an absolute path picks the preopen
//! whose guest path is its longest prefix; a relative path is resolved
//! against a `.` preopen (or a relative one such as `--dir data`), else
//! against the initial working directory. A path outside every preopen, or
//! one whose `..` climbs out of its preopen, is an `Err`
//! (`PermissionDenied`), never a trap.
//!
//! Errors are `std::io::Error`s whose `kind()` follows the WASI
//! `error-code` and whose source is an [`FsError`] keeping that code.
//!
//! On WASI 0.3 every call is async: other tasks run while the host works.
//! With the `p2` feature (WASI 0.2, whose filesystem calls are synchronous)
//! each call returns once the host is done, as `std::fs` would; file data
//! moves in chunks of at most 256 KiB, so other tasks get turns between
//! chunks. Times before 1970 cannot be set on 0.2 (`InvalidInput`).
//!
//! ```no_run
//! # async fn f() -> std::io::Result<()> {
//! wasio::fs::write("/data/hello.txt", b"hello").await?;
//! let text = wasio::fs::read_to_string("/data/hello.txt").await?;
//! assert_eq!(text, "hello");
//! # Ok(()) }
//! ```

mod dir;
pub(crate) mod error;
mod file;
// The backend's filesystem items (`sys::fs`, WASI 0.3 or 0.2) behind the
// same names; everything else is shared.
use crate::sys::fs as host;
mod path;

pub use dir::{DirEntry, ReadDir, read_dir};
pub use error::FsError;
pub use file::{File, FileTimes, OpenOptions};
pub use path::preopens;

use error::fs_err;
use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use host::{DescriptorStat, DescriptorType, ErrorCode, PathFlags, Timestamp, arg, host};
use path::{Resolved, resolve};
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The type of a filesystem object.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let t = wasio::fs::metadata("/data").await?.file_type();
/// assert!(t.is_dir());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType(Kind);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dir,
    File,
    Symlink,
    Other,
}

impl From<&DescriptorType> for FileType {
    fn from(t: &DescriptorType) -> FileType {
        FileType(match t {
            DescriptorType::Directory => Kind::Dir,
            DescriptorType::RegularFile => Kind::File,
            DescriptorType::SymbolicLink => Kind::Symlink,
            _ => Kind::Other,
        })
    }
}

impl FileType {
    /// A directory.
    ///
    /// ```no_run
    /// # fn f(t: wasio::fs::FileType) { let _ = t.is_dir(); }
    /// ```
    pub fn is_dir(&self) -> bool {
        self.0 == Kind::Dir
    }
    /// A regular file.
    ///
    /// ```no_run
    /// # fn f(t: wasio::fs::FileType) { let _ = t.is_file(); }
    /// ```
    pub fn is_file(&self) -> bool {
        self.0 == Kind::File
    }
    /// A symbolic link (only seen by `symlink_metadata` and `read_dir`).
    ///
    /// ```no_run
    /// # fn f(t: wasio::fs::FileType) { let _ = t.is_symlink(); }
    /// ```
    pub fn is_symlink(&self) -> bool {
        self.0 == Kind::Symlink
    }
}

/// Metadata of a filesystem object (`descriptor-stat`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let m = wasio::fs::metadata("/data/hello.txt").await?;
/// println!("{} bytes, modified {:?}", m.len(), m.modified()?);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Metadata {
    stat: DescriptorStat,
}

fn to_system_time(t: Option<Timestamp>, what: &str) -> io::Result<SystemTime> {
    let t = t.ok_or_else(|| io::Error::new(io::ErrorKind::Unsupported, format!("{what} time is not available")))?;
    // Seconds are signed in WASI 0.3 and unsigned in 0.2.
    let seconds = i128::from(t.seconds);
    let d = std::time::Duration::new(seconds.unsigned_abs() as u64, t.nanoseconds);
    Ok(if seconds >= 0 { std::time::UNIX_EPOCH + d } else { std::time::UNIX_EPOCH - d })
}

impl Metadata {
    /// The object's type.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.file_type(); }
    /// ```
    pub fn file_type(&self) -> FileType {
        FileType::from(&self.stat.type_)
    }
    /// A directory.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.is_dir(); }
    /// ```
    pub fn is_dir(&self) -> bool {
        self.file_type().is_dir()
    }
    /// A regular file.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.is_file(); }
    /// ```
    pub fn is_file(&self) -> bool {
        self.file_type().is_file()
    }
    /// A symbolic link.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.is_symlink(); }
    /// ```
    pub fn is_symlink(&self) -> bool {
        self.file_type().is_symlink()
    }
    /// Size in bytes.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.len(); }
    /// ```
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u64 {
        self.stat.size
    }
    /// Number of hard links.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.link_count(); }
    /// ```
    pub fn link_count(&self) -> u64 {
        self.stat.link_count
    }
    /// Last modification time.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.modified(); }
    /// ```
    pub fn modified(&self) -> io::Result<SystemTime> {
        to_system_time(self.stat.data_modification_timestamp, "modification")
    }
    /// Last access time.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.accessed(); }
    /// ```
    pub fn accessed(&self) -> io::Result<SystemTime> {
        to_system_time(self.stat.data_access_timestamp, "access")
    }
    /// Last status change time.
    ///
    /// ```no_run
    /// # fn f(m: wasio::fs::Metadata) { let _ = m.changed(); }
    /// ```
    pub fn changed(&self) -> io::Result<SystemTime> {
        to_system_time(self.stat.status_change_timestamp, "status change")
    }
}

async fn stat_at(r: &Resolved, follow: bool, op: &'static str) -> io::Result<Metadata> {
    let flags = if follow { PathFlags::SYMLINK_FOLLOW } else { PathFlags::empty() };
    let stat = host!(r.dir.fd.stat_at(flags, arg(&r.rel))).map_err(|e| fs_err(e, op, &r.shown))?;
    Ok(Metadata { stat })
}

/// Metadata of `path`, following symbolic links (like `std::fs::metadata`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let len = wasio::fs::metadata("/data/a.txt").await?.len();
/// # Ok(()) }
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    stat_at(&resolve(path.as_ref())?, true, "metadata").await
}

/// Metadata of `path` itself, not following a final symbolic link.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let is_link = wasio::fs::symlink_metadata("/data/link").await?.is_symlink();
/// # Ok(()) }
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    stat_at(&resolve(path.as_ref())?, false, "symlink_metadata").await
}

/// Whether `path` exists (errors other than "not found" are returned).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// if !wasio::fs::try_exists("/data/cache").await? { /* ... */ }
/// # Ok(()) }
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    match metadata(path).await {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Reads a whole file (like `std::fs::read`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let bytes = wasio::fs::read("/data/a.bin").await?;
/// # Ok(()) }
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let mut f = File::open(path).await?;
    let len = f.metadata().await.map(|m| m.len()).unwrap_or(0);
    let mut out = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    f.read_to_end(&mut out).await?;
    Ok(out)
}

/// Reads a whole UTF-8 file (like `std::fs::read_to_string`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let config = wasio::fs::read_to_string("/data/config.toml").await?;
/// # Ok(()) }
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let bytes = read(path).await?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes `contents` to a file, creating or truncating it (like
/// `std::fs::write`). Returns once the host has written everything.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::write("/data/out.txt", "done\n").await?;
/// # Ok(()) }
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let mut f = File::create(path).await?;
    f.write_all(contents.as_ref()).await?;
    f.close().await
}

/// Copies the contents of `from` to `to` (created or truncated), streaming
/// in bounded memory; returns the number of bytes copied.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let n = wasio::fs::copy("/data/a.bin", "/data/b.bin").await?;
/// # Ok(()) }
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let mut src = File::open(from).await?;
    let mut dst = File::create(to).await?;
    let n = futures_util::io::copy_buf(&mut src, &mut dst).await?;
    dst.close().await?;
    Ok(n)
}

/// Renames `from` to `to`, also across directories of one preopen (like
/// `std::fs::rename`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::rename("/data/a/x.txt", "/data/b/y.txt").await?;
/// # Ok(()) }
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let (a, b) = (resolve(from.as_ref())?, resolve(to.as_ref())?);
    host!(a.dir.fd.rename_at(arg(&a.rel), &b.dir.fd, arg(&b.rel))).map_err(|e| fs_err(e, "rename", &a.shown))
}

/// Removes a file (like `std::fs::remove_file`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::remove_file("/data/old.txt").await?;
/// # Ok(()) }
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let r = resolve(path.as_ref())?;
    host!(r.dir.fd.unlink_file_at(arg(&r.rel))).map_err(|e| fs_err(e, "remove_file", &r.shown))
}

/// Creates a directory (like `std::fs::create_dir`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::create_dir("/data/new").await?;
/// # Ok(()) }
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let r = resolve(path.as_ref())?;
    host!(r.dir.fd.create_directory_at(arg(&r.rel))).map_err(|e| fs_err(e, "create_dir", &r.shown))
}

/// Creates a directory and any missing parents (like
/// `std::fs::create_dir_all`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::create_dir_all("/data/a/b/c").await?;
/// # Ok(()) }
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let r = resolve(path.as_ref())?;
    if r.rel == "." {
        return Ok(());
    }
    let mut prefix = String::new();
    for comp in r.rel.split('/') {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(comp);
        match host!(r.dir.fd.create_directory_at(arg(&prefix))) {
            Ok(()) => {}
            Err(ErrorCode::Exist) => {
                let stat = host!(r.dir.fd.stat_at(PathFlags::SYMLINK_FOLLOW, arg(&prefix)));
                if !matches!(stat, Ok(ref s) if matches!(s.type_, DescriptorType::Directory)) {
                    return Err(fs_err(ErrorCode::Exist, "create_dir_all", &r.shown));
                }
            }
            Err(e) => return Err(fs_err(e, "create_dir_all", &r.shown)),
        }
    }
    Ok(())
}

/// Removes an empty directory (like `std::fs::remove_dir`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::remove_dir("/data/empty").await?;
/// # Ok(()) }
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let r = resolve(path.as_ref())?;
    host!(r.dir.fd.remove_directory_at(arg(&r.rel))).map_err(|e| fs_err(e, "remove_dir", &r.shown))
}

/// Removes a directory and everything in it (like
/// `std::fs::remove_dir_all`); symbolic links are removed, not followed.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::remove_dir_all("/data/tmp").await?;
/// # Ok(()) }
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let r = resolve(path.as_ref())?;
    let meta = stat_at(&r, false, "remove_dir_all").await?;
    if !meta.is_dir() {
        return Err(fs_err(ErrorCode::NotDirectory, "remove_dir_all", &r.shown));
    }
    // Depth-first, without recursion: directories are removed after their
    // contents.
    let mut stack = vec![(r.rel.clone(), false)];
    while let Some((dir, emptied)) = stack.pop() {
        if emptied {
            host!(r.dir.fd.remove_directory_at(arg(&dir))).map_err(|e| fs_err(e, "remove_dir_all", &r.shown))?;
            continue;
        }
        stack.push((dir.clone(), true));
        let entries = dir::list(&r.dir, &dir, &r.shown).await?;
        for entry in entries {
            let child = format!("{dir}/{}", entry.name);
            if matches!(entry.type_, DescriptorType::Directory) {
                stack.push((child, false));
            } else {
                host!(r.dir.fd.unlink_file_at(arg(&child))).map_err(|e| fs_err(e, "remove_dir_all", &r.shown))?;
            }
        }
    }
    Ok(())
}

/// Creates a hard link `link` to `original` (like `std::fs::hard_link`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::hard_link("/data/a.txt", "/data/a2.txt").await?;
/// # Ok(()) }
/// ```
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let (a, b) = (resolve(original.as_ref())?, resolve(link.as_ref())?);
    host!(a.dir.fd.link_at(PathFlags::empty(), arg(&a.rel), &b.dir.fd, arg(&b.rel)))
        .map_err(|e| fs_err(e, "hard_link", &a.shown))
}

/// Creates a symbolic link at `link` whose target is `target`, a path
/// relative to the link's directory (like `std::os::unix::fs::symlink`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// wasio::fs::symlink("a.txt", "/data/link").await?;
/// # Ok(()) }
/// ```
pub async fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let r = resolve(link.as_ref())?;
    let target = target.as_ref().to_str().ok_or_else(|| path::invalid(target.as_ref()))?;
    host!(r.dir.fd.symlink_at(arg(target), arg(&r.rel))).map_err(|e| fs_err(e, "symlink", &r.shown))
}

/// The target of a symbolic link (like `std::fs::read_link`).
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let target = wasio::fs::read_link("/data/link").await?;
/// # Ok(()) }
/// ```
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let r = resolve(path.as_ref())?;
    let s = host!(r.dir.fd.readlink_at(arg(&r.rel))).map_err(|e| fs_err(e, "read_link", &r.shown))?;
    Ok(PathBuf::from(s))
}

/// The absolute guest path of `path` with `.`, `..` and symbolic links
/// resolved, within its preopen (like `std::fs::canonicalize`). The path
/// must exist.
///
/// ```no_run
/// # async fn f() -> std::io::Result<()> {
/// let p = wasio::fs::canonicalize("/data/a/../link").await?;
/// # Ok(()) }
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let r = resolve(path.as_ref())?;
    let mut done: Vec<String> = Vec::new();
    let mut todo: Vec<String> =
        r.rel.split('/').filter(|c| !c.is_empty() && *c != ".").rev().map(String::from).collect();
    let mut hops = 0;
    while let Some(comp) = todo.pop() {
        if comp == ".." {
            if done.pop().is_none() {
                return Err(path::escapes(path.as_ref()));
            }
            continue;
        }
        let candidate = if done.is_empty() { comp.clone() } else { format!("{}/{comp}", done.join("/")) };
        let stat = host!(r.dir.fd.stat_at(PathFlags::empty(), arg(&candidate)))
            .map_err(|e| fs_err(e, "canonicalize", &r.shown))?;
        if matches!(stat.type_, DescriptorType::SymbolicLink) {
            hops += 1;
            if hops > 40 {
                return Err(fs_err(ErrorCode::Loop, "canonicalize", &r.shown));
            }
            let target =
                host!(r.dir.fd.readlink_at(arg(&candidate))).map_err(|e| fs_err(e, "canonicalize", &r.shown))?;
            if target.starts_with('/') {
                return Err(path::escapes(path.as_ref()));
            }
            todo.extend(target.split('/').filter(|c| !c.is_empty() && *c != ".").rev().map(String::from));
        } else {
            done.push(comp);
        }
    }
    Ok(r.dir.guest_path(&done))
}

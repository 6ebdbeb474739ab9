//! WASI filesystem `error-code` → `std::io::Error`.

use super::host::{self, ErrorCode};
use std::fmt;
use std::io;

/// The source of every filesystem `io::Error`: the WASI `error-code`, the
/// operation and the path.
///
/// ```no_run
/// # async fn f() {
/// let err = wasio::fs::read("/data/missing").await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// let fs_err = err.get_ref().unwrap().downcast_ref::<wasio::fs::FsError>().unwrap();
/// println!("{}", fs_err.code_name()); // "no-entry"
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct FsError {
    code: ErrorCode,
    op: &'static str,
    path: String,
}

impl FsError {
    /// The WASI name of the error code, e.g. `no-entry`.
    ///
    /// ```no_run
    /// # fn f(e: &wasio::fs::FsError) { println!("{}", e.code_name()); }
    /// ```
    pub fn code_name(&self) -> String {
        host::code_name(&self.code)
    }
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {} (wasi error-code `{}`)", self.op, self.path, describe(&self.code), self.code_name())
    }
}

impl std::error::Error for FsError {}

fn describe(code: &ErrorCode) -> String {
    match host::message(code) {
        Some(msg) => msg.to_owned(),
        None => io::Error::from(kind(code)).to_string(),
    }
}

/// The `io::ErrorKind` for a WASI filesystem error code.
pub(crate) fn kind(code: &ErrorCode) -> io::ErrorKind {
    use io::ErrorKind as K;
    match code {
        ErrorCode::Access | ErrorCode::NotPermitted => K::PermissionDenied,
        ErrorCode::ReadOnly => K::ReadOnlyFilesystem,
        ErrorCode::Exist => K::AlreadyExists,
        ErrorCode::NoEntry => K::NotFound,
        ErrorCode::IsDirectory => K::IsADirectory,
        ErrorCode::NotDirectory => K::NotADirectory,
        ErrorCode::NotEmpty => K::DirectoryNotEmpty,
        ErrorCode::Invalid | ErrorCode::BadDescriptor => K::InvalidInput,
        ErrorCode::NameTooLong => K::InvalidFilename,
        ErrorCode::Interrupted => K::Interrupted,
        ErrorCode::InsufficientSpace => K::StorageFull,
        ErrorCode::InsufficientMemory => K::OutOfMemory,
        ErrorCode::FileTooLarge => K::FileTooLarge,
        ErrorCode::CrossDevice => K::CrossesDevices,
        ErrorCode::Busy => K::ResourceBusy,
        ErrorCode::TextFileBusy => K::ExecutableFileBusy,
        ErrorCode::Deadlock => K::Deadlock,
        ErrorCode::Quota => K::QuotaExceeded,
        ErrorCode::TooManyLinks => K::TooManyLinks,
        ErrorCode::InvalidSeek => K::NotSeekable,
        ErrorCode::Pipe => K::BrokenPipe,
        ErrorCode::Unsupported => K::Unsupported,
        ErrorCode::Already | ErrorCode::InProgress => K::WouldBlock,
        #[cfg(feature = "p2")]
        ErrorCode::WouldBlock => K::WouldBlock,
        ErrorCode::IllegalByteSequence => K::InvalidData,
        _ => K::Other,
    }
}

/// An `io::Error` for `code`, raised by `op` on `path`.
pub(crate) fn fs_err(code: ErrorCode, op: &'static str, path: &str) -> io::Error {
    io::Error::new(kind(&code), FsError { code, op, path: path.to_string() })
}

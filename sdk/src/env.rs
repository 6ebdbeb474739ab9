//! Program arguments and environment variables (`wasi:cli/environment`),
//! with std's names: [`args`], [`vars`], [`var`].
//!
//! ```no_run
//! let name = wasio::env::args().nth(1).unwrap_or_default();
//! let home = wasio::env::var("HOME").ok();
//! ```

pub use std::env::VarError;

use crate::sys::environment;
use std::path::PathBuf;

/// The program's arguments, the program name first (like `std::env::args`).
///
/// ```no_run
/// for arg in wasio::env::args().skip(1) {
///     println!("{arg}");
/// }
/// ```
pub fn args() -> Args {
    Args { inner: environment::arguments().into_iter() }
}

/// Iterator over the arguments; see [`args`].
///
/// ```no_run
/// let n = wasio::env::args().len();
/// ```
#[derive(Debug)]
pub struct Args {
    inner: std::vec::IntoIter<String>,
}

impl Iterator for Args {
    type Item = String;
    fn next(&mut self) -> Option<String> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Args {}

impl DoubleEndedIterator for Args {
    fn next_back(&mut self) -> Option<String> {
        self.inner.next_back()
    }
}

/// The environment variables as `(key, value)` pairs (like `std::env::vars`).
///
/// ```no_run
/// for (key, value) in wasio::env::vars() {
///     println!("{key}={value}");
/// }
/// ```
pub fn vars() -> Vars {
    Vars { inner: environment::variables().into_iter() }
}

/// Iterator over the environment; see [`vars`].
///
/// ```no_run
/// let count = wasio::env::vars().count();
/// ```
#[derive(Debug)]
pub struct Vars {
    inner: std::vec::IntoIter<(String, String)>,
}

impl Iterator for Vars {
    type Item = (String, String);
    fn next(&mut self) -> Option<(String, String)> {
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Vars {}

/// The value of environment variable `key` (like `std::env::var`).
///
/// # Errors
/// [`VarError::NotPresent`] if it is not set. (WASI values are always
/// UTF-8, so `NotUnicode` never occurs.)
///
/// ```no_run
/// match wasio::env::var("GREETING") {
///     Ok(v) => println!("{v}"),
///     Err(e) => eprintln!("GREETING: {e}"),
/// }
/// ```
pub fn var(key: impl AsRef<str>) -> Result<String, VarError> {
    let key = key.as_ref();
    vars().find(|(k, _)| k == key).map(|(_, v)| v).ok_or(VarError::NotPresent)
}

/// The working directory the host suggests (`get-initial-cwd`), if any.
///
/// ```no_run
/// let cwd = wasio::env::initial_cwd();
/// ```
pub fn initial_cwd() -> Option<PathBuf> {
    environment::initial_cwd().map(PathBuf::from)
}

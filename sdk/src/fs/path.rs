//! Resolving guest paths against the preopened directories.

use super::host::{self, Descriptor};
use std::cell::OnceCell;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A directory the host preopened.
pub(crate) struct Preopen {
    pub(crate) fd: Descriptor,
    /// The guest path as the host named it.
    name: String,
    /// Whether `name` is absolute, and its normalized components.
    absolute: bool,
    comps: Vec<String>,
}

impl Preopen {
    /// The guest path of `rel` (components below this preopen).
    pub(crate) fn guest_path(&self, rel: &[String]) -> PathBuf {
        let mut p = PathBuf::from(if self.absolute { "/".to_string() } else { ".".to_string() });
        for c in self.comps.iter().chain(rel) {
            p.push(c);
        }
        p
    }
}

/// A path resolved to a preopen and a path relative to it.
pub(crate) struct Resolved {
    pub(crate) dir: Arc<Preopen>,
    /// Relative path for `*-at` calls (`.` for the preopen itself).
    pub(crate) rel: String,
    /// The path as the user gave it, for error messages.
    pub(crate) shown: String,
}

thread_local! {
    static PREOPENS: OnceCell<Vec<Arc<Preopen>>> = const { OnceCell::new() };
}

fn with_preopens<R>(f: impl FnOnce(&[Arc<Preopen>]) -> R) -> R {
    PREOPENS.with(|p| {
        let list = p.get_or_init(|| {
            host::preopened()
                .into_iter()
                .map(|(fd, name)| {
                    let (absolute, comps) = normalize(&name).unwrap_or((name.starts_with('/'), Vec::new()));
                    Arc::new(Preopen { fd, name, absolute, comps })
                })
                .collect()
        });
        f(list)
    })
}

/// The guest paths of the preopened directories, as the host named them
/// (e.g. `/data` for `wasmtime run --dir ./host-dir::/data`, `.` for
/// `--dir .`).
///
/// ```no_run
/// for dir in wasio::fs::preopens() {
///     println!("{}", dir.display());
/// }
/// ```
pub fn preopens() -> Vec<PathBuf> {
    with_preopens(|list| list.iter().map(|p| PathBuf::from(&p.name)).collect())
}

pub(crate) fn invalid(path: &Path) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("path {} is not valid UTF-8", path.display()))
}

pub(crate) fn escapes(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("path {} climbs out of its preopened directory with `..`", path.display()),
    )
}

fn outside(path: &Path) -> io::Error {
    let dirs: Vec<String> = preopens().iter().map(|p| p.display().to_string()).collect();
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "no preopened directory contains path {} (preopened: {}); the host must grant a directory, e.g. `wasmtime run --dir HOST::GUEST`",
            path.display(),
            if dirs.is_empty() { "none".to_string() } else { dirs.join(", ") }
        ),
    )
}

/// Lexically normalizes `path`: `(absolute, components)`. Returns `None`
/// when `..` climbs above the start of a relative path.
fn normalize(path: &str) -> Option<(bool, Vec<String>)> {
    let absolute = path.starts_with('/');
    let mut comps: Vec<String> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if comps.pop().is_none() && !absolute {
                    return None;
                }
            }
            c => comps.push(c.to_string()),
        }
    }
    Some((absolute, comps))
}

/// The preopen whose guest path is the longest prefix of `comps`.
fn best_match(absolute: bool, comps: &[String]) -> Option<(Arc<Preopen>, String)> {
    with_preopens(|list| {
        list.iter().filter(|p| p.absolute == absolute && comps.starts_with(&p.comps)).max_by_key(|p| p.comps.len()).map(
            |p| {
                let rest = &comps[p.comps.len()..];
                (p.clone(), if rest.is_empty() { ".".to_string() } else { rest.join("/") })
            },
        )
    })
}

/// Resolves `path` to a preopen and a relative path.
pub(crate) fn resolve(path: &Path) -> io::Result<Resolved> {
    let s = path.to_str().ok_or_else(|| invalid(path))?;
    if s.is_empty() {
        return Err(io::Error::new(io::ErrorKind::NotFound, "empty path"));
    }
    let shown = s.to_string();
    let Some((absolute, comps)) = normalize(s) else { return Err(escapes(path)) };
    if let Some((dir, rel)) = best_match(absolute, &comps) {
        return Ok(Resolved { dir, rel, shown });
    }
    // A relative path: try the initial working directory, if the host gave
    // one.
    if !absolute
        && let Some(cwd) = crate::env::initial_cwd().and_then(|c| c.to_str().map(String::from))
        && let Some((true, joined)) = normalize(&format!("{cwd}/{s}"))
        && let Some((dir, rel)) = best_match(true, &joined)
    {
        return Ok(Resolved { dir, rel, shown });
    }
    Err(outside(path))
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// Paths built from pieces that matter to resolution.
    fn paths() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("/".to_string()),
            Just("//".to_string()),
            Just(".".to_string()),
            Just("..".to_string()),
            Just("a".to_string()),
            Just("dir".to_string()),
            Just("é".to_string()),
            Just(" ".to_string()),
            "[a-z.]{1,4}",
        ];
        prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    /// Bounded property run (in the test command): normalization never
    /// panics, yields clean components, is idempotent, and refuses exactly
    /// the relative paths whose `..` climb above their start.
    #[wasio::test]
    async fn normalize_properties() {
        let mut runner = TestRunner::new(Config { cases: 3000, failure_persistence: None, ..Config::default() });
        runner
            .run(&paths(), |path| {
                // Independent model: walk the path, counting depth.
                let absolute = path.starts_with('/');
                let mut depth: i64 = 0;
                let mut escapes = false;
                for c in path.split('/') {
                    match c {
                        "" | "." => {}
                        ".." if depth == 0 => escapes |= !absolute,
                        ".." => depth -= 1,
                        _ => depth += 1,
                    }
                }
                match normalize(&path) {
                    None => prop_assert!(escapes, "{path:?} refused but does not escape"),
                    Some((abs, comps)) => {
                        prop_assert!(!escapes, "{path:?} escapes but was accepted");
                        prop_assert_eq!(abs, absolute);
                        prop_assert_eq!(comps.len() as i64, depth);
                        for c in &comps {
                            prop_assert!(!c.is_empty() && c != "." && c != ".." && !c.contains('/'), "{c:?}");
                        }
                        let again = format!("{}{}", if abs { "/" } else { "" }, comps.join("/"));
                        prop_assert_eq!(normalize(&again), Some((abs, comps)));
                    }
                }
                Ok(())
            })
            .unwrap();
    }
}

//! # wasio
//!
//! Async Rust for WASI 0.3 components: an executor driven by the Component
//! Model's native async, and std/tokio-style wrappers over the WASI 0.3
//! interfaces. Build for `wasm32-wasip2`, run on Wasmtime.
//!
//! ```no_run
//! use futures_util::io::AsyncWriteExt;
//!
//! #[wasio::main]
//! async fn main() -> std::io::Result<()> {
//!     let who = wasio::env::args().nth(1).unwrap_or("world".into());
//!     let task = wasio::spawn(async move { format!("hello, {who}!\n") });
//!     let line = task.await.unwrap();
//!     wasio::io::stdout().write_all(line.as_bytes()).await
//! }
//! ```
//!
//! ## A tour of the six WASI areas
//!
//! | area | module | what you get |
//! | --- | --- | --- |
//! | cli | [`env`](mod@env), [`process`], [`io`] | arguments, environment, exit codes, async stdin/stdout/stderr; `#[wasio::main]` exports `wasi:cli/run` |
//! | clocks | [`time`] | [`time::Instant`], [`time::SystemTime`], [`time::sleep`], [`time::timeout`], [`time::interval`] — all timers share one host wait |
//! | random | [`rand`] | secure and insecure bytes and `u64`s; `getrandom` works too |
//! | filesystem | [`fs`] | [`fs::File`] (`AsyncRead`/`AsyncBufRead`/`AsyncWrite`/`AsyncSeek`), [`fs::OpenOptions`], `read`/`write`/`read_dir`/…, paths resolved against preopens |
//! | sockets | [`net`] | [`net::TcpListener`], [`net::TcpStream`] (owned halves), [`net::UdpSocket`], [`net::lookup_host`] |
//! | http | [`http`] | `#[wasio::http::handler]` on the `http` crate's `Request`/`Response`, a streaming [`http::Body`] with trailers, [`http::Client`] |
//!
//! Underneath: [`rt`], the executor ([`spawn`], [`JoinHandle`], [`JoinSet`],
//! [`yield_now`], [`block_on`], backpressure), and `bindings`, the raw WASI
//! 0.3 bindings the wrappers are built on. For your own WIT worlds,
//! `wasio::bindgen!` (feature `bindgen`) and `wit` (`stream<T>`/`future<T>` as
//! `Stream`/`Sink`/`Future`/`AsyncRead`/`AsyncWrite`). These two are WASI 0.3
//! only: the build without the `p2` feature has them.
//!
//! ## Features
//!
//! - `json`: `Body::json`/`Body::from_json` with serde_json.
//! - `bindgen`: `wasio::bindgen!` for your own WIT worlds.
//! - `tokio-io`: tokio's I/O traits on wasio's byte streams (`wasio::io::tokio_io`).
//! - `hyper`: hyper 1.x's runtime traits (`wasio::hyper`).
//! - `p2`: build for WASI 0.2 hosts instead of WASI 0.3 — the same API
//!   over `wasi:io/poll`, except `bindings`, `wit` and `bindgen!`, which
//!   are about WASI 0.3's own types.
//!
//! ## Capabilities
//!
//! The host grants what a component may touch: `wasmtime run --dir
//! host::guest` for files, `-Sinherit-network` for sockets, `-Shttp` for
//! outbound HTTP; `wasmtime serve` runs HTTP handlers. Without a grant, calls
//! return a clear `Err`.

// The generated bindings name this crate `::wasio` so that their export
// macros work in user crates; this makes that path resolve here too.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as wasio;

// With the `p2` feature (WASI 0.2 hosts) everything but the raw 0.3
// bindings and user WIT worlds is available (see docs/DESIGN-NOTES.md).
#[cfg(not(feature = "p2"))]
pub mod bindings;
pub mod env;
pub mod fs;
pub mod http;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub mod hyper;
pub mod io;
pub mod net;
pub mod process;
pub mod rand;
pub mod rt;
mod sys;
pub mod time;
#[cfg(not(feature = "p2"))]
pub mod wit;

pub use rt::{JoinError, JoinHandle, JoinSet, block_on, spawn, yield_now};
pub use wasio_macros::{main, test};

/// Generates Rust bindings for your own WIT world, running on wasio's
/// executor: wit-bindgen's `generate!` with the runtime path set to wasio's
/// (the options are wit-bindgen's). Needs the `bindgen` feature.
///
/// Async exports (`async func`) enter wasio's executor, so they may
/// [`spawn`] tasks that outlive the call; `stream<T>`/`future<T>` values
/// are wit-bindgen's ends, which [`wit`] wraps as `Stream`, `Sink`,
/// `Future`, `AsyncRead` and `AsyncWrite`.
///
/// ```ignore
/// wasio::bindgen!({ world: "store", path: "wit/kv.wit" });
///
/// struct Store;
/// impl exports::example::kv::cache::Guest for Store {
///     async fn get(key: String) -> Option<Vec<u8>> { None }
/// }
/// export!(Store);
/// ```
///
/// The same code can be generated ahead of time and checked in with
/// wit-bindgen's library or CLI and the options `runtime_path:
/// "::wasio::rt::bindgen_rt"` and `bitflags_path:
/// "::wasio::rt::bindgen_rt::bitflags"` (see `xtask` in the repository).
#[cfg(all(feature = "bindgen", not(feature = "p2")))]
#[cfg_attr(docsrs, doc(cfg(feature = "bindgen")))]
#[macro_export]
macro_rules! bindgen {
    ($world:literal) => {
        $crate::bindgen!({ world: $world });
    };
    ({ $($opts:tt)* }) => {
        $crate::rt::__generate!({
            runtime_path: "::wasio::rt::bindgen_rt",
            bitflags_path: "::wasio::rt::bindgen_rt::bitflags",
            $($opts)*
        });
    };
}

/// Bindings for your own WIT world: WASI 0.3 only. A WASI 0.2 host has no
/// Component Model async (`stream<T>`, `future<T>`, `async func`) for them
/// to run on, so with the `p2` feature this macro is a compile error that
/// says so. Build without `p2`, or generate sync 0.2 bindings with
/// wit-bindgen directly.
///
/// ```compile_fail
/// wasio::bindgen!("store");
/// ```
#[cfg(all(feature = "bindgen", feature = "p2"))]
#[macro_export]
macro_rules! bindgen {
    ($($any:tt)*) => {
        ::core::compile_error!(
            "wasio::bindgen! needs WASI 0.3 (Component Model async: stream<T>, future<T>, async func), \
             which the `p2` feature (WASI 0.2 hosts) does not have; build without `p2`, \
             or use wit-bindgen's sync bindings for a WASI 0.2 world"
        );
    };
}

/// Declares task-local keys ([`rt::LocalKey`]), like tokio's
/// `task_local!`: a value set with [`LocalKey::scope`](rt::LocalKey::scope)
/// is seen by the future and by every task spawned while it runs.
///
/// ```no_run
/// wasio::task_local! {
///     /// The ID of the request this task works for.
///     pub static REQUEST_ID: u64;
/// }
///
/// # async fn handle(id: u64) {
/// REQUEST_ID.scope(id, async {
///     wasio::spawn(async { println!("working for request {}", REQUEST_ID.get()) });
/// }).await;
/// # }
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $(#[$attr])*
        $vis static $name: $crate::rt::LocalKey<$t> = $crate::rt::LocalKey::new();
        $crate::task_local!($($rest)*);
    };
}

/// The WIT name of a generated variant or enum case, from its Debug form:
/// `ErrorCode::ConnectionRefused(..)` → `connection-refused`.
pub(crate) fn wit_case_name(value: &dyn std::fmt::Debug) -> String {
    let dbg = format!("{value:?}");
    let name = dbg.split(['(', ' ', '{']).next().unwrap_or(&dbg);
    let name = name.rsplit("::").next().unwrap_or(name);
    let mut out = String::new();
    let mut prev_upper = false;
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 && !prev_upper {
                out.push('-');
            }
            out.push(ch.to_ascii_lowercase());
            prev_upper = true;
        } else {
            out.push(ch);
            prev_upper = false;
        }
    }
    out
}

/// The plumbing that wasio's macros expand to (export glue, test and main
/// runners, stdio flushing): one hidden module, not API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "tower")]
    pub use crate::http::service::serve_with as serve_service;
    pub use crate::io::stdio::flush_stdio;
    pub use crate::rt::{main_result, run_main, run_test};
    pub use crate::sys::exports::private::*;
    pub use crate::sys::http::serve as serve_http;

    pub use crate::process::wrong_entry_point;
}

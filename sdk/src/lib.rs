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
    #[cfg(feature = "p2")]
    pub use crate::rt::block_main;
    #[cfg(not(feature = "p2"))]
    pub use crate::rt::run_test_harness;
    pub use crate::rt::{main_result, run_main, run_test};
    pub use crate::sys::http::serve as serve_http;
    #[cfg(feature = "p2")]
    pub use wasip2;

    pub use crate::process::wrong_entry_point;
}

/// What `#[wasio::http::handler]` adds next to the user's handler: the
/// `wasi:http/handler@0.3` export.
#[cfg(not(feature = "p2"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __http_handler {
    ($name:ident) => {
        #[doc(hidden)]
        struct __WasioHttpHandler;

        impl $crate::bindings::http_service::exports::wasi::http::handler::Guest for __WasioHttpHandler {
            async fn handle(
                request: $crate::bindings::wasi::http::types::Request,
            ) -> ::core::result::Result<
                $crate::bindings::wasi::http::types::Response,
                $crate::bindings::wasi::http::types::ErrorCode,
            > {
                $crate::__private::serve_http(request, $name).await
            }
        }

        $crate::bindings::http_service::__export_http_service!(__WasioHttpHandler);

        /// The WASI 0.2 entry point of a `bin` target: a host that calls
        /// it instead of the handler gets an error naming the export.
        #[allow(dead_code)]
        #[cfg(not(test))]
        fn main() {
            $crate::__private::wrong_entry_point("wasi:http/handler@0.3.0#handle")
        }
    };
}

/// Under `p2`: the `wasi:http/incoming-handler@0.2` export.
#[cfg(feature = "p2")]
#[doc(hidden)]
#[macro_export]
macro_rules! __http_handler {
    ($name:ident) => {
        #[doc(hidden)]
        struct __WasioHttpHandler;

        impl $crate::__private::wasip2::exports::http::incoming_handler::Guest for __WasioHttpHandler {
            fn handle(
                request: $crate::__private::wasip2::http::types::IncomingRequest,
                out: $crate::__private::wasip2::http::types::ResponseOutparam,
            ) {
                $crate::__private::serve_http(request, out, $name)
            }
        }

        $crate::__private::wasip2::http::proxy::export!(__WasioHttpHandler);

        /// The entry point of a `bin` target (unused by `wasmtime serve`).
        #[allow(dead_code)]
        #[cfg(not(test))]
        fn main() {}
    };
}

/// What `#[wasio::main]` adds next to the user's `async fn`: the
/// `wasi:cli/run@0.3` export running it on wasio's executor.
#[cfg(not(feature = "p2"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __main {
    ($user:ident) => {
        #[doc(hidden)]
        struct __WasioMain;

        impl $crate::bindings::run::exports::wasi::cli::run::Guest for __WasioMain {
            async fn run() -> ::core::result::Result<(), ()> {
                let out = $crate::__private::run_main($user()).await;
                $crate::__private::main_result(out).await
            }
        }

        // In test builds `#[wasio::test]`'s harness provides the export;
        // `main` (and what only it calls) still counts as used.
        #[cfg(not(test))]
        $crate::bindings::run::__export_run!(__WasioMain);
        #[cfg(test)]
        const _: () = {
            let _ = $user;
        };

        /// The WASI 0.2 entry point of a `bin` target; hosts run the
        /// `wasi:cli/run@0.3` export instead, and one that calls this gets
        /// an error naming it.
        #[allow(dead_code)]
        #[cfg(not(test))]
        fn main() {
            $crate::__private::wrong_entry_point("wasi:cli/run@0.3.0#run")
        }
    };
}

/// What `#[wasio::main]` adds under `p2`: a std `main` (which the
/// `wasm32-wasip2` target exports as `wasi:cli/run@0.2`) that blocks on the
/// user's `async fn`.
#[cfg(feature = "p2")]
#[doc(hidden)]
#[macro_export]
macro_rules! __main {
    ($user:ident) => {
        #[cfg(not(test))]
        fn main() {
            $crate::__private::block_main($user())
        }
        #[cfg(test)]
        const _: () = {
            let _ = $user;
        };
    };
}

/// The test harness export the first `#[wasio::test]` adds: libtest runs
/// inside an async `wasi:cli/run@0.3` task, where tests may block.
#[cfg(not(feature = "p2"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __test_harness {
    () => {
        // Test builds only: a normal build of a bin with tests keeps
        // `#[wasio::main]`'s export.
        #[cfg(test)]
        #[allow(clippy::undocumented_unsafe_blocks)]
        const _: () = {
            struct __WasioTestHarness;
            impl $crate::bindings::run::exports::wasi::cli::run::Guest for __WasioTestHarness {
                async fn run() -> ::core::result::Result<(), ()> {
                    $crate::__private::run_test_harness()
                }
            }
            $crate::bindings::run::__export_run!(__WasioTestHarness);
        };
    };
}

/// Under `p2` std's own test `main` runs the tests; each blocks on its body.
#[cfg(feature = "p2")]
#[doc(hidden)]
#[macro_export]
macro_rules! __test_harness {
    () => {};
}

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
//! ## Areas
//! - [`rt`]: the executor — [`spawn`], [`JoinHandle`], [`JoinSet`],
//!   [`yield_now`], [`block_on`].
//! - [`env`], [`process`], [`io`]: arguments, environment, exit, and async
//!   stdin/stdout/stderr (`wasi:cli`).
//! - [`bindings`]: the raw WASI 0.3 bindings the wrappers are built on.
//!
//! Clocks and timers, random, filesystem, sockets and HTTP wrappers build on
//! the same executor and bindings.

// The generated bindings name this crate `::wasio` so that their export
// macros work in user crates; this makes that path resolve here too.
#![warn(missing_docs)]

extern crate self as wasio;

pub mod bindings;
pub mod env;
pub mod fs;
pub mod http;
pub mod io;
pub mod net;
pub mod process;
pub mod rand;
pub mod rt;
pub mod time;
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
#[cfg(feature = "bindgen")]
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

#[doc(hidden)]
pub mod __private {
    pub use crate::io::flush_stdio;
    pub use crate::rt::{main_result, run_main, run_test, run_test_harness};
}

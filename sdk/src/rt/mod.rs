//! wasio's executor: single-threaded, driven by the Component Model's async
//! ABI.
//!
//! # How it runs
//!
//! Every call of an async-lifted export is a Component Model *task*. The
//! generated export glue calls `bindgen_rt::async_support::start_task` and,
//! on each later host event, `callback`; both enter this executor. Each
//! Component Model task gets its own run queue and waitable set; every Rust
//! task (from [`spawn`]) belongs to the Component Model task that spawned it,
//! is only ever polled during that task's turns, and keeps it alive until it
//! ends — so an export can return its value and keep working.
//!
//! A turn runs the ready Rust tasks, then tells the host to `wait` on the
//! waitable set (nothing ready), to `yield` (more ready work; host events are
//! first polled without blocking), or that the task has exited (no live Rust
//! tasks and no registered waitables). A waker fired from another Component
//! Model task writes to a `stream<unit>` that a sleeping task keeps a read
//! on, so wakeups cross tasks (e.g. a channel between two requests).
//!
//! # How a leaf future registers a waitable
//!
//! Leaf operations — a `StreamReader::read`, a `FutureReader`, an async import
//! call (subtask) — are wit-bindgen's types. When one blocks, it calls
//! `wasip3_task_set(NULL)` to find the running task (the C ABI shared by all
//! wit-bindgen versions), and `waitable_register(ptr, waitable, callback,
//! data)`. wasio installs its own `wasip3_task` for every turn, so the
//! waitable joins the current Component Model task's set; when the host
//! reports an event for it, the executor leaves the set, forgets the
//! registration and calls `callback(data, code)`, which stores the code and
//! wakes the Rust task. Dropping a leaf future first unregisters
//! (`waitable.join(w, 0)`, required before cancelling) and then cancels the
//! host operation (`subtask.cancel`, `stream.cancel-read`, ...), releasing
//! the handle. So wasio's wrappers in the area modules, the `wasip3` crate's
//! bindings and a user's own `wit_bindgen::generate!` all run on this one
//! executor. A new wasio leaf type needs nothing more than a wit-bindgen
//! future or stream operation; timers (one host wait for the earliest
//! deadline) build on the same path.

#[cfg(not(feature = "p2"))]
mod abi;
mod executor;
mod local;
mod task;
pub(crate) mod timer;
pub(crate) mod unthreaded;

pub use local::{AccessError, LocalKey, TaskLocalFuture};
#[cfg(feature = "p2")]
pub(crate) use task::block_on_all;
pub use task::{JoinError, JoinHandle, JoinSet, block_on, spawn, yield_now};

#[cfg(not(feature = "p2"))]
use executor::CmTask;
#[cfg(feature = "p2")]
pub(crate) use executor::{Registration, close_when_ready, ready, register_pollable, wait_until};
use std::future::Future;
#[cfg(not(feature = "p2"))]
use std::rc::Rc;

/// wit-bindgen's `generate!`, used by [`bindgen!`](crate::bindgen).
#[cfg(all(feature = "bindgen", not(feature = "p2")))]
#[doc(hidden)]
pub use wit_bindgen::generate as __generate;

/// The runtime module that wasio's generated bindings use
/// (`runtime_path`): wit-bindgen 0.63's runtime with export tasks routed to
/// wasio's executor.
///
/// A `wit_bindgen::generate!` (0.63) in a user crate can route its exports to
/// wasio too, with `runtime_path: "wasio::rt::bindgen_rt"`. Imports need no
/// option: they reach whichever executor runs the task.
#[cfg(not(feature = "p2"))]
#[doc(hidden)]
pub mod bindgen_rt {
    pub use wit_bindgen::rt::*;

    /// wit-bindgen's async support, with `start_task`/`callback` replaced.
    pub mod async_support {
        pub use super::super::{callback, start_task};
        pub use wit_bindgen::rt::async_support::*;
    }
}

/// Entry point of an async-lifted export: runs `task` as the root of a new
/// Component Model task. Called by generated bindings.
#[cfg(not(feature = "p2"))]
#[doc(hidden)]
pub fn start_task(task: impl Future<Output = ()> + 'static) -> i32 {
    let cm = CmTask::new();
    let (raw, _, id) = cm.spawn(task);
    raw.detach();
    cm.set_root(id);
    let code = cm.turn((abi::EVENT_NONE, 0, 0));
    if code != abi::CallbackCode::Exit {
        // SAFETY: context slot 0 of a fresh Component Model task is ours; it
        // holds one strong count, released when the task exits.
        unsafe { abi::context_set(Rc::into_raw(cm).cast_mut().cast()) };
    }
    code.encode() as i32
}

/// Callback of an async-lifted export: delivers a host event to the task
/// started by [`start_task`]. Called by generated bindings.
///
/// # Safety
/// Must only be called by the host as the callback of a task started by
/// [`start_task`].
#[cfg(not(feature = "p2"))]
#[doc(hidden)]
pub unsafe fn callback(event0: u32, event1: u32, event2: u32) -> u32 {
    // SAFETY: `start_task` stored a strong `Rc<CmTask>` in context slot 0 of
    // this Component Model task.
    let ptr = unsafe { abi::context_get() }.cast::<CmTask>().cast_const();
    assert!(!ptr.is_null(), "wasio: export callback without a task");
    // SAFETY: see above; take an extra count for the duration of the turn.
    let cm = unsafe {
        Rc::increment_strong_count(ptr);
        Rc::from_raw(ptr)
    };
    let code = cm.turn((event0, event1, event2));
    if code == abi::CallbackCode::Exit {
        // SAFETY: the task is done: clear the slot and release its count.
        unsafe {
            abi::context_set(std::ptr::null_mut());
            Rc::decrement_strong_count(ptr);
        }
    }
    code.encode()
}

/// Whether code runs inside wasio's executor (a task can be spawned).
pub(crate) fn in_executor() -> bool {
    executor::current().is_some()
}

/// Runs `main` as a program's main future: when it completes, every other
/// task of this Component Model task is cancelled (as when a tokio runtime
/// shuts down after `main` returns). Used by `#[wasio::main]`.
#[doc(hidden)]
pub async fn run_main<T>(main: impl Future<Output = T>) -> T {
    let out = main.await;
    // What loggers queued for stderr goes out before the tasks end.
    crate::io::log_drained().await;
    if let Some(cm) = executor::current() {
        cm.abort_spawned();
    }
    out
}

/// An RAII guard over the Component Model's `backpressure.inc`/`dec`: while
/// any guard lives, the host holds new calls of this instance's async
/// exports.
///
/// With the `p2` feature (WASI 0.2) export calls never overlap, so the guard
/// (and [`concurrency_limit`]) has nothing to hold back and does nothing.
///
/// ```no_run
/// # async fn f() {
/// let guard = wasio::rt::Backpressure::new();
/// // ... no new export calls are started here ...
/// drop(guard);
/// # }
/// ```
#[derive(Debug)]
pub struct Backpressure {
    _private: (),
}

impl Backpressure {
    /// Increments the instance's backpressure counter until dropped.
    pub fn new() -> Backpressure {
        // SAFETY: `backpressure.inc` has no preconditions; `Drop` pairs it.
        #[cfg(not(feature = "p2"))]
        unsafe {
            abi::backpressure_inc()
        };
        Backpressure { _private: () }
    }
}

impl Default for Backpressure {
    fn default() -> Self {
        Backpressure::new()
    }
}

impl Drop for Backpressure {
    fn drop(&mut self) {
        // SAFETY: pairs the `inc` of `new`.
        #[cfg(not(feature = "p2"))]
        unsafe {
            abi::backpressure_dec()
        };
    }
}

thread_local! {
    static LIMIT_ACTIVE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static LIMIT_GUARD: std::cell::RefCell<Option<Backpressure>> = const { std::cell::RefCell::new(None) };
}

/// Limits how many export calls of this instance run at once: call it at the
/// start of an export and keep the permit for the call's duration. While
/// `max` permits are held, the instance applies backpressure, so the host
/// holds new export calls until one finishes (calls already running are not
/// affected).
///
/// The count is per instance, shared by every export that takes a permit.
///
/// ```no_run
/// # async fn handler() {
/// let _permit = wasio::rt::concurrency_limit(4);
/// // ... at most 4 calls are in here at once ...
/// # }
/// ```
pub fn concurrency_limit(max: usize) -> ConcurrencyPermit {
    let active = LIMIT_ACTIVE.with(|a| {
        a.set(a.get() + 1);
        a.get()
    });
    if active >= max.max(1) {
        LIMIT_GUARD.with(|g| {
            g.borrow_mut().get_or_insert_with(Backpressure::new);
        });
    }
    ConcurrencyPermit { max: max.max(1) }
}

/// A permit from [`concurrency_limit`]; dropping it lets the host start a
/// held export call.
///
/// ```no_run
/// let permit = wasio::rt::concurrency_limit(1);
/// drop(permit);
/// ```
#[derive(Debug)]
pub struct ConcurrencyPermit {
    max: usize,
}

impl Drop for ConcurrencyPermit {
    fn drop(&mut self) {
        let active = LIMIT_ACTIVE.with(|a| {
            a.set(a.get() - 1);
            a.get()
        });
        if active < self.max {
            let guard = LIMIT_GUARD.with(|g| g.borrow_mut().take());
            drop(guard);
        }
    }
}

/// Number of live tasks owned by the current Component Model task (export
/// call or `block_on`), including the one asking. `None` outside wasio.
///
/// ```no_run
/// # async fn f() {
/// assert!(wasio::rt::live_tasks().unwrap() >= 1);
/// # }
/// ```
pub fn live_tasks() -> Option<usize> {
    executor::current().map(|cm| cm.live_tasks())
}

/// Number of dropped connections whose host handles are still held because
/// the host has not finished sending what was written to them.
///
/// On WASI 0.2, dropping a TCP output stream waits in the host until every
/// byte already written has reached the kernel (Wasmtime does this so no
/// accepted write is lost). wasio never makes that call while it would wait:
/// a [`TcpStream`](crate::net::TcpStream) (or write half) dropped with unsent
/// data keeps its two handles until the peer has read the data or the
/// connection has failed, checked whenever the executor polls the host, and
/// no task waits for it. On WASI 0.3 the host cancels the write at once, so
/// this is always 0 there. Call `close().await` to wait for the data to be
/// sent instead.
///
/// ```no_run
/// # async fn f() {
/// println!("{} connections still sending", wasio::rt::pending_closes());
/// # }
/// ```
pub fn pending_closes() -> usize {
    #[cfg(feature = "p2")]
    return executor::pending_closes();
    #[cfg(not(feature = "p2"))]
    0
}

/// What `main` may return under `#[wasio::main]`: `()` or `Result<(), E>`
/// with `E: Debug` (like std's `Termination` for those types).
///
/// ```no_run
/// #[wasio::main]
/// async fn main() -> Result<(), String> {
///     Err("bad input".into()) // prints `Error: "bad input"`, exits non-zero
/// }
/// ```
pub trait MainResult {
    /// `Ok(())` for success; otherwise the error to report.
    fn into_report(self) -> Result<(), String>;
}

impl MainResult for () {
    fn into_report(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: std::fmt::Debug> MainResult for Result<(), E> {
    fn into_report(self) -> Result<(), String> {
        self.map_err(|e| format!("Error: {e:?}\n"))
    }
}

/// Reports `main`'s result: flushes stdio, prints an error to stderr.
#[doc(hidden)]
pub async fn main_result(out: impl MainResult) -> Result<(), ()> {
    use futures_util::io::AsyncWriteExt;
    let report = out.into_report();
    if let Err(msg) = &report {
        let _ = crate::io::stderr().write_all(msg.as_bytes()).await;
    }
    crate::io::flush_stdio().await;
    report.map_err(|_| ())
}

/// `#[wasio::main]` under `p2`: blocks on `main`, reports its result like
/// the WASI 0.3 export does, and exits with status 1 on an `Err`.
#[cfg(feature = "p2")]
#[doc(hidden)]
pub fn block_main<T: MainResult>(main: impl Future<Output = T>) {
    let result = block_on(async {
        let out = run_main(main).await;
        main_result(out).await
    });
    if result.is_err() {
        std::process::exit(1);
    }
}

/// Runs one `#[wasio::test]` body to completion (on its own executor, see
/// [`block_on`]) and fails the test on an `Err`.
#[doc(hidden)]
pub fn run_test<T: MainResult>(test: impl Future<Output = T>) {
    #[cfg(not(feature = "p2"))]
    assert!(
        executor::current().is_some(),
        "#[wasio::test] needs the test binary started through its `wasi:cli/run@0.3` export: \
         run it with `wasmtime run` (the cargo runner for wasm32-wasip2)"
    );
    if let Err(report) = block_on(test).into_report() {
        panic!("test returned {}", report.trim_end());
    }
}

/// The `wasi:cli/run@0.3` export of a test binary: runs the libtest
/// harness (std's `main`) inside this async task, so tests may block.
#[cfg(not(feature = "p2"))]
#[doc(hidden)]
#[allow(clippy::result_unit_err)]
pub fn run_test_harness() -> Result<(), ()> {
    #[cfg(target_family = "wasm")]
    unsafe extern "C" {
        /// wasi-libc's entry into `main` (what `_start` calls).
        fn __main_void() -> i32;
    }
    #[cfg(not(target_family = "wasm"))]
    unsafe fn __main_void() -> i32 {
        unreachable!("wasio only runs inside a WebAssembly component")
    }
    // Components abort on panic, so libtest never gets to print a failed
    // test's captured output: print panics straight to stderr instead.
    std::panic::set_hook(Box::new(|info| {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "\n{info}");
    }));
    // SAFETY: wasi-libc's `__main_void` reads the arguments and calls the
    // program's `main` (libtest's), exactly as `_start` would; constructors
    // already ran in the export glue.
    let code = unsafe { __main_void() };
    if code == 0 { Ok(()) } else { Err(()) }
}

//! The public task API: `spawn`, `JoinHandle`, `JoinSet`, `yield_now`,
//! `block_on`.

use super::executor::{self, CmTask, RawTask};
use futures_util::future::AbortHandle;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Spawns `future` as a new task on the current Component Model task, like
/// `tokio::task::spawn_local`.
///
/// The task runs concurrently (never in parallel) with the caller, and keeps
/// the export that spawned it alive until it ends: a handler may return and
/// let a spawned task finish the work. Dropping the [`JoinHandle`] detaches
/// the task; [`JoinHandle::abort`] cancels it.
///
/// # Panics
/// When called outside wasio's executor (not inside `#[wasio::main]`, a
/// wasio-exported function or [`block_on`]), like tokio's `spawn` outside a
/// runtime.
///
/// ```no_run
/// #[wasio::main]
/// async fn main() {
///     let handle = wasio::spawn(async { 6 * 7 });
///     assert_eq!(handle.await.unwrap(), 42);
/// }
/// ```
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let cm = executor::current()
        .expect("wasio::spawn called outside wasio's executor (use #[wasio::main], an exported wasio handler or wasio::block_on)");
    let (raw, abort, _) = cm.spawn(future);
    JoinHandle { raw: Some(raw), abort }
}

/// An owned permission to await (or abort) a spawned task, like
/// `tokio::task::JoinHandle`.
///
/// Awaiting it gives the task's output, or a [`JoinError`] if the task was
/// aborted. Dropping it detaches the task, which keeps running.
///
/// ```no_run
/// # async fn f() {
/// let handle = wasio::spawn(std::future::pending::<()>());
/// handle.abort();
/// assert!(handle.await.unwrap_err().is_cancelled());
/// # }
/// ```
pub struct JoinHandle<T> {
    raw: Option<RawTask<T>>,
    abort: AbortHandle,
}

impl<T> JoinHandle<T> {
    /// Cancels the task: its future is dropped (cancelling whatever host
    /// operations it waits on) the next time its Component Model task runs.
    /// Awaiting the handle then gives a cancelled [`JoinError`], unless the
    /// task had already finished.
    ///
    /// ```no_run
    /// # async fn f() {
    /// let handle = wasio::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// # }
    /// ```
    pub fn abort(&self) {
        self.abort.abort();
    }

    /// Whether the task has finished (completed or been aborted and dropped).
    ///
    /// ```no_run
    /// # async fn f() {
    /// let handle = wasio::spawn(async {});
    /// wasio::yield_now().await;
    /// assert!(handle.is_finished());
    /// # }
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.as_ref().is_none_or(|r| r.is_finished())
    }

    /// A handle that can abort the task without owning its output.
    ///
    /// ```no_run
    /// # async fn f() {
    /// let handle = wasio::spawn(std::future::pending::<()>());
    /// let abort = handle.abort_handle();
    /// abort.abort();
    /// # }
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        self.abort.clone()
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("finished", &self.is_finished()).finish()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let raw = self.raw.as_mut().expect("JoinHandle polled after completion");
        match Pin::new(raw).poll(cx) {
            Poll::Ready(out) => {
                self.raw = None;
                Poll::Ready(out.map_err(|_| JoinError { _private: () }))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if let Some(raw) = self.raw.take() {
            raw.detach();
        }
    }
}

/// Why a task produced no output: it was aborted (wasm components abort on
/// panic, so a task never ends in a caught panic).
///
/// ```no_run
/// # async fn f() {
/// let h = wasio::spawn(std::future::pending::<()>());
/// h.abort();
/// let err = h.await.unwrap_err();
/// assert!(err.is_cancelled());
/// # }
/// ```
pub struct JoinError {
    _private: (),
}

impl JoinError {
    /// True: the task was cancelled before it completed.
    ///
    /// ```no_run
    /// # fn f(e: wasio::JoinError) { assert!(e.is_cancelled()); }
    /// ```
    pub fn is_cancelled(&self) -> bool {
        true
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JoinError::Cancelled")
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task was cancelled")
    }
}

impl std::error::Error for JoinError {}

/// A collection of spawned tasks awaited in completion order, like
/// `tokio::task::JoinSet`. Dropping the set aborts every task in it.
///
/// ```no_run
/// # async fn f() {
/// let mut set = wasio::JoinSet::new();
/// for i in 0..10u32 {
///     set.spawn(async move { i * 2 });
/// }
/// let mut sum = 0;
/// while let Some(res) = set.join_next().await {
///     sum += res.unwrap();
/// }
/// assert_eq!(sum, 90);
/// # }
/// ```
pub struct JoinSet<T> {
    tasks: FuturesUnordered<JoinHandle<T>>,
}

impl<T: 'static> JoinSet<T> {
    /// An empty set.
    ///
    /// ```no_run
    /// let set: wasio::JoinSet<u32> = wasio::JoinSet::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> Self {
        JoinSet { tasks: FuturesUnordered::new() }
    }

    /// Spawns `future` into the set (see [`spawn`]) and returns an
    /// [`AbortHandle`] for it.
    ///
    /// ```no_run
    /// # async fn f() {
    /// let mut set = wasio::JoinSet::new();
    /// set.spawn(async { 1 });
    /// # }
    /// ```
    pub fn spawn<F>(&mut self, future: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        let handle = spawn(future);
        let abort = handle.abort_handle();
        self.tasks.push(handle);
        abort
    }

    /// Waits for the next task to finish; `None` when the set is empty.
    ///
    /// # Cancel safety
    /// Cancel safe: dropping the future loses no output; a task that
    /// finished stays in the set for the next call.
    ///
    /// ```no_run
    /// # async fn f(mut set: wasio::JoinSet<u32>) {
    /// while let Some(out) = set.join_next().await {
    ///     println!("{out:?}");
    /// }
    /// # }
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.tasks.next().await
    }

    /// Waits for every task, returning their outputs in completion order.
    ///
    /// ```no_run
    /// # async fn f(set: wasio::JoinSet<u32>) {
    /// let outputs = set.join_all().await;
    /// # }
    /// ```
    pub async fn join_all(mut self) -> Vec<Result<T, JoinError>> {
        let mut out = Vec::with_capacity(self.len());
        while let Some(r) = self.join_next().await {
            out.push(r);
        }
        out
    }

    /// Aborts every task in the set; they stay in it until joined.
    ///
    /// ```no_run
    /// # fn f(set: wasio::JoinSet<u32>) { set.abort_all(); }
    /// ```
    pub fn abort_all(&self) {
        for t in self.tasks.iter() {
            t.abort();
        }
    }

    /// Aborts every task and waits until all have stopped.
    ///
    /// ```no_run
    /// # async fn f(mut set: wasio::JoinSet<u32>) { set.shutdown().await; }
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Number of tasks in the set (finished but not yet joined included).
    ///
    /// ```no_run
    /// # async fn f() {
    /// let mut set = wasio::JoinSet::new();
    /// set.spawn(async { 1u32 });
    /// set.spawn(async { 2u32 });
    /// assert_eq!(set.len(), 2);
    /// set.join_next().await;
    /// assert_eq!(set.len(), 1);
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the set holds no tasks.
    ///
    /// ```no_run
    /// # async fn f() {
    /// let mut set = wasio::JoinSet::new();
    /// assert!(set.is_empty());
    /// set.spawn(async { 1u32 });
    /// set.join_all().await;
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

impl<T: 'static> Default for JoinSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.tasks.len()).finish()
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        for t in self.tasks.iter() {
            t.abort();
        }
    }
}

/// Yields to the executor once: other ready tasks run (and the host may
/// deliver events) before this task continues, like `tokio::task::yield_now`.
///
/// ```no_run
/// # async fn f() {
/// for _ in 0..3 {
///     wasio::yield_now().await;
/// }
/// # }
/// ```
pub async fn yield_now() {
    struct YieldNow(bool);
    impl Future for YieldNow {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
    YieldNow(false).await
}

/// Like [`block_on`], but also runs every task spawned meanwhile to its end
/// instead of cancelling it: a WASI 0.2 export call that stays alive while
/// its tasks run, as a WASI 0.3 export does.
#[cfg(feature = "p2")]
pub(crate) fn block_on_all(future: impl Future<Output = ()>) {
    let cm = CmTask::new();
    // SAFETY: the root task borrows from this stack frame; it is driven
    // to completion below, with every other task, before this frame ends.
    let (raw, _, id) = unsafe { cm.spawn_unchecked(future) };
    raw.detach();
    cm.set_root(id);
    cm.drive_until(|| cm.live_tasks() == 0);
}

/// Runs `future` to completion from synchronous code, blocking in
/// `waitable-set.wait` while it waits on the host.
///
/// Use it where synchronous code must call async code, e.g. a sync trait
/// method called from inside an async export. While it blocks, the rest of
/// the current Component Model task (the export's other tasks) pauses;
/// other export calls of the instance keep running. Tasks spawned inside
/// run on this call's own executor; those still running when `future`
/// completes are cancelled (dropped) before `block_on` returns, as when a
/// tokio runtime is dropped.
///
/// The Component Model only lets *async* tasks block: under Wasmtime 48/49
/// a `block_on` that has to wait inside a synchronously-lifted export
/// (before it returns) traps with "cannot block a synchronous task". Export
/// async functions instead.
///
/// ```no_run
/// fn sync_helper() -> u32 {
///     wasio::block_on(async { 6 * 7 })
/// }
/// # #[wasio::main] async fn main() { assert_eq!(sync_helper(), 42); }
/// ```
pub fn block_on<F: Future>(future: F) -> F::Output {
    executor::preserving_context(|| {
        let cm = CmTask::new();
        // SAFETY: the root task borrows from this stack frame; it is driven
        // to completion below before this frame ends, and its output is
        // taken here too.
        let (mut raw, _, id) = unsafe { cm.spawn_unchecked(future) };
        cm.set_root(id);
        cm.drive_until(|| raw.is_finished());
        // Cancel what is left and run the turns that drop it.
        cm.abort_spawned();
        cm.drive_until(|| cm.live_tasks() == 0);
        let waker = futures_util::task::noop_waker();
        match Pin::new(&mut raw).poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(Ok(out)) => out,
            _ => unreachable!("block_on's root task finished without output"),
        }
    })
}

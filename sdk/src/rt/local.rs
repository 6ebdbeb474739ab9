//! Task-local values ([`task_local!`](crate::task_local)): a value set for
//! the duration of a future ([`LocalKey::scope`]) and seen by every task
//! spawned while it runs, however deep, such as a request ID or a deadline.
//!
//! The values live in wasio's own task metadata, not in the Component
//! Model's `context.get`/`context.set` slots: those belong to a Component
//! Model task (one export call), while wasio runs many Rust tasks in one
//! such task and needs a value per Rust task. Each Rust task holds the
//! chain of values it was spawned under (one shared, immutable list) and
//! installs it while it is polled, so export calls that interleave in one
//! instance each see their own.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// One scoped value and the chain it was set under.
#[derive(Debug)]
pub(crate) struct Node {
    key: *const (),
    value: Box<dyn Any>,
    parent: Locals,
}

/// The values visible to a task: a shared list, newest first.
pub(crate) type Locals = Option<Rc<Node>>;

thread_local! {
    /// The values of the task being polled.
    static CURRENT: Cell<Locals> = const { Cell::new(None) };
    /// Whether any value was ever set: until then every task's list is
    /// empty, and spawning and polling skip it (a program that uses no
    /// task-locals pays one load per poll).
    static USED: Cell<bool> = const { Cell::new(false) };
}

/// The running task's values (what a task spawned now inherits).
pub(crate) fn current() -> Locals {
    if !USED.with(Cell::get) {
        return None;
    }
    CURRENT.with(|c| {
        let head = c.take();
        c.set(head.clone());
        head
    })
}

/// Whether any task-local value was ever set.
pub(crate) fn in_use() -> bool {
    USED.with(Cell::get)
}

/// Runs one poll of a task with its `locals` installed.
pub(crate) fn enter_task(locals: Locals, f: impl FnOnce()) {
    let outer = CURRENT.with(|c| c.replace(locals));
    f();
    // Dropped outside the thread-local access.
    let mine = CURRENT.with(|c| c.replace(outer));
    drop(mine);
}

/// Installs `locals` while `f` runs, then puts the previous ones back.
fn enter<R>(locals: &mut Locals, f: impl FnOnce() -> R) -> R {
    if !USED.with(Cell::get) {
        return f();
    }
    let outer = CURRENT.with(|c| c.replace(locals.take()));
    let out = f();
    *locals = CURRENT.with(|c| c.replace(outer));
    out
}

pin_project_lite::pin_project! {
    /// A task's future with the values it was spawned under.
    pub(crate) struct WithLocals<F> {
        locals: Locals,
        #[pin]
        future: F,
    }
}

impl<F> WithLocals<F> {
    pub(crate) fn new(locals: Locals, future: F) -> WithLocals<F> {
        WithLocals { locals, future }
    }
}

impl<F: Future> Future for WithLocals<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let future = this.future;
        enter(this.locals, || future.poll(cx))
    }
}

/// A key for a task-local value, declared with
/// [`task_local!`](crate::task_local), like `tokio::task::LocalKey`; unlike
/// tokio's, tasks spawned inside [`scope`](LocalKey::scope) inherit the
/// value.
///
/// ```no_run
/// wasio::task_local! {
///     static REQUEST_ID: u64;
/// }
///
/// # async fn f() {
/// REQUEST_ID
///     .scope(7, async {
///         let child = wasio::spawn(async { REQUEST_ID.get() });
///         assert_eq!(child.await.unwrap(), 7);
///     })
///     .await;
/// # }
/// ```
pub struct LocalKey<T: 'static> {
    // Not zero-sized, so every key has an address of its own.
    _id: u8,
    _marker: PhantomData<fn() -> T>,
}

impl<T: 'static> LocalKey<T> {
    #[doc(hidden)]
    pub const fn new() -> LocalKey<T> {
        LocalKey { _id: 0, _marker: PhantomData }
    }

    fn id(&'static self) -> *const () {
        (self as *const LocalKey<T>).cast()
    }

    /// Runs `future` with this key set to `value`; tasks spawned while it
    /// runs (and the tasks they spawn) see the value too.
    ///
    /// ```no_run
    /// wasio::task_local! { static USER: String; }
    /// # async fn f() {
    /// let name = USER.scope("ada".to_string(), async { USER.with(|u| u.clone()) }).await;
    /// assert_eq!(name, "ada");
    /// # }
    /// ```
    pub fn scope<F: Future>(&'static self, value: T, future: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture { inner: WithLocals::new(self.push(value), future), _value: PhantomData }
    }

    /// Runs `f` with this key set to `value` (no `await` inside).
    ///
    /// ```no_run
    /// wasio::task_local! { static DEPTH: u32; }
    /// let d = DEPTH.sync_scope(3, || DEPTH.get());
    /// assert_eq!(d, 3);
    /// ```
    pub fn sync_scope<R>(&'static self, value: T, f: impl FnOnce() -> R) -> R {
        enter(&mut self.push(value), f)
    }

    fn push(&'static self, value: T) -> Locals {
        USED.with(|u| u.set(true));
        Some(Rc::new(Node { key: self.id(), value: Box::new(value), parent: current() }))
    }

    /// Calls `f` with the value, or returns [`AccessError`] if no enclosing
    /// [`scope`](LocalKey::scope) set it.
    ///
    /// ```no_run
    /// wasio::task_local! { static REQUEST_ID: u64; }
    /// assert!(REQUEST_ID.try_with(|id| *id).is_err());
    /// ```
    pub fn try_with<R>(&'static self, f: impl FnOnce(&T) -> R) -> Result<R, AccessError> {
        let key = self.id();
        // A handle of its own: `f` may read other task-locals.
        let head = current();
        let mut node = head.as_deref();
        while let Some(n) = node {
            if n.key == key {
                // The key's type fixes the value's type.
                return n.value.downcast_ref::<T>().map(f).ok_or(AccessError(()));
            }
            node = n.parent.as_deref();
        }
        Err(AccessError(()))
    }

    /// Calls `f` with the value.
    ///
    /// # Panics
    /// If no enclosing [`scope`](LocalKey::scope) set it (as tokio's does);
    /// [`try_with`](LocalKey::try_with) returns an error instead.
    ///
    /// ```no_run
    /// wasio::task_local! { static REQUEST_ID: u64; }
    /// # async fn f() {
    /// REQUEST_ID.scope(1, async { REQUEST_ID.with(|id| assert_eq!(*id, 1)) }).await;
    /// # }
    /// ```
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        self.try_with(f).expect("task-local value read outside its scope (wasio::task_local!)")
    }

    /// A copy of the value.
    ///
    /// # Panics
    /// As [`with`](LocalKey::with).
    ///
    /// ```no_run
    /// wasio::task_local! { static REQUEST_ID: u64; }
    /// # async fn f() {
    /// let id = REQUEST_ID.scope(9, async { REQUEST_ID.get() }).await;
    /// # }
    /// ```
    pub fn get(&'static self) -> T
    where
        T: Clone,
    {
        self.with(T::clone)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalKey").finish_non_exhaustive()
    }
}

pin_project_lite::pin_project! {
    /// The future [`LocalKey::scope`] returns.
    ///
    /// ```no_run
    /// wasio::task_local! { static N: u8; }
    /// let fut: wasio::rt::TaskLocalFuture<u8, _> = N.scope(1, async {});
    /// ```
    pub struct TaskLocalFuture<T, F> {
        #[pin]
        inner: WithLocals<F>,
        // The value lives in the scope's list; `T` keeps its `Send` bound.
        _value: PhantomData<T>,
    }
}

impl<T, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().inner.poll(cx)
    }
}

impl<T, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture").finish_non_exhaustive()
    }
}

/// A task-local value was read outside any [`LocalKey::scope`] that set it.
///
/// ```no_run
/// wasio::task_local! { static N: u8; }
/// let err: wasio::rt::AccessError = N.try_with(|n| *n).unwrap_err();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessError(());

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task-local value not set: read outside its scope")
    }
}

impl std::error::Error for AccessError {}

// The scope's list is only touched by the thread that runs the component
// (see `rt::unthreaded`); the value and the future keep the user's bounds.
crate::rt::unthreaded::unthreaded_send_sync!([T: Send, F: Send] TaskLocalFuture<T, F>);

//! The executor: one [`CmTask`] per Component Model task, each with its own
//! run queue and waitable set, and Rust tasks (async-task cells) that always
//! run inside the Component Model task that owns them.
//!
//! With the `p2` feature (WASI 0.2) the same task layer runs on a
//! `wasi:io/poll` loop instead (`executor/p2.rs`): one `CmTask` per
//! `block_on`, and no waitable sets, wake streams or `wasip3_task` vtable.

#[cfg(not(feature = "p2"))]
use super::abi;
use async_task::{Builder, Runnable};
use futures_util::future::{AbortHandle, Abortable, Aborted};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
#[cfg(not(feature = "p2"))]
use std::ptr;
use std::rc::Rc;

#[cfg(not(feature = "p2"))]
mod p3;

#[cfg(feature = "p2")]
mod p2;
#[cfg(feature = "p2")]
pub(crate) use p2::{Registration, close_when_ready, pending_closes, ready, register_pollable, wait_until};

/// The Rust task cell type: output wrapped so an abort is visible.
pub(crate) type RawTask<T> = async_task::Task<Result<T, Aborted>, TaskMeta>;

/// Metadata of every Rust task: the Component Model task that runs it.
#[derive(Debug)]
pub(crate) struct TaskMeta {
    owner: Rc<CmTask>,
    /// The task-local values it was spawned under.
    locals: super::local::Locals,
    /// The `tracing` span it was spawned in (entered for each poll).
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

/// Polls a task once, with its task-local values installed.
pub(crate) fn run(runnable: Runnable<TaskMeta>) {
    #[cfg(feature = "tracing")]
    let _entered = runnable.metadata().span.clone().entered();
    if super::local::in_use() {
        let locals = runnable.metadata().locals.clone();
        super::local::enter_task(locals, || {
            runnable.run();
        });
    } else {
        runnable.run();
    }
}

/// The executor state of one Component Model task: an async-lifted export
/// call, or one `block_on`.
#[derive(Default)]
pub(crate) struct CmTask {
    /// Rust tasks ready to be polled.
    queue: RefCell<VecDeque<Runnable<TaskMeta>>>,
    /// Abort handles of the live Rust tasks owned by this Component Model
    /// task, by task id (a slot, reused once its task is gone). Each live
    /// task keeps the Component Model task alive.
    tasks: RefCell<TaskSlab>,
    /// The task started by the export itself (or by `block_on`).
    root: Cell<Option<u64>>,
    /// Waitable set, registered waitables and wake stream (WASI 0.3).
    #[cfg(not(feature = "p2"))]
    cm: p3::CmState,
}

impl std::fmt::Debug for CmTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CmTask").field("tasks", &self.tasks.borrow().len()).finish()
    }
}

thread_local! {
    /// The Component Model task whose turn is running, if any.
    static CURRENT: RefCell<Option<Rc<CmTask>>> = const { RefCell::new(None) };
}

/// The Component Model task whose turn is running.
pub(crate) fn current() -> Option<Rc<CmTask>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Runs `f` (which may block in `waitable-set.wait`, letting the host run
/// other Component Model tasks of this instance meanwhile) and then
/// reinstalls the caller's current task for wasio and for bindings, which
/// those other tasks' turns may have changed.
pub(crate) fn preserving_context<R>(f: impl FnOnce() -> R) -> R {
    let saved_current = current();
    #[cfg(feature = "p2")]
    let out = f();
    // SAFETY: reading the current pointer by swapping in null and putting
    // it straight back; nothing runs in between.
    #[cfg(not(feature = "p2"))]
    let saved_task = unsafe {
        let t = abi::wasip3_task_set(ptr::null_mut());
        abi::wasip3_task_set(t);
        t
    };
    #[cfg(not(feature = "p2"))]
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = saved_current);
    // SAFETY: `saved_task` was installed by a caller frame that is still
    // live (we are running inside it), so it is still valid.
    #[cfg(not(feature = "p2"))]
    unsafe {
        abi::wasip3_task_set(saved_task)
    };
    out
}

fn schedule(runnable: Runnable<TaskMeta>) {
    let owner = runnable.metadata().owner.clone();
    owner.queue.borrow_mut().push_back(runnable);
    #[cfg(not(feature = "p2"))]
    if owner.cm.sleeping.replace(false) {
        owner.signal();
    }
}

/// The live tasks of a Component Model task: a slab, so spawning and
/// finishing a task are O(1) and need no ordered map.
#[derive(Default)]
pub(crate) struct TaskSlab(slab::Slab<AbortHandle>);

impl TaskSlab {
    fn insert(&mut self, handle: AbortHandle) -> u64 {
        self.0.insert(handle) as u64
    }

    fn remove(&mut self, id: u64) {
        self.0.try_remove(id as usize);
    }

    #[cfg_attr(feature = "p2", allow(dead_code))]
    fn get(&self, id: u64) -> Option<&AbortHandle> {
        self.0.get(id as usize)
    }

    fn iter(&self) -> impl Iterator<Item = (u64, &AbortHandle)> {
        self.0.iter().map(|(i, h)| (i as u64, h))
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    #[cfg_attr(feature = "p2", allow(dead_code))]
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Removes a finished (or dropped) task from its owner's live set.
struct LiveGuard {
    owner: Rc<CmTask>,
    id: u64,
}

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.owner.tasks.borrow_mut().remove(self.id);
        // The slot may be reused: it no longer names the root.
        if self.owner.root.get() == Some(self.id) {
            self.owner.root.set(None);
        }
    }
}

impl CmTask {
    pub(crate) fn new() -> Rc<CmTask> {
        Rc::new(CmTask::default())
    }

    /// Spawns `future` as a Rust task owned by `self`.
    ///
    /// # Safety
    /// `future` (and its output) must stay valid until the task has completed
    /// or been dropped; for `'static` futures this always holds.
    pub(crate) unsafe fn spawn_unchecked<'a, F>(self: &Rc<Self>, future: F) -> (RawTask<F::Output>, AbortHandle, u64)
    where
        F: Future + 'a,
    {
        let (abort, registration) = AbortHandle::new_pair();
        let id = self.tasks.borrow_mut().insert(abort.clone());
        let guard = LiveGuard { owner: self.clone(), id };
        let future = async move {
            let _guard = guard;
            Abortable::new(future, registration).await
        };
        // The task sees the task-local values of its spawner (`rt::local`).
        let meta = TaskMeta {
            owner: self.clone(),
            locals: super::local::current(),
            #[cfg(feature = "tracing")]
            span: tracing::Span::current(),
        };
        // SAFETY: the future's validity is the caller's contract. The
        // schedule function and the wakers are not `Send`-checked here:
        // components run on a single thread, so wakers are never used from
        // another thread.
        let (runnable, task) = unsafe { Builder::new().metadata(meta).spawn_unchecked(move |_| future, schedule) };
        runnable.schedule();
        (task, abort, id)
    }

    /// Spawns a `'static` future as a Rust task owned by `self`.
    pub(crate) fn spawn<F>(self: &Rc<Self>, future: F) -> (RawTask<F::Output>, AbortHandle, u64)
    where
        F: Future + 'static,
    {
        // SAFETY: a `'static` future and output outlive any task.
        unsafe { self.spawn_unchecked(future) }
    }

    pub(crate) fn set_root(&self, id: u64) {
        self.root.set(Some(id));
    }

    /// Aborts every live task of this Component Model task except its root.
    pub(crate) fn abort_spawned(&self) {
        let root = self.root.get();
        let handles: Vec<AbortHandle> =
            self.tasks.borrow().iter().filter(|(id, _)| Some(*id) != root).map(|(_, h)| h.clone()).collect();
        for h in handles {
            h.abort();
        }
    }

    /// Number of live Rust tasks owned by this Component Model task.
    pub(crate) fn live_tasks(&self) -> usize {
        self.tasks.borrow().len()
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([] TaskMeta);

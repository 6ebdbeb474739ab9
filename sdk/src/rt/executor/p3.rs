//! The Component Model half of the executor (WASI 0.3): each `CmTask`'s
//! waitable set and wake stream, the callback turn (`turn`), blocking
//! `drive_until`, and the `wasip3_task` vtable with its `cabi_*` entry
//! points through which bindings register waitables. The WASI 0.2 half is
//! `p2.rs`; the task layer both share is `executor.rs`.

use super::{CURRENT, CmTask};
use crate::rt::abi::{self, CallbackCode, EVENT_CANCEL, EVENT_NONE};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::future::Future;
use std::pin::Pin;
use std::ptr;
use std::rc::Rc;
use wit_bindgen::{RawStreamReader, RawStreamWriter, StreamOps, UnitStreamOps};

/// How many Rust task polls one callback turn runs before it gives the host a
/// chance to deliver events (`waitable-set.poll`) or to run other tasks
/// (`yield`).
const POLL_BUDGET: u32 = 1024;

/// A waitable registered through the `wasip3_task` vtable.
struct Registered {
    callback: unsafe extern "C" fn(*mut c_void, u32),
    callback_ptr: *mut c_void,
}

/// The stream<unit> a sleeping Component Model task reads from so that a
/// waker fired from another Component Model task (or a `block_on`) can wake
/// it.
struct WakeStream {
    writer: RawStreamWriter<UnitStreamOps>,
    reader: RawStreamReader<UnitStreamOps>,
}

/// The Component Model state of one `CmTask` (its `cm` field).
#[derive(Default)]
pub(super) struct CmState {
    /// The waitable set, created on first use (0 = none yet).
    set: Cell<u32>,
    /// Waitables registered through the `wasip3_task` vtable, by handle.
    waitables: RefCell<BTreeMap<u32, Registered>>,
    /// True while the host holds this task in `wait` with the wake stream armed.
    pub(super) sleeping: Cell<bool>,
    wake: RefCell<Option<WakeStream>>,
    /// A read of `wake` is in flight (and joined to `set`).
    wake_reading: Cell<bool>,
}

impl CmTask {
    fn waitable_set(&self) -> u32 {
        if self.cm.set.get() == 0 {
            // SAFETY: creating a waitable set has no preconditions.
            self.cm.set.set(unsafe { abi::waitable_set_new() });
        }
        self.cm.set.get()
    }

    /// Runs `f` with `self` installed as the current task, both for wasio
    /// (`CURRENT`) and for bindings (`wasip3_task_set`).
    fn enter<R>(self: &Rc<Self>, f: impl FnOnce() -> R) -> R {
        struct Reset {
            prev_task: *mut abi::Wasip3Task,
            prev_current: Option<Rc<CmTask>>,
        }
        impl Drop for Reset {
            fn drop(&mut self) {
                // SAFETY: restores the pointer that was current before
                // `enter`, which its installer keeps valid for its own scope.
                unsafe { abi::wasip3_task_set(self.prev_task) };
                CURRENT.with(|c| *c.borrow_mut() = self.prev_current.take());
            }
        }
        let mut task = abi::Wasip3TaskV3 {
            v1: abi::Wasip3Task {
                version: abi::WASIP3_TASK_V3,
                ptr: Rc::as_ptr(self).cast_mut().cast(),
                waitable_register: VTABLE.v2.waitable_register,
                waitable_unregister: VTABLE.v2.waitable_unregister,
            },
            vtable: &VTABLE,
        };
        let task_ptr: *mut abi::Wasip3TaskV3 = &mut task;
        let prev_current = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        // SAFETY: `task` lives on this stack frame until `Reset` restores the
        // previous pointer below, so bindings only see it while it is valid.
        let prev_task = unsafe { abi::wasip3_task_set(task_ptr.cast()) };
        let _reset = Reset { prev_task, prev_current };
        f()
    }

    /// One callback turn: deliver `event`, run ready tasks, and tell the host
    /// what to do next.
    pub(crate) fn turn(self: &Rc<Self>, event: (u32, u32, u32)) -> CallbackCode {
        self.enter(|| {
            self.cm.sleeping.set(false);
            match event.0 {
                EVENT_NONE => {}
                EVENT_CANCEL => {
                    // The host cancelled the export: drop its root future.
                    // Tasks it spawned keep running, as they would had the
                    // export returned.
                    if let Some(root) = self.root.get()
                        && let Some(h) = self.tasks.borrow().get(root)
                    {
                        h.abort();
                    }
                }
                _ => self.deliver(event.1, event.2),
            }
            let mut polls = 0;
            loop {
                let next = self.queue.borrow_mut().pop_front();
                if let Some(runnable) = next {
                    super::run(runnable);
                    polls += 1;
                    if polls < POLL_BUDGET {
                        continue;
                    }
                }
                let queued = !self.queue.borrow().is_empty();
                if !queued && self.tasks.borrow().is_empty() {
                    // Don't stay alive just for the shared timer wait.
                    crate::rt::timer::hand_over(self);
                    if self.cm.waitables.borrow().is_empty() {
                        self.finish();
                        return CallbackCode::Exit;
                    }
                    // Only third-party waitables remain: wait for them.
                    return CallbackCode::Wait(self.waitable_set());
                }
                if queued {
                    // Pick up a ready host event without blocking, else let
                    // the host (and other tasks) run before continuing.
                    if self.cm.set.get() != 0 {
                        let (ev, waitable, code) = abi::wait_or_poll(self.cm.set.get(), false);
                        if ev != EVENT_NONE {
                            self.deliver(waitable, code);
                            polls = 0;
                            continue;
                        }
                    }
                    return CallbackCode::Yield;
                }
                // Nothing to run: sleep until a waitable fires or a waker
                // from elsewhere writes to the wake stream.
                if !self.arm_wake() {
                    continue;
                }
                self.cm.sleeping.set(true);
                return CallbackCode::Wait(self.waitable_set());
            }
        })
    }

    /// Delivers a completion `code` for `waitable`.
    fn deliver(&self, waitable: u32, code: u32) {
        // SAFETY: leaving every set is always allowed for a live waitable;
        // the host just reported an event for it.
        unsafe { abi::waitable_join(waitable, 0) };
        if self.cm.wake_reading.get() && self.cm.wake.borrow().as_ref().is_some_and(|w| w.reader.handle() == waitable) {
            self.cm.wake_reading.set(false);
            return;
        }
        let registered = self.cm.waitables.borrow_mut().remove(&waitable);
        if let Some(r) = registered {
            // SAFETY: the registrant promised `callback_ptr` stays valid until
            // its callback runs or it unregisters; it is still registered.
            unsafe { (r.callback)(r.callback_ptr, code) };
        }
    }

    /// Arms the wake stream read. Returns false if a wakeup is already
    /// pending (the caller should run its queue again instead of sleeping).
    fn arm_wake(&self) -> bool {
        if self.cm.wake_reading.get() {
            return true;
        }
        let mut wake = self.cm.wake.borrow_mut();
        let wake = wake.get_or_insert_with(|| {
            let (writer, reader) = UnitStreamOps::new();
            WakeStream { writer, reader }
        });
        let handle = wake.reader.handle();
        // SAFETY: a unit stream read transfers no bytes, so a null buffer is
        // valid; `handle` is our live readable end with no read in flight.
        let rc = unsafe { UnitStreamOps.start_read(handle, ptr::null_mut(), 1) };
        if rc != BLOCKED {
            // A wakeup was already written: nothing to wait for.
            return false;
        }
        // SAFETY: `handle` is live and the set belongs to this task.
        unsafe { abi::waitable_join(handle, self.waitable_set()) };
        self.cm.wake_reading.set(true);
        true
    }

    /// Wakes this task while the host holds it in `wait`.
    pub(super) fn signal(&self) {
        let wake = self.cm.wake.borrow();
        if let Some(wake) = wake.as_ref() {
            // SAFETY: a unit stream write transfers no bytes (null buffer is
            // fine) and `writer` is our live writable end. The sleeping task
            // has a read in flight, so the write completes at once.
            let rc = unsafe { UnitStreamOps.start_write(wake.writer.handle(), ptr::null(), 1) };
            if rc == BLOCKED {
                // No read was in flight after all; withdraw the write. The
                // task is not waiting on the wake stream then, so nothing is
                // lost: it runs its queue on its next turn.
                // SAFETY: our write is in flight on this live handle.
                unsafe { UnitStreamOps.cancel_write(wake.writer.handle()) };
            }
        }
    }

    /// Releases the waitable set and wake stream once nothing is left.
    fn finish(&self) {
        if let Some(wake) = self.cm.wake.borrow_mut().take() {
            if self.cm.wake_reading.replace(false) {
                let handle = wake.reader.handle();
                // SAFETY: leave the set before cancelling (cancelling a joined
                // read traps), then cancel our in-flight read on a live handle.
                unsafe {
                    abi::waitable_join(handle, 0);
                    UnitStreamOps.cancel_read(handle);
                }
            }
            drop(wake);
        }
        let set = self.cm.set.replace(0);
        if set != 0 {
            // SAFETY: every waitable has left the set (none registered, wake
            // stream removed above), so it may be dropped.
            unsafe { abi::waitable_set_drop(set) };
        }
    }

    fn register(
        &self,
        waitable: u32,
        callback: unsafe extern "C" fn(*mut c_void, u32),
        callback_ptr: *mut c_void,
    ) -> *mut c_void {
        // SAFETY: `waitable` is a live handle owned by the registrant.
        unsafe { abi::waitable_join(waitable, self.waitable_set()) };
        match self.cm.waitables.borrow_mut().insert(waitable, Registered { callback, callback_ptr }) {
            Some(prev) => prev.callback_ptr,
            None => ptr::null_mut(),
        }
    }

    fn unregister(&self, waitable: u32) -> *mut c_void {
        // SAFETY: `waitable` is a live handle owned by the caller.
        unsafe { abi::waitable_join(waitable, 0) };
        match self.cm.waitables.borrow_mut().remove(&waitable) {
            Some(prev) => prev.callback_ptr,
            None => ptr::null_mut(),
        }
    }

    /// Drives `self` synchronously until `done()` holds, blocking in
    /// `waitable-set.wait` whenever nothing is runnable.
    pub(crate) fn drive_until(self: &Rc<Self>, mut done: impl FnMut() -> bool) {
        let mut event = (EVENT_NONE, 0, 0);
        loop {
            let code = self.turn(event);
            if done() {
                return;
            }
            event = match code {
                CallbackCode::Exit => return,
                CallbackCode::Yield => {
                    // Let the host run (and make progress on what this task
                    // waits for, a clock wait included) before the next turn;
                    // without it, a task that keeps yielding would keep every
                    // host event out. The non-cancellable yield reports no
                    // cancellation.
                    wit_bindgen::yield_blocking();
                    (EVENT_NONE, 0, 0)
                }
                CallbackCode::Wait(set) => abi::wait_or_poll(set, true),
            };
        }
    }
}

const BLOCKED: u32 = 0xffff_ffff;

/// The `wasip3_task` vtable wasio installs for every turn.
static VTABLE: abi::Wasip3TaskVtableV3 = abi::Wasip3TaskVtableV3 {
    v2: abi::Wasip3TaskVtable {
        waitable_register: cabi_register,
        waitable_unregister: cabi_unregister,
        clone: cabi_clone,
        drop: cabi_drop,
    },
    rust_spawn: Some(cabi_rust_spawn),
};

/// # Safety
/// `ptr` must be a `CmTask` pointer handed out by `enter` or `cabi_clone`.
unsafe fn task_ref<'a>(ptr: *mut c_void) -> &'a CmTask {
    // SAFETY: per the contract, `ptr` points to a live `CmTask` (kept alive by
    // the turn that installed it or by a clone's strong count).
    unsafe { &*ptr.cast::<CmTask>() }
}

unsafe extern "C" fn cabi_register(
    ptr: *mut c_void,
    waitable: u32,
    callback: unsafe extern "C" fn(*mut c_void, u32),
    callback_ptr: *mut c_void,
) -> *mut c_void {
    // SAFETY: bindings pass back the `ptr` of the installed task.
    unsafe { task_ref(ptr) }.register(waitable, callback, callback_ptr)
}

unsafe extern "C" fn cabi_unregister(ptr: *mut c_void, waitable: u32) -> *mut c_void {
    // SAFETY: bindings pass back the `ptr` of the installed (or cloned) task.
    unsafe { task_ref(ptr) }.unregister(waitable)
}

unsafe extern "C" fn cabi_clone(ptr: *mut c_void) -> *mut c_void {
    // SAFETY: `ptr` came from `Rc::as_ptr` of a live `Rc<CmTask>`; the new
    // strong count is released by `cabi_drop`.
    unsafe { Rc::increment_strong_count(ptr.cast::<CmTask>().cast_const()) };
    ptr
}

unsafe extern "C" fn cabi_drop(ptr: *mut c_void) {
    // SAFETY: releases a count taken by `cabi_clone`.
    unsafe { Rc::decrement_strong_count(ptr.cast::<CmTask>().cast_const()) };
}

unsafe fn cabi_rust_spawn(ptr: *mut c_void, task: Box<dyn Future<Output = ()>>) {
    // SAFETY: `ptr` is a live `Rc<CmTask>` pointer (see `cabi_clone`); taking
    // a new strong count makes an owned `Rc` for the spawn.
    let owner = unsafe {
        Rc::increment_strong_count(ptr.cast::<CmTask>().cast_const());
        Rc::from_raw(ptr.cast::<CmTask>().cast_const())
    };
    let (raw, _, _) = owner.spawn(Pin::from(task));
    raw.detach();
}

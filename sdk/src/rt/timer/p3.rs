//! The timer wait on WASI 0.3: one `monotonic-clock.wait-until` subtask
//! for the earliest deadline, started by whichever task polls that timer,
//! so it joins that task's waitable set (see `rt::timer`).

use super::{TIMERS, count_wait, now, take_expired};
use crate::bindings::wasi::clocks::monotonic_clock;
use crate::rt::executor::{self, CmTask};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

/// The pending host wait.
struct Armed {
    deadline: u64,
    owner: *const CmTask,
    wait: Pin<Box<dyn Future<Output = ()>>>,
}

thread_local! {
    static ARMED: RefCell<Option<Armed>> = const { RefCell::new(None) };
}

/// A timer was removed: with none left the host wait is cancelled;
/// otherwise it is re-armed if nobody holds one for the earliest remaining
/// deadline (the task woken to re-arm may have found its own deadline
/// already passed).
pub(super) fn removed(none_left: bool) {
    if none_left {
        // Dropping the wait cancels the host call; done outside any borrow.
        let cancelled = ARMED.with(|a| a.borrow_mut().take());
        drop(cancelled);
    } else {
        arm();
    }
}

/// Makes sure a host wait is pending for the earliest deadline, started by
/// the current task. Must run inside a turn.
pub(super) fn arm() {
    let Some(cm) = executor::current() else { return };
    let Some(earliest) = TIMERS.with(|t| t.borrow().entries.keys().next().map(|k| k.0)) else { return };
    let stale = ARMED.with(|a| {
        let mut a = a.borrow_mut();
        match &*a {
            Some(armed) if armed.deadline <= earliest => None,
            _ => Some((earliest, a.take())),
        }
    });
    let Some((deadline, old)) = stale else { return };
    // Cancel the later wait before starting the earlier one: at most one
    // host wait is ever pending.
    drop(old);
    count_wait();
    let mut wait: Pin<Box<dyn Future<Output = ()>>> = Box::pin(monotonic_clock::wait_until(deadline));
    let waker = Waker::from(Arc::new(FireWaker));
    if wait.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
        fire();
        return;
    }
    ARMED.with(|a| *a.borrow_mut() = Some(Armed { deadline, owner: Rc::as_ptr(&cm), wait }));
}

/// Wakes every expired timer (in deadline order) and the task of the
/// earliest remaining one, which re-arms the host wait.
fn fire() {
    let done = ARMED.with(|a| a.borrow_mut().take());
    drop(done);
    let now = now();
    let wakers: Vec<Waker> = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        let mut wakers = take_expired(&mut t, now);
        if let Some(w) = t.entries.values().next() {
            wakers.push(w.clone());
        }
        wakers
    });
    for w in wakers {
        w.wake();
    }
}

/// The waker of the host wait: runs [`fire`] when the wait completes.
struct FireWaker;

impl Wake for FireWaker {
    fn wake(self: Arc<Self>) {
        // Completion is only delivered in the owner's turn; let the subtask
        // future observe it before it is dropped.
        let armed = ARMED.with(|a| a.borrow_mut().take());
        if let Some(mut a) = armed {
            let noop = futures_util::task::noop_waker();
            let _ = a.wait.as_mut().poll(&mut Context::from_waker(&noop));
        }
        fire();
    }
}

/// Called when Component Model task `cm` has no tasks left: if it holds the
/// host wait, cancel it and wake the earliest timer's task to re-arm it, so
/// `cm` can exit.
pub(crate) fn hand_over(cm: &CmTask) {
    let held = ARMED.with(|a| {
        let mut a = a.borrow_mut();
        if a.as_ref().is_some_and(|armed| std::ptr::eq(armed.owner, cm)) { a.take() } else { None }
    });
    if held.is_some() {
        drop(held);
        let first = TIMERS.with(|t| t.borrow().entries.values().next().cloned());
        if let Some(w) = first {
            w.wake();
        }
    }
}

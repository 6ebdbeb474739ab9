//! The timer driver: every pending timer of the instance in one ordered
//! map, and at most one host wait (`monotonic-clock.wait-until`) for the
//! earliest deadline.
//!
//! The wait is a subtask started by whichever task polls the earliest timer,
//! so it joins that task's waitable set. When it completes, expired timers
//! are woken in deadline order and the earliest remaining timer's task is
//! woken too, so it arms the next wait in its own Component Model task. A
//! Component Model task with nothing left to run hands the wait over the
//! same way instead of staying alive for it.
//!
//! With the `p2` feature the executor's poll loop does the waiting instead:
//! it adds one `subscribe-instant` pollable for [`earliest`] to each
//! `wasi:io/poll.poll` and calls [`fire_due`] afterwards.

#[cfg(not(feature = "p2"))]
use super::executor::{self, CmTask};
#[cfg(not(feature = "p2"))]
use crate::bindings::wasi::clocks::monotonic_clock;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
#[cfg(not(feature = "p2"))]
use std::future::Future;
#[cfg(not(feature = "p2"))]
use std::pin::Pin;
#[cfg(not(feature = "p2"))]
use std::rc::Rc;
#[cfg(not(feature = "p2"))]
use std::sync::Arc;
#[cfg(not(feature = "p2"))]
use std::task::Wake;
use std::task::{Context, Poll, Waker};
#[cfg(feature = "p2")]
use wasip2::clocks::monotonic_clock;

/// A timer's key: deadline (monotonic ns) and a unique id.
pub(crate) type TimerKey = (u64, u64);

#[cfg(not(feature = "p2"))]
struct Armed {
    deadline: u64,
    owner: *const CmTask,
    wait: Pin<Box<dyn Future<Output = ()>>>,
}

#[derive(Default)]
struct Timers {
    entries: BTreeMap<TimerKey, Waker>,
    next_id: u64,
    #[cfg(not(feature = "p2"))]
    armed: Option<Armed>,
}

thread_local! {
    static TIMERS: RefCell<Timers> = RefCell::default();
    /// Host waits started since the instance began (for diagnostics/tests).
    static WAITS_STARTED: Cell<u64> = const { Cell::new(0) };
}

/// Monotonic now, in nanoseconds.
pub(crate) fn now() -> u64 {
    monotonic_clock::now()
}

/// Registers (or refreshes the waker of) the timer `key`, or a new timer
/// for `deadline` when `key` is `None`. Returns its key.
pub(crate) fn register(key: Option<TimerKey>, deadline: u64, waker: &Waker) -> TimerKey {
    let key = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        let key = key.unwrap_or_else(|| {
            t.next_id += 1;
            (deadline, t.next_id)
        });
        match t.entries.get_mut(&key) {
            Some(w) if w.will_wake(waker) => {}
            Some(w) => *w = waker.clone(),
            None => {
                t.entries.insert(key, waker.clone());
            }
        }
        key
    });
    arm();
    key
}

/// Removes timer `key` (fired or dropped). With no timers left, the host
/// wait is cancelled; otherwise the wait is re-armed if nobody holds one
/// for the earliest remaining deadline (the task woken to re-arm may have
/// found its own deadline already passed).
pub(crate) fn deregister(key: TimerKey) {
    #[cfg(not(feature = "p2"))]
    {
        let (cancelled, others) = TIMERS.with(|t| {
            let mut t = t.borrow_mut();
            t.entries.remove(&key);
            if t.entries.is_empty() { (t.armed.take(), false) } else { (None, true) }
        });
        // Dropping the wait cancels the host call; done outside the borrow.
        drop(cancelled);
        if others {
            arm();
        }
    }
    #[cfg(feature = "p2")]
    TIMERS.with(|t| t.borrow_mut().entries.remove(&key));
}

/// The earliest pending deadline (the poll loop waits for it).
#[cfg(feature = "p2")]
pub(crate) fn earliest() -> Option<u64> {
    TIMERS.with(|t| t.borrow().entries.keys().next().map(|k| k.0))
}

/// Counts one host wait (a `subscribe-instant` pollable) for diagnostics.
#[cfg(feature = "p2")]
pub(crate) fn count_wait() {
    WAITS_STARTED.with(|w| w.set(w.get() + 1));
}

/// Wakes every expired timer, in deadline order.
#[cfg(feature = "p2")]
pub(crate) fn fire_due() {
    let expired = TIMERS.with(|t| take_expired(&mut t.borrow_mut(), now()));
    for w in expired {
        w.wake();
    }
}

/// Removes the timers due at `now` and returns their wakers, in deadline
/// order. Expired timers leave the map at once (their futures see the
/// deadline passed when polled), so they cannot re-arm an immediate wait.
fn take_expired(t: &mut Timers, now: u64) -> Vec<Waker> {
    let later = t.entries.split_off(&(now + 1, 0));
    std::mem::replace(&mut t.entries, later).into_values().collect()
}

/// Under `p2` the poll loop waits for the earliest deadline: nothing to arm.
#[cfg(feature = "p2")]
fn arm() {}

/// Makes sure a host wait is pending for the earliest deadline, started by
/// the current task. Must run inside a turn.
#[cfg(not(feature = "p2"))]
fn arm() {
    let Some(cm) = executor::current() else { return };
    let stale = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        let earliest = t.entries.keys().next()?.0;
        match &t.armed {
            Some(a) if a.deadline <= earliest => None,
            _ => Some((earliest, t.armed.take())),
        }
    });
    let Some((deadline, old)) = stale else { return };
    // Cancel the later wait before starting the earlier one: at most one
    // host wait is ever pending.
    drop(old);
    WAITS_STARTED.with(|w| w.set(w.get() + 1));
    let mut wait: Pin<Box<dyn Future<Output = ()>>> = Box::pin(monotonic_clock::wait_until(deadline));
    let waker = Waker::from(Arc::new(FireWaker));
    if wait.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
        fire();
        return;
    }
    TIMERS.with(|t| t.borrow_mut().armed = Some(Armed { deadline, owner: Rc::as_ptr(&cm), wait }));
}

/// Wakes every expired timer (in deadline order) and the task of the
/// earliest remaining one, which re-arms the host wait.
#[cfg(not(feature = "p2"))]
fn fire() {
    let done = TIMERS.with(|t| t.borrow_mut().armed.take());
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
#[cfg(not(feature = "p2"))]
struct FireWaker;

#[cfg(not(feature = "p2"))]
impl Wake for FireWaker {
    fn wake(self: Arc<Self>) {
        // Completion is only delivered in the owner's turn; let the subtask
        // future observe it before it is dropped.
        let armed = TIMERS.with(|t| t.borrow_mut().armed.take());
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
#[cfg(not(feature = "p2"))]
pub(crate) fn hand_over(cm: &CmTask) {
    let held = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        if t.armed.as_ref().is_some_and(|a| std::ptr::eq(a.owner, cm)) { t.armed.take() } else { None }
    });
    if held.is_some() {
        drop(held);
        let first = TIMERS.with(|t| t.borrow().entries.values().next().cloned());
        if let Some(w) = first {
            w.wake();
        }
    }
}

/// Number of `wait-until` host calls started by this instance so far.
pub(crate) fn waits_started() -> u64 {
    WAITS_STARTED.with(|w| w.get())
}

/// Number of timers currently registered.
pub(crate) fn pending_timers() -> usize {
    TIMERS.with(|t| t.borrow().entries.len())
}

/// A future that completes at monotonic time `deadline` (ns). Dropping it
/// removes its timer.
#[derive(Debug)]
pub(crate) struct Deadline {
    deadline: u64,
    key: Option<TimerKey>,
}

impl Deadline {
    pub(crate) fn new(deadline: u64) -> Deadline {
        Deadline { deadline, key: None }
    }

    pub(crate) fn deadline(&self) -> u64 {
        self.deadline
    }

    /// Moves the deadline (the timer is re-registered on the next poll).
    pub(crate) fn reset(&mut self, deadline: u64) {
        if let Some(key) = self.key.take() {
            deregister(key);
        }
        self.deadline = deadline;
    }

    pub(crate) fn poll_at(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if now() >= self.deadline {
            if let Some(key) = self.key.take() {
                deregister(key);
            }
            return Poll::Ready(());
        }
        self.key = Some(register(self.key, self.deadline, cx.waker()));
        Poll::Pending
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            deregister(key);
        }
    }
}

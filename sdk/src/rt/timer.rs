//! The timer driver: every pending timer of the instance in one ordered
//! map, and at most one host wait for the earliest deadline.
//!
//! On WASI 0.3 (`timer/p3.rs`) the wait is a `monotonic-clock.wait-until`
//! subtask started by whichever task polls the earliest timer, so it joins
//! that task's waitable set. When it completes, expired timers are woken in
//! deadline order and the earliest remaining timer's task is woken too, so
//! it arms the next wait in its own Component Model task. A Component Model
//! task with nothing left to run hands the wait over the same way instead
//! of staying alive for it.
//!
//! On WASI 0.2 (`timer/p2.rs`) the executor's poll loop does the waiting:
//! it adds one `subscribe-instant` pollable for `earliest` to each
//! `wasi:io/poll.poll` and calls `fire_due` afterwards.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::task::{Context, Poll, Waker};

#[cfg(feature = "p2")]
#[path = "timer/p2.rs"]
mod wait;
#[cfg(not(feature = "p2"))]
#[path = "timer/p3.rs"]
mod wait;
#[cfg(not(feature = "p2"))]
pub(crate) use wait::hand_over;
#[cfg(feature = "p2")]
pub(crate) use wait::{earliest, fire_due};

/// A timer's key: deadline (monotonic ns) and a unique id.
pub(crate) type TimerKey = (u64, u64);

#[derive(Default)]
struct Timers {
    entries: BTreeMap<TimerKey, Waker>,
    next_id: u64,
}

thread_local! {
    static TIMERS: RefCell<Timers> = RefCell::default();
    /// Host waits started since the instance began (for diagnostics/tests).
    static WAITS_STARTED: Cell<u64> = const { Cell::new(0) };
}

/// Monotonic now, in nanoseconds.
pub(crate) fn now() -> u64 {
    crate::sys::clock::mono_now()
}

/// Counts one host wait for diagnostics.
pub(crate) fn count_wait() {
    WAITS_STARTED.with(|w| w.set(w.get() + 1));
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
    wait::arm();
    key
}

/// Removes timer `key` (fired or dropped), and tells the host wait.
pub(crate) fn deregister(key: TimerKey) {
    let none_left = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        t.entries.remove(&key);
        t.entries.is_empty()
    });
    wait::removed(none_left);
}

/// Removes the timers due at `now` and returns their wakers, in deadline
/// order. Expired timers leave the map at once (their futures see the
/// deadline passed when polled), so they cannot re-arm an immediate wait.
fn take_expired(t: &mut Timers, now: u64) -> Vec<Waker> {
    let later = t.entries.split_off(&(now + 1, 0));
    std::mem::replace(&mut t.entries, later).into_values().collect()
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

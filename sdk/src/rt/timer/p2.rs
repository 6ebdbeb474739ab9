//! The timer wait on WASI 0.2: the executor's poll loop adds one
//! `subscribe-instant` pollable for [`earliest`] to each `wasi:io/poll.poll`
//! and calls [`fire_due`] afterwards (see `rt::timer`).

use super::{TIMERS, now, take_expired};

/// The poll loop waits for the earliest deadline: nothing to arm.
pub(super) fn arm() {}

/// Nothing to cancel either.
pub(super) fn removed(_none_left: bool) {}

/// The earliest pending deadline (the poll loop waits for it).
pub(crate) fn earliest() -> Option<u64> {
    TIMERS.with(|t| t.borrow().entries.keys().next().map(|k| k.0))
}

/// Wakes every expired timer, in deadline order.
pub(crate) fn fire_due() {
    let expired = TIMERS.with(|t| take_expired(&mut t.borrow_mut(), now()));
    for w in expired {
        w.wake();
    }
}

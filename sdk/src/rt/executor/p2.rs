//! The WASI 0.2 reactor: leaf futures register `wasi:io/poll` pollables
//! with the waker to wake; when no task is ready, the executor calls
//! `poll` on every registered pollable (plus one `subscribe-instant`
//! pollable for the earliest timer) and wakes the tasks whose pollables
//! are ready. While tasks stay ready (one yields in a loop, or copies a
//! file chunk by chunk), the host is checked without blocking every
//! [`BUDGET`] polls, so socket readiness and timers still get in.

use super::CmTask;
use crate::rt::timer;
use std::cell::RefCell;
use std::rc::Rc;
use std::task::Waker;
use wasip2::clocks::monotonic_clock;
use wasip2::io::poll::{Pollable, poll};

struct Entry {
    pollable: Pollable,
    waker: Waker,
    /// Ready already reported: left out of later `poll` calls until its
    /// owner replaces or drops the registration.
    fired: bool,
}

/// The registered pollables, by [`Registration`] index.
type Registry = slab::Slab<Entry>;

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::default();
    static CLOSING: RefCell<Vec<Closing>> = const { RefCell::new(Vec::new()) };
}

/// A handle whose drop would block in the host until its pollable is ready:
/// kept until then (see [`close_when_ready`]).
struct Closing {
    pollable: Pollable,
    _owned: Box<dyn std::any::Any>,
}

/// Drops `owned` once `pollable` (subscribed to it) is ready, without
/// blocking the guest meanwhile.
///
/// Some WASI 0.2 drops wait in the host: Wasmtime's TCP `output-stream`
/// drop waits until every byte already written has reached the kernel, so
/// dropping it while a peer does not read would stall every task of the
/// instance. Such a handle goes here instead: the executor's poll loop
/// looks at its pollable along with the tasks' and drops it once the host
/// has finished (the peer read, or the connection failed). These waits keep
/// no task alive and never count as work for the deadlock check.
pub(crate) fn close_when_ready(pollable: Pollable, owned: Box<dyn std::any::Any>) {
    if pollable.ready() {
        drop(pollable);
        drop(owned);
        return;
    }
    CLOSING.with(|c| c.borrow_mut().push(Closing { pollable, _owned: owned }));
}

/// How many handles wait in [`close_when_ready`] for the host.
pub(crate) fn pending_closes() -> usize {
    CLOSING.with(|c| c.borrow().len())
}

/// A registered pollable; dropping it drops the pollable (before the
/// resource it was subscribed to, if the owner declares it first).
#[derive(Debug)]
pub(crate) struct Registration(usize);

/// Registers `pollable`: `waker` is woken once it is ready.
pub(crate) fn register_pollable(pollable: Pollable, waker: &Waker) -> Registration {
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        Registration(r.insert(Entry { pollable, waker: waker.clone(), fired: false }))
    })
}

impl Drop for Registration {
    fn drop(&mut self) {
        let entry = REGISTRY.with(|r| {
            let mut r = r.borrow_mut();
            r.try_remove(self.0)
        });
        // The pollable is dropped outside the borrow.
        drop(entry);
    }
}

impl Registration {
    /// Unregisters, giving the pollable back.
    fn into_pollable(self) -> Option<Pollable> {
        let entry = REGISTRY.with(|r| {
            let mut r = r.borrow_mut();
            r.try_remove(self.0)
        });
        // The slot is free already.
        std::mem::forget(self);
        entry.map(|e| e.pollable)
    }
}

/// Waits until `pollable` is ready (or the task is woken for another
/// reason: callers check again) and gives it back for the next wait. A
/// ready pollable costs one host call (`ready`) and no `poll`. If this
/// future is dropped, the pollable is dropped with it.
pub(crate) async fn ready(pollable: Pollable) -> Pollable {
    if pollable.ready() {
        return pollable;
    }
    let mut pollable = Some(pollable);
    let mut waiting: Option<Registration> = None;
    std::future::poll_fn(|cx| match pollable.take() {
        Some(p) => {
            waiting = Some(register_pollable(p, cx.waker()));
            std::task::Poll::Pending
        }
        None => std::task::Poll::Ready(waiting.take().and_then(Registration::into_pollable)),
    })
    .await
    .expect("a registered pollable is in the registry until it is taken back")
}

/// Waits until `op` gives a value: `op` is tried again each time a fresh
/// pollable from `subscribe` fires. The pollable is dropped when this future
/// completes or is dropped, before the resource `subscribe` borrows from
/// (which outlives the future).
pub(crate) async fn wait_until<T>(subscribe: impl Fn() -> Pollable, mut op: impl FnMut() -> Option<T>) -> T {
    let mut waiting: Option<Registration> = None;
    std::future::poll_fn(|cx| {
        let got = op();
        waiting = None;
        match got {
            Some(v) => std::task::Poll::Ready(v),
            None => {
                waiting = Some(register_pollable(subscribe(), cx.waker()));
                std::task::Poll::Pending
            }
        }
    })
    .await
}

/// Task polls between two looks at the host while tasks stay ready.
const BUDGET: usize = 64;

/// Blocks in `wasi:io/poll.poll` until a registered pollable or the
/// earliest timer is ready, then wakes their tasks. Returns false if there
/// is nothing to wait for. With `block` false, only wakes what is ready
/// now (a zero-length clock wait ends the `poll` at once).
fn wait(block: bool) -> bool {
    let timer_pollable = if block {
        timer::earliest().map(|d| {
            timer::count_wait();
            monotonic_clock::subscribe_instant(d)
        })
    } else {
        Some(monotonic_clock::subscribe_duration(0))
    };
    let (woken, finished): (Vec<Waker>, Vec<Closing>) = REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        let mut index = Vec::new();
        let mut list: Vec<&Pollable> = Vec::new();
        for (i, e) in r.iter() {
            if !e.fired {
                index.push(i);
                list.push(&e.pollable);
            }
        }
        if let Some(p) = &timer_pollable {
            list.push(p);
        }
        if list.is_empty() {
            return (Vec::new(), Vec::new());
        }
        // Handles waiting to be closed are polled after the tasks' pollables.
        let tasks = list.len();
        let ready = CLOSING.with(|c| {
            let closing = c.borrow();
            if closing.is_empty() {
                return poll(&list);
            }
            let all: Vec<&Pollable> = list.iter().copied().chain(closing.iter().map(|e| &e.pollable)).collect();
            poll(&all)
        });
        let mut woken = Vec::new();
        let mut done = Vec::new();
        for k in ready {
            let k = k as usize;
            if k >= tasks {
                done.push(k - tasks);
            } else if let Some(&i) = index.get(k)
                && let Some(e) = r.get_mut(i)
            {
                e.fired = true;
                woken.push(e.waker.clone());
            }
        }
        // Highest index first, so `swap_remove` leaves the others in place.
        done.sort_unstable();
        let finished = CLOSING.with(|c| {
            let mut closing = c.borrow_mut();
            done.into_iter().rev().map(|i| closing.swap_remove(i)).collect()
        });
        (woken, finished)
    });
    let waited = !woken.is_empty() || !finished.is_empty() || timer_pollable.is_some();
    // The finished handles are dropped outside both borrows.
    drop(finished);
    drop(timer_pollable);
    timer::fire_due();
    for w in woken {
        w.wake();
    }
    waited
}

impl CmTask {
    /// Runs `self`'s tasks until `done()` holds, polling the host whenever
    /// none is ready.
    ///
    /// # Panics
    /// If no task is ready and nothing (no pollable, no timer) could ever
    /// make one ready: the program would hang forever.
    pub(crate) fn drive_until(self: &Rc<Self>, mut done: impl FnMut() -> bool) {
        loop {
            self.run_ready();
            if done() {
                return;
            }
            if !self.queue.borrow().is_empty() {
                // Tasks are still ready after a full budget: let host
                // events in without waiting for any.
                wait(false);
                continue;
            }
            assert!(wait(true), "wasio: every task is waiting and nothing can wake any of them (deadlock)");
        }
    }

    /// Polls the ready tasks (with `self` as the current task) until the
    /// queue is empty or [`BUDGET`] polls are done.
    fn run_ready(self: &Rc<Self>) {
        let prev = super::CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        for _ in 0..BUDGET {
            let next = self.queue.borrow_mut().pop_front();
            match next {
                Some(runnable) => {
                    super::run(runnable);
                }
                None => break,
            }
        }
        super::CURRENT.with(|c| *c.borrow_mut() = prev);
    }
}

//! Clocks and timers (`wasi:clocks`), with tokio's names: [`Instant`],
//! [`SystemTime`], [`sleep`], [`sleep_until`], [`timeout`], [`interval`].
//!
//! However many timers are pending, the instance keeps one host wait
//! (`monotonic-clock.wait-until`) for the earliest deadline. Dropping a
//! timer removes it; a dropped timer never wakes anyone.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! # async fn f() {
//! let start = wasio::time::Instant::now();
//! wasio::time::sleep(Duration::from_millis(10)).await;
//! assert!(start.elapsed() >= Duration::from_millis(10));
//!
//! let slow = wasio::time::sleep(Duration::from_secs(60));
//! assert!(wasio::time::timeout(Duration::from_millis(5), slow).await.is_err());
//! # }
//! ```

use crate::rt::timer::{self, Deadline};
use futures_core::Stream;
use std::fmt;
use std::future::Future;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use crate::sys::clock;

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A reading of the monotonic clock (`wasi:clocks/monotonic-clock`), like
/// `std::time::Instant`.
///
/// ```no_run
/// let t = wasio::time::Instant::now();
/// let later = t + std::time::Duration::from_secs(1);
/// assert!(later > t);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

impl Instant {
    /// The current reading of the monotonic clock.
    ///
    /// ```no_run
    /// let now = wasio::time::Instant::now();
    /// ```
    pub fn now() -> Instant {
        Instant(clock::mono_now())
    }

    /// Time passed since `self` (zero if `self` is in the future).
    ///
    /// ```no_run
    /// let t = wasio::time::Instant::now();
    /// println!("{:?}", t.elapsed());
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// `self - earlier`, or zero if `earlier` is later.
    ///
    /// ```no_run
    /// let a = wasio::time::Instant::now();
    /// let b = wasio::time::Instant::now();
    /// assert_eq!(a.saturating_duration_since(b), std::time::Duration::ZERO);
    /// ```
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }

    /// `self - earlier`, or `None` if `earlier` is later.
    ///
    /// ```no_run
    /// let a = wasio::time::Instant::now();
    /// assert!(a.checked_duration_since(a).is_some());
    /// ```
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.0.checked_sub(earlier.0).map(Duration::from_nanos)
    }

    /// `self - earlier` (zero if `earlier` is later, as std does now).
    ///
    /// ```no_run
    /// let a = wasio::time::Instant::now();
    /// let d = wasio::time::Instant::now().duration_since(a);
    /// ```
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }

    /// `self + d`, or `None` on overflow.
    ///
    /// ```no_run
    /// let t = wasio::time::Instant::now();
    /// assert!(t.checked_add(std::time::Duration::from_secs(1)).is_some());
    /// ```
    pub fn checked_add(&self, d: Duration) -> Option<Instant> {
        u64::try_from(d.as_nanos()).ok().and_then(|n| self.0.checked_add(n)).map(Instant)
    }

    /// `self - d`, or `None` on underflow.
    ///
    /// ```no_run
    /// let t = wasio::time::Instant::now();
    /// let _ = t.checked_sub(std::time::Duration::from_secs(1));
    /// ```
    pub fn checked_sub(&self, d: Duration) -> Option<Instant> {
        u64::try_from(d.as_nanos()).ok().and_then(|n| self.0.checked_sub(n)).map(Instant)
    }

    /// The monotonic clock's resolution.
    ///
    /// ```no_run
    /// println!("{:?}", wasio::time::Instant::resolution());
    /// ```
    pub fn resolution() -> Duration {
        Duration::from_nanos(clock::mono_resolution())
    }

    /// The raw WASI reading (nanoseconds from an arbitrary origin).
    ///
    /// ```no_run
    /// let ns: u64 = wasio::time::Instant::now().as_nanos();
    /// ```
    pub fn as_nanos(&self) -> u64 {
        self.0
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instant({}ns)", self.0)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// # Panics
    /// On overflow, like `std::time::Instant`.
    fn add(self, d: Duration) -> Instant {
        self.checked_add(d).expect("overflow when adding duration to instant")
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    /// # Panics
    /// On underflow, like `std::time::Instant`.
    fn sub(self, d: Duration) -> Instant {
        self.checked_sub(d).expect("overflow when subtracting duration from instant")
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, d: Duration) {
        *self = *self - d;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

/// A reading of the wall clock (`wasi:clocks/system-clock`), convertible to
/// `std::time::SystemTime`.
///
/// ```no_run
/// let now: std::time::SystemTime = wasio::time::SystemTime::now().into();
/// let secs = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct SystemTime {
    seconds: i64,
    nanoseconds: u32,
}

impl SystemTime {
    /// 1970-01-01 00:00:00 UTC.
    pub const UNIX_EPOCH: SystemTime = SystemTime { seconds: 0, nanoseconds: 0 };

    /// The current wall-clock time.
    ///
    /// ```no_run
    /// let t = wasio::time::SystemTime::now();
    /// ```
    pub fn now() -> SystemTime {
        let (seconds, nanoseconds) = clock::wall_now();
        SystemTime { seconds, nanoseconds }
    }

    /// Time since `earlier`, or `Err` with the difference if `earlier` is
    /// later.
    ///
    /// ```no_run
    /// use wasio::time::SystemTime;
    /// let since = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap();
    /// ```
    pub fn duration_since(&self, earlier: SystemTime) -> Result<Duration, Duration> {
        let a = i128::from(self.seconds) * 1_000_000_000 + i128::from(self.nanoseconds);
        let b = i128::from(earlier.seconds) * 1_000_000_000 + i128::from(earlier.nanoseconds);
        let diff = a - b;
        let mag = diff.unsigned_abs();
        let d = Duration::new((mag / 1_000_000_000) as u64, (mag % 1_000_000_000) as u32);
        if diff >= 0 { Ok(d) } else { Err(d) }
    }

    /// Seconds and nanoseconds since the Unix epoch (seconds may be
    /// negative).
    ///
    /// ```no_run
    /// let (secs, nanos) = wasio::time::SystemTime::now().unix_parts();
    /// ```
    pub fn unix_parts(&self) -> (i64, u32) {
        (self.seconds, self.nanoseconds)
    }

    /// The wall clock's resolution.
    ///
    /// ```no_run
    /// println!("{:?}", wasio::time::SystemTime::resolution());
    /// ```
    pub fn resolution() -> Duration {
        Duration::from_nanos(clock::wall_resolution())
    }
}

impl From<SystemTime> for std::time::SystemTime {
    fn from(t: SystemTime) -> std::time::SystemTime {
        match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => std::time::UNIX_EPOCH + d,
            Err(d) => std::time::UNIX_EPOCH - d,
        }
    }
}

/// Future returned by [`sleep`] and [`sleep_until`].
///
/// ```no_run
/// # async fn f() {
/// let mut s = wasio::time::sleep(std::time::Duration::from_millis(5));
/// s.reset(wasio::time::Instant::now() + std::time::Duration::from_millis(1));
/// s.await;
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    deadline: Deadline,
}

impl Sleep {
    /// When this sleep completes.
    ///
    /// ```no_run
    /// let s = wasio::time::sleep(std::time::Duration::from_secs(1));
    /// println!("{:?}", s.deadline());
    /// ```
    pub fn deadline(&self) -> Instant {
        Instant(self.deadline.deadline())
    }

    /// Moves the deadline; the sleep can be awaited again.
    ///
    /// ```no_run
    /// let mut s = wasio::time::sleep(std::time::Duration::from_secs(1));
    /// s.reset(wasio::time::Instant::now());
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.deadline.reset(deadline.0);
    }

    /// Whether the deadline has passed.
    ///
    /// ```no_run
    /// let s = wasio::time::sleep(std::time::Duration::ZERO);
    /// assert!(s.is_elapsed());
    /// ```
    pub fn is_elapsed(&self) -> bool {
        timer::now() >= self.deadline.deadline()
    }
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.deadline.poll_at(cx)
    }
}

/// Waits until `duration` has passed.
///
/// # Cancel safety
/// Cancel safe: dropping the [`Sleep`] removes its timer; nothing else
/// changes. To keep one deadline across `select!` rounds, pin the `Sleep`
/// and poll it by reference.
///
/// ```no_run
/// # async fn f() {
/// wasio::time::sleep(std::time::Duration::from_millis(100)).await;
/// # }
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep { deadline: Deadline::new(timer::now().saturating_add(nanos(duration))) }
}

/// Waits until `deadline`.
///
/// ```no_run
/// # async fn f() {
/// let at = wasio::time::Instant::now() + std::time::Duration::from_millis(100);
/// wasio::time::sleep_until(at).await;
/// # }
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { deadline: Deadline::new(deadline.0) }
}

/// The error of [`timeout`]: the deadline passed first.
///
/// ```no_run
/// # async fn f() {
/// let r = wasio::time::timeout(std::time::Duration::ZERO, std::future::pending::<()>()).await;
/// let err: wasio::time::Elapsed = r.unwrap_err();
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(e: Elapsed) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, e)
    }
}

pin_project_lite::pin_project! {
    /// Future returned by [`timeout`] and [`timeout_at`].
    ///
    /// ```no_run
    /// # async fn f() {
    /// let t = wasio::time::timeout(std::time::Duration::from_secs(1), async { 5 });
    /// assert_eq!(t.await, Ok(5));
    /// # }
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless awaited"]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        sleep: Sleep,
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(v) = this.future.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        ready!(Pin::new(this.sleep).poll(cx));
        Poll::Ready(Err(Elapsed(())))
    }
}

/// Runs `future` for at most `duration`: `Err(Elapsed)` if the time runs
/// out first, in which case `future` is dropped (cancelling its host
/// operations).
///
/// ```no_run
/// # async fn f() {
/// use std::time::Duration;
/// let r = wasio::time::timeout(Duration::from_millis(10), wasio::time::sleep(Duration::from_secs(5))).await;
/// assert!(r.is_err());
/// # }
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout { future, sleep: sleep(duration) }
}

/// Like [`timeout`] with an absolute deadline.
///
/// ```no_run
/// # async fn f() {
/// let at = wasio::time::Instant::now() + std::time::Duration::from_secs(1);
/// let _ = wasio::time::timeout_at(at, async {}).await;
/// # }
/// ```
pub fn timeout_at<F: Future>(deadline: Instant, future: F) -> Timeout<F> {
    Timeout { future, sleep: sleep_until(deadline) }
}

/// What an [`Interval`] does when ticks were missed (tokio's
/// `MissedTickBehavior`).
///
/// ```no_run
/// let mut iv = wasio::time::interval(std::time::Duration::from_millis(10));
/// iv.set_missed_tick_behavior(wasio::time::MissedTickBehavior::Delay);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks back to back until caught up (the default).
    #[default]
    Burst,
    /// Restart the schedule from the late tick: next tick one period after
    /// it fired.
    Delay,
    /// Skip the missed ticks: next tick at the next multiple of the period
    /// on the original schedule.
    Skip,
}

/// Ticks every `period`, like `tokio::time::Interval`: the first tick
/// completes immediately.
///
/// ```no_run
/// # async fn f() {
/// let mut iv = wasio::time::interval(std::time::Duration::from_millis(10));
/// for _ in 0..3 {
///     iv.tick().await;
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Interval {
    period: u64,
    next: Deadline,
    behavior: MissedTickBehavior,
}

/// An [`Interval`] whose first tick is now.
///
/// # Panics
/// If `period` is zero (as tokio does).
///
/// ```no_run
/// let iv = wasio::time::interval(std::time::Duration::from_secs(1));
/// ```
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// An [`Interval`] whose first tick is at `start`.
///
/// # Panics
/// If `period` is zero.
///
/// ```no_run
/// let start = wasio::time::Instant::now();
/// let iv = wasio::time::interval_at(start, std::time::Duration::from_secs(1));
/// ```
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(!period.is_zero(), "`period` must be non-zero");
    Interval { period: nanos(period), next: Deadline::new(start.0), behavior: MissedTickBehavior::Burst }
}

impl Interval {
    /// Waits for the next tick and returns when it was scheduled.
    ///
    /// # Cancel safety
    /// Cancel safe: the schedule only moves when a tick is returned, so a
    /// dropped `tick()` skips nothing.
    ///
    /// ```no_run
    /// # async fn f(mut iv: wasio::time::Interval) {
    /// let at = iv.tick().await;
    /// # }
    /// ```
    pub async fn tick(&mut self) -> Instant {
        std::future::poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Poll form of [`tick`](Self::tick).
    ///
    /// ```no_run
    /// # fn f(iv: &mut wasio::time::Interval, cx: &mut std::task::Context<'_>) {
    /// let _ = iv.poll_tick(cx);
    /// # }
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.next.poll_at(cx));
        let scheduled = self.next.deadline();
        let now = timer::now();
        let next = match self.behavior {
            MissedTickBehavior::Burst => scheduled.saturating_add(self.period),
            MissedTickBehavior::Delay => now.saturating_add(self.period),
            MissedTickBehavior::Skip => {
                let missed = (now - scheduled) / self.period + 1;
                scheduled.saturating_add(missed.saturating_mul(self.period))
            }
        };
        self.next.reset(next);
        Poll::Ready(Instant(scheduled))
    }

    /// Sets what happens when ticks are missed.
    ///
    /// ```no_run
    /// # fn f(iv: &mut wasio::time::Interval) {
    /// iv.set_missed_tick_behavior(wasio::time::MissedTickBehavior::Skip);
    /// # }
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.behavior = behavior;
    }

    /// The missed-tick behaviour in use.
    ///
    /// ```no_run
    /// # fn f(iv: &wasio::time::Interval) {
    /// let b = iv.missed_tick_behavior();
    /// # }
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.behavior
    }

    /// The period.
    ///
    /// ```no_run
    /// # fn f(iv: &wasio::time::Interval) {
    /// let p = iv.period();
    /// # }
    /// ```
    pub fn period(&self) -> Duration {
        Duration::from_nanos(self.period)
    }

    /// Restarts the schedule: the next tick is one period from now.
    ///
    /// ```no_run
    /// # fn f(iv: &mut wasio::time::Interval) {
    /// iv.reset();
    /// # }
    /// ```
    pub fn reset(&mut self) {
        self.next.reset(timer::now().saturating_add(self.period));
    }
}

impl Stream for Interval {
    type Item = Instant;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.poll_tick(cx).map(Some)
    }
}

/// Timer statistics of this instance, for tests and diagnostics.
///
/// ```no_run
/// let stats = wasio::time::stats();
/// println!("{} timers pending, {} host waits so far", stats.pending_timers, stats.host_waits_started);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerStats {
    /// Timers registered and not yet fired or dropped.
    pub pending_timers: usize,
    /// `monotonic-clock.wait-until` calls started since the instance began.
    pub host_waits_started: u64,
}

/// Current [`TimerStats`].
///
/// ```no_run
/// assert_eq!(wasio::time::stats().pending_timers, 0);
/// ```
pub fn stats() -> TimerStats {
    TimerStats { pending_timers: timer::pending_timers(), host_waits_started: timer::waits_started() }
}

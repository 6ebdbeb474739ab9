//! Guest-side tests of `wasio::time`, run with
//! `cargo test --target wasm32-wasip2 -p wasio` on Wasmtime.

use std::time::Duration;
use wasio::time::{Instant, MissedTickBehavior, SystemTime, interval, sleep, sleep_until, timeout};

#[wasio::test]
async fn sleep_waits_at_least_its_duration() {
    let start = Instant::now();
    sleep(Duration::from_millis(20)).await;
    assert!(start.elapsed() >= Duration::from_millis(20));
}

#[wasio::test]
async fn sleep_until_the_past_is_ready_at_once() {
    let start = Instant::now();
    sleep_until(start).await;
    assert!(sleep(Duration::ZERO).is_elapsed());
    assert_eq!(wasio::time::stats().pending_timers, 0);
}

#[wasio::test]
async fn timeout_elapses_and_passes_through() -> Result<(), wasio::time::Elapsed> {
    let slow = timeout(Duration::from_millis(10), sleep(Duration::from_secs(10))).await;
    assert!(slow.is_err());
    assert_eq!(wasio::time::stats().pending_timers, 0, "the dropped sleep left no timer");
    let fast = timeout(Duration::from_secs(10), async { 7 }).await?;
    assert_eq!(fast, 7);
    Ok(())
}

#[wasio::test]
async fn interval_burst_keeps_the_schedule() {
    let start = Instant::now();
    let mut iv = wasio::time::interval_at(start, Duration::from_millis(10));
    assert_eq!(iv.missed_tick_behavior(), MissedTickBehavior::Burst);
    for i in 0..4u64 {
        let at = iv.tick().await;
        assert_eq!(at - start, Duration::from_millis(10 * i));
    }
}

#[wasio::test]
async fn interval_stream_yields_ticks() {
    use futures_util::StreamExt;
    let ticks: Vec<Instant> = interval(Duration::from_millis(5)).take(3).collect().await;
    assert_eq!(ticks.len(), 3);
    assert!(ticks.windows(2).all(|w| w[1] - w[0] == Duration::from_millis(5)));
}

#[wasio::test]
async fn system_time_converts_to_std() {
    let now: std::time::SystemTime = SystemTime::now().into();
    let secs = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(secs > 1_577_836_800, "after 2020");
    assert!(SystemTime::resolution() > Duration::ZERO);
    assert!(Instant::resolution() > Duration::ZERO);
    let e = SystemTime::UNIX_EPOCH;
    assert_eq!(SystemTime::now().duration_since(e).unwrap().as_secs(), secs);
}

#[wasio::test]
async fn many_sleeps_share_one_host_wait() {
    let before = wasio::time::stats().host_waits_started;
    // All deadlines are 300 ms out, so every sleep registers before any fires.
    let base = Instant::now() + Duration::from_millis(300);
    let mut set = wasio::JoinSet::new();
    for i in 0..1000u64 {
        set.spawn(async move { sleep_until(base + Duration::from_millis(i % 7)).await });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    let waits = wasio::time::stats().host_waits_started - before;
    assert!(waits <= 20, "1000 sleeps over 7 deadlines took {waits} host waits");
}

//! Timers on the embedded host, whose `monotonic-clock.wait-until` is
//! wrapped to count the guest's pending host waits.

use std::sync::atomic::Ordering;
use std::time::Duration;
use wasio_tests::{assert_no_leaks, export_func, instantiate};
use wasmtime::component::Val;
use wasmtime_wasi::WasiCtxBuilder;

const TASKS: &str = "testing:wasio/tasks";
const LIMIT: Duration = Duration::from_secs(120);

async fn call(
    name: &str,
    args: &[Val],
    results: usize,
) -> anyhow::Result<(Vec<Val>, std::sync::Arc<wasio_tests::Probe>)> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let f = export_func(&mut store, &instance, TASKS, name)?;
    let probe = store.data().probe.clone();
    let mut out = vec![Val::Bool(false); results];
    tokio::time::timeout(LIMIT, store.run_concurrent(async |a| f.call_concurrent(a, args, &mut out).await)).await???;
    assert_no_leaks(&mut store, baseline).await?;
    Ok((out, probe))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_sleeps_fire_in_deadline_order_on_one_host_wait() -> anyhow::Result<()> {
    let n = 10_000u32;
    let (out, probe) = call("sleep-order", &[Val::U32(n), Val::U32(1500), Val::U64(0x5eed)], 1).await?;
    let Val::List(fired) = &out[0] else { panic!("not a list: {:?}", out[0]) };
    let fired: Vec<u32> = fired.iter().map(|v| if let Val::U32(x) = v { *x } else { panic!() }).collect();
    assert_eq!(fired.len(), n as usize, "every sleep fired");
    assert!(fired.windows(2).all(|w| w[0] <= w[1]), "fired in deadline order");
    assert!(fired.last().unwrap() - fired[0] > 1000, "deadlines were spread out");
    let started = probe.clock_waits_started.load(Ordering::SeqCst);
    assert_eq!(probe.clock_waits_max_pending.load(Ordering::SeqCst), 1, "never more than one host wait pending");
    assert!(started >= 1 && started < n, "host waits were coalesced: {started} for {n} sleeps");
    assert_eq!(probe.clock_waits_pending.load(Ordering::SeqCst), 0, "no host wait left behind");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_sleep_never_wakes_anyone() -> anyhow::Result<()> {
    let (out, probe) = call("dropped-sleeps", &[Val::U32(1000)], 1).await?;
    let Val::Tuple(t) = &out[0] else { panic!() };
    assert_eq!(t[0], Val::U32(0), "wakes from dropped sleeps");
    assert_eq!(t[1], Val::U32(0), "timers pending after dropping them");
    // The wait for the dropped sleeps was cancelled: only the final 60 ms
    // sleep's wait ran to completion.
    assert!(probe.clock_waits_cancelled.load(Ordering::SeqCst) >= 1);
    assert_eq!(probe.clock_waits_max_pending.load(Ordering::SeqCst), 1);
    assert_eq!(probe.clock_waits_pending.load(Ordering::SeqCst), 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_elapses_and_cancels_the_host_call() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let f = export_func(&mut store, &instance, TASKS, "timeout-hang")?;
    let mut out = [Val::Bool(false)];
    tokio::time::timeout(LIMIT, store.run_concurrent(async |a| f.call_concurrent(a, &[Val::U32(20)], &mut out).await))
        .await???;
    assert_eq!(out[0], Val::Bool(true), "timeout reported Elapsed");
    let probe = store.data().probe.clone();
    assert_eq!(probe.hangs_started.load(Ordering::SeqCst), 1);
    assert_eq!(probe.hangs_cancelled.load(Ordering::SeqCst), 1, "the timed-out host call was cancelled");
    assert_eq!(store.data_mut().table_len(), baseline, "its lease was released");
    assert_eq!(probe.clock_waits_pending.load(Ordering::SeqCst), 0);
    assert_no_leaks(&mut store, baseline).await
}

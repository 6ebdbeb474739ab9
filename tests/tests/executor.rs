//! The executor on the embedded host: cancellation releases host handles,
//! spawned tasks outlive their export, wakeups cross export calls, JoinSet.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use wasio_tests::{export_func, instantiate};

/// Bounds every guest run: a broken executor fails the test instead of
/// hanging it.
const LIMIT: Duration = Duration::from_secs(60);
use wasmtime::component::Val;
use wasmtime_wasi::WasiCtxBuilder;

const TASKS: &str = "testing:wasio/tasks";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_pending_import_call_releases_its_host_handles() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let cancel_hang = export_func(&mut store, &instance, TASKS, "cancel-hang")?;
    let baseline = store.data_mut().table_len();

    for (times, total) in [(1u32, 1u32), (1000, 1001)] {
        tokio::time::timeout(
            LIMIT,
            store.run_concurrent(async |a| cancel_hang.call_concurrent(a, &[Val::U32(times)], &mut []).await),
        )
        .await???;
        let probe = store.data().probe.clone();
        assert_eq!(probe.hangs_started.load(Ordering::SeqCst), total, "hang calls started");
        assert_eq!(probe.hangs_cancelled.load(Ordering::SeqCst), total, "hang calls cancelled by the guest");
        assert_eq!(store.data_mut().table_len(), baseline, "host resource table back to its starting size");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_spawned_in_an_export_finishes_after_the_export_returns() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let spawn_background = export_func(&mut store, &instance, TASKS, "spawn-background")?;
    let probe = store.data().probe.clone();
    let reports_at_return = tokio::time::timeout(LIMIT, store
        .run_concurrent(async |a| -> anyhow::Result<(Vec<u64>, Vec<u64>)> {
            spawn_background.call_concurrent(a, &[Val::U32(200), Val::U64(7)], &mut []).await?;
            let at_return = probe.reports.lock().unwrap().clone();
            // Keep the store running so the spawned task can finish.
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let now = probe.reports.lock().unwrap().clone();
                if !now.is_empty() || Instant::now() > deadline {
                    return Ok((at_return, now));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }))
        .await???;
    assert_eq!(reports_at_return.0, Vec::<u64>::new(), "the export returned before its task reported");
    assert_eq!(reports_at_return.1, vec![7], "the spawned task ran to completion after the export returned");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_wakes_a_task_of_another_export_call() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let recv = export_func(&mut store, &instance, TASKS, "recv")?;
    let send = export_func(&mut store, &instance, TASKS, "send")?;
    let got = tokio::time::timeout(LIMIT, store
        .run_concurrent(async |a| -> anyhow::Result<Val> {
            let mut out = [Val::U64(0)];
            let receiving = recv.call_concurrent(a, &[], &mut out);
            let sending = async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                send.call_concurrent(a, &[Val::U64(42)], &mut []).await
            };
            let (r, s) = futures::join!(receiving, sending);
            r?;
            s?;
            Ok(out[0].clone())
        }))
        .await???;
    assert_eq!(got, Val::U64(42));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_set_joins_every_task() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let sum = export_func(&mut store, &instance, TASKS, "join-set-sum")?;
    let got = tokio::time::timeout(LIMIT, store
        .run_concurrent(async |a| -> anyhow::Result<Val> {
            let mut out = [Val::U64(0)];
            sum.call_concurrent(a, &[Val::U32(1000)], &mut out).await?;
            Ok(out[0].clone())
        }))
        .await???;
    assert_eq!(got, Val::U64(499_500));
    Ok(())
}

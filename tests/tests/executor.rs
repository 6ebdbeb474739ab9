//! The executor on the embedded host: cancellation releases host handles,
//! spawned tasks outlive their export, wakeups cross export calls, JoinSet.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use wasio_tests::{assert_no_leaks, export_func, instantiate};

/// Bounds every guest run: a broken executor fails the test instead of
/// hanging it.
const LIMIT: Duration = Duration::from_secs(60);
use wasmtime::component::Val;
use wasmtime_wasi::WasiCtxBuilder;

const TASKS: &str = "testing:wasio/tasks";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_pending_import_call_releases_its_host_handles() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let cancel_hang = export_func(&mut store, &instance, TASKS, "cancel-hang")?;

    for (times, total) in [(1u32, 1u32), (1000, 1001)] {
        tokio::time::timeout(
            LIMIT,
            store.run_concurrent(async |a| cancel_hang.call_concurrent(a, &[Val::U32(times)], &mut []).await),
        )
        .await???;
        let probe = store.data().probe.clone();
        assert_eq!(probe.hangs_started.load(Ordering::SeqCst), total, "hang calls started");
        assert_eq!(probe.hangs_cancelled.load(Ordering::SeqCst), total, "hang calls cancelled by the guest");
        assert_no_leaks(&mut store, baseline).await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_spawned_in_an_export_finishes_after_the_export_returns() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let spawn_background = export_func(&mut store, &instance, TASKS, "spawn-background")?;
    let probe = store.data().probe.clone();
    let reports_at_return = tokio::time::timeout(
        LIMIT,
        store.run_concurrent(async |a| -> anyhow::Result<(Vec<u64>, Vec<u64>)> {
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
        }),
    )
    .await???;
    assert_eq!(reports_at_return.0, Vec::<u64>::new(), "the export returned before its task reported");
    assert_eq!(reports_at_return.1, vec![7], "the spawned task ran to completion after the export returned");
    assert_no_leaks(&mut store, baseline).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_wakes_a_task_of_another_export_call() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let recv = export_func(&mut store, &instance, TASKS, "recv")?;
    let send = export_func(&mut store, &instance, TASKS, "send")?;
    let got = tokio::time::timeout(
        LIMIT,
        store.run_concurrent(async |a| -> anyhow::Result<Val> {
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
        }),
    )
    .await???;
    assert_eq!(got, Val::U64(42));
    assert_no_leaks(&mut store, baseline).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_set_joins_every_task() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let sum = export_func(&mut store, &instance, TASKS, "join-set-sum")?;
    let got = tokio::time::timeout(
        LIMIT,
        store.run_concurrent(async |a| -> anyhow::Result<Val> {
            let mut out = [Val::U64(0)];
            sum.call_concurrent(a, &[Val::U32(1000)], &mut out).await?;
            Ok(out[0].clone())
        }),
    )
    .await???;
    assert_eq!(got, Val::U64(499_500));
    assert_no_leaks(&mut store, baseline).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_on_drives_host_calls_from_synchronous_code() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let block_on_sum = export_func(&mut store, &instance, TASKS, "block-on-sum")?;
    let recv = export_func(&mut store, &instance, TASKS, "recv")?;
    let send = export_func(&mut store, &instance, TASKS, "send")?;
    let (a, b, received) = tokio::time::timeout(
        LIMIT,
        store.run_concurrent(async |acc| -> anyhow::Result<(Val, Val, Val)> {
            let (mut o1, mut o2, mut o3) = ([Val::U64(0)], [Val::U64(0)], [Val::U64(0)]);
            // Two block_on calls and a channel between two other export
            // calls, all at once in one instance.
            let (r1, r2, r3, r4) = futures::join!(
                block_on_sum.call_concurrent(acc, &[Val::U32(100)], &mut o1),
                block_on_sum.call_concurrent(acc, &[Val::U32(10)], &mut o2),
                recv.call_concurrent(acc, &[], &mut o3),
                send.call_concurrent(acc, &[Val::U64(5)], &mut []),
            );
            r1?;
            r2?;
            r3?;
            r4?;
            Ok((o1[0].clone(), o2[0].clone(), o3[0].clone()))
        }),
    )
    .await???;
    assert_eq!(a, Val::U64(4950));
    assert_eq!(b, Val::U64(45));
    assert_eq!(received, Val::U64(5));
    assert_no_leaks(&mut store, baseline).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_export_calls_run_at_once_in_one_instance() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let sum = export_func(&mut store, &instance, TASKS, "join-set-sum")?;
    let spawn_background = export_func(&mut store, &instance, TASKS, "spawn-background")?;
    let probe = store.data().probe.clone();
    let sums = tokio::time::timeout(
        LIMIT,
        store.run_concurrent(async |a| -> anyhow::Result<Vec<Val>> {
            // 64 concurrent calls, each with 200 tasks, plus 64 calls whose
            // spawned tasks outlive them.
            let calls = (0..64u32).map(|i| async move {
                let mut out = [Val::U64(0)];
                sum.call_concurrent(a, &[Val::U32(200 + i)], &mut out).await?;
                Ok::<_, anyhow::Error>(out[0].clone())
            });
            let background = (0..64u64).map(|i| async move {
                spawn_background.call_concurrent(a, &[Val::U32(20), Val::U64(i)], &mut []).await
            });
            let (sums, bg) = futures::join!(futures::future::join_all(calls), futures::future::join_all(background));
            for r in bg {
                r?;
            }
            let deadline = Instant::now() + Duration::from_secs(20);
            while probe.reports.lock().unwrap().len() < 64 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            sums.into_iter().collect()
        }),
    )
    .await???;
    for (i, got) in sums.into_iter().enumerate() {
        let n = 200 + i as u64;
        assert_eq!(got, Val::U64(n * (n - 1) / 2), "call {i}");
    }
    let mut reports = store.data().probe.reports.lock().unwrap().clone();
    reports.sort();
    assert_eq!(reports, (0..64).collect::<Vec<u64>>());
    assert_no_leaks(&mut store, baseline).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_limit_makes_the_host_hold_new_calls() -> anyhow::Result<()> {
    for (max, calls) in [(2u32, 8usize), (1, 4), (100, 6)] {
        let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
        let baseline = store.data_mut().table_len();
        let limited = export_func(&mut store, &instance, TASKS, "limited")?;
        tokio::time::timeout(
            LIMIT,
            store.run_concurrent(async |a| -> anyhow::Result<()> {
                let all = (0..calls)
                    .map(|_| async move { limited.call_concurrent(a, &[Val::U32(max), Val::U32(30)], &mut []).await });
                for r in futures::future::join_all(all).await {
                    r?;
                }
                Ok(())
            }),
        )
        .await???;
        let reports = store.data().probe.reports.lock().unwrap().clone();
        assert_eq!(reports.len(), calls, "every call ran");
        let most = *reports.iter().max().unwrap();
        let expected = (max as usize).min(calls) as u64;
        assert_eq!(most, expected, "at most {max} calls inside at once: {reports:?}");
        assert_no_leaks(&mut store, baseline).await?;
    }
    Ok(())
}

/// Cancels `times` operations of `kind` in the guest and checks the host
/// released every end it made and the resource table is back where it was.
async fn cancel_io(kind: &str, times: u32) -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let f = export_func(&mut store, &instance, TASKS, "cancel-io")?;
    let args = [Val::Enum(kind.to_string()), Val::U32(times)];
    tokio::time::timeout(LIMIT, store.run_concurrent(async |a| f.call_concurrent(a, &args, &mut []).await)).await???;
    // Closes the held futures (the guest's pending writes then see the
    // reader gone) and lets the host finish tearing down dropped ends.
    assert_no_leaks(&mut store, baseline).await?;
    let probe = store.data().probe.clone();
    assert_eq!(probe.ends_made.load(Ordering::SeqCst), times, "{kind}: host ends made");
    assert_eq!(probe.ends_released.load(Ordering::SeqCst), times, "{kind}: host ends released");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_stream_reads_release_everything() -> anyhow::Result<()> {
    cancel_io("stream-read", 1).await?;
    cancel_io("stream-read", 10_000).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_stream_writes_release_everything() -> anyhow::Result<()> {
    cancel_io("stream-write", 1).await?;
    cancel_io("stream-write", 10_000).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_future_reads_release_everything() -> anyhow::Result<()> {
    cancel_io("future-read", 1).await?;
    cancel_io("future-read", 10_000).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_future_writes_release_everything() -> anyhow::Result<()> {
    cancel_io("future-write", 1).await?;
    cancel_io("future-write", 10_000).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_cancelled_subtasks_release_everything() -> anyhow::Result<()> {
    let (mut store, instance) = instantiate("tasks_probe", WasiCtxBuilder::new()).await?;
    let baseline = store.data_mut().table_len();
    let cancel_hang = export_func(&mut store, &instance, TASKS, "cancel-hang")?;
    tokio::time::timeout(
        LIMIT,
        store.run_concurrent(async |a| cancel_hang.call_concurrent(a, &[Val::U32(10_000)], &mut []).await),
    )
    .await???;
    let probe = store.data().probe.clone();
    assert_eq!(probe.hangs_cancelled.load(Ordering::SeqCst), 10_000);
    assert_no_leaks(&mut store, baseline).await
}

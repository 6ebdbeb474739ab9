//! Cancelling a wasio export from another component: `cancel_caller` is
//! composed in front of `tasks_probe` (wasm-compose) and cancels its call of
//! `tasks.cancellable`. The callee's root future is dropped (its pending
//! host call is cancelled) while the task it spawned runs to completion.

use std::sync::atomic::Ordering;
use std::time::Duration;
use wasio_tests::{engine, linker, store, wasm_path};
use wasmtime::component::Component;
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

fn compose() -> anyhow::Result<Vec<u8>> {
    let mut config = wasm_compose::config::Config::default();
    config
        .dependencies
        .insert("testing:wasio/tasks".to_string(), wasm_compose::config::Dependency { path: wasm_path("tasks_probe") });
    let root = wasm_path("cancel_caller");
    wasm_compose::composer::ComponentComposer::new(&root, &config).compose()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_an_export_drops_its_root_future_and_keeps_spawned_tasks() -> anyhow::Result<()> {
    let composed = Component::new(engine(), compose()?)?;
    let stdout = MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.stdout(stdout.clone()).inherit_stderr();
    let mut store = store(ctx);
    let probe = store.data().probe.clone();
    let command = wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut store, &composed, &linker()?).await?;
    let baseline = store.data_mut().table_len();
    let status = tokio::time::timeout(
        Duration::from_secs(60),
        store.run_concurrent(async move |a| command.wasi_cli_run().call_run(a).await),
    )
    .await???;
    assert_eq!(status, Ok(()));
    assert_eq!(String::from_utf8_lossy(&stdout.contents()), "call outcome: cancelled by timeout\ncaller done\n");
    assert_eq!(probe.hangs_started.load(Ordering::SeqCst), 1, "the callee reached its host call");
    assert_eq!(probe.hangs_cancelled.load(Ordering::SeqCst), 1, "the root future was dropped, cancelling it");
    assert_eq!(*probe.reports.lock().unwrap(), vec![42], "the spawned task still finished");
    wasio_tests::assert_no_leaks(&mut store, baseline).await
}

/// A handler's children in a `JoinSet` end with the call: when the caller
/// cancels, the root future is dropped, the set with it, and its 100 tasks
/// are aborted: their 50 `hang` calls are cancelled, their leases dropped,
/// their 50 sleeps deregistered (no clock wait left), no task remains —
/// while the unscoped task spawned beside them still finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_an_export_ends_the_tasks_in_its_join_set() -> anyhow::Result<()> {
    let composed = Component::new(engine(), compose()?)?;
    let stdout = MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.args(&["cancel_caller", "scoped"]).stdout(stdout.clone()).inherit_stderr();
    let mut store = store(ctx);
    let probe = store.data().probe.clone();
    let command = wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut store, &composed, &linker()?).await?;
    let baseline = store.data_mut().table_len();
    let status = tokio::time::timeout(
        Duration::from_secs(60),
        store.run_concurrent(async move |a| command.wasi_cli_run().call_run(a).await),
    )
    .await???;
    assert_eq!(status, Ok(()));
    assert_eq!(String::from_utf8_lossy(&stdout.contents()), "call outcome: cancelled by timeout\ncaller done\n");
    assert_eq!(probe.hangs_started.load(Ordering::SeqCst), 50, "every hanging child reached its host call");
    assert_eq!(probe.hangs_cancelled.load(Ordering::SeqCst), 50, "every hanging child was cancelled");
    assert_eq!(*probe.reports.lock().unwrap(), vec![42], "the unscoped task still finished");
    wasio_tests::assert_no_leaks(&mut store, baseline).await
}

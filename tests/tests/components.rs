//! User WIT worlds across a component boundary: `examples/components`'
//! `kv-client` (checked-in bindings) composed with `kv-store`
//! (`wasio::bindgen!`), run as one component on the wasmtime CLI and on the
//! embedded host.

use std::sync::OnceLock;
use wasio_tests::{run_cli, workspace_root};

/// Composes `kv-app.wasm` next to the other build outputs (once).
fn composed() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| workspace_root().join("target"));
        let bytes = xtask::compose_kv(&target).expect("composing kv-client with kv-store");
        let out = target.join("wasm32-wasip2/release/kv-app.wasm");
        std::fs::write(&out, bytes).unwrap();
    });
}

/// Checks every line the client prints; `stdout` is its whole output.
fn check(stdout: &str) {
    let line = |prefix: &str| {
        stdout.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix:?} line in:\n{stdout}"))
    };
    assert_eq!(line("get greeting:"), "get greeting: Some(\"hello\")");
    let events: Vec<_> = stdout.lines().filter(|l| l.starts_with("event:")).collect();
    assert_eq!(events, ["event: user/ada = Some(\"1815\")", "event: user/ada = None"], "watch events");
    // Concurrency: all answers right, and the store really had many calls
    // in flight at once (each call waits 1 ms on the host clock).
    let concurrent = line("concurrent calls:");
    assert!(concurrent.starts_with("concurrent calls: 200/200 correct"), "{concurrent}");
    let max: u32 = concurrent.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(max > 10, "the store never saw concurrent calls: {concurrent}");
    // Cancellation across the boundary reached the callee.
    assert_eq!(line("slow-get under"), "slow-get under a 50 ms timeout: timed out");
    assert_eq!(line("store saw cancellations:"), "store saw cancellations: 1");
    // A dropped future: its writer saw no reader; the other one resolved.
    assert_eq!(line("wait-for later:"), "wait-for later: \"now\"");
    assert_eq!(line("futures dropped"), "futures dropped before resolving: 1");
    // Backpressure: every number arrived and the fast producer never ran
    // ahead of the slow consumer by more than a batch of 64.
    let flood = line("flood:");
    assert!(flood.starts_with("flood: 100000 numbers, sum 4999950000, producer at most "), "{flood}");
    let ahead: u64 = flood.split_whitespace().nth(8).unwrap().parse().unwrap();
    assert!(ahead <= 64, "{flood}");
    assert_eq!(line("upload:"), "upload: store got 1048576 bytes");
}

#[test]
fn composed_components_run_on_the_wasmtime_cli() {
    composed();
    let out = run_cli("kv-app", &[], &[], b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "exit {:?}\n{stdout}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    check(&stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composed_components_run_on_the_embedded_host() -> anyhow::Result<()> {
    use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
    let stdout = MemoryOutputPipe::new(usize::MAX);
    let mut ctx = wasmtime_wasi::WasiCtxBuilder::new();
    ctx.stdout(stdout.clone()).inherit_stderr();
    let mut store = wasio_tests::store(ctx);
    composed();
    let component = wasio_tests::component("kv-app")?;
    let command =
        wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut store, &component, &wasio_tests::linker()?)
            .await?;
    let baseline = store.data_mut().table_len();
    let status = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        store.run_concurrent(async move |a| command.wasi_cli_run().call_run(a).await),
    )
    .await???;
    assert!(status.is_ok(), "kv-client failed");
    check(&String::from_utf8_lossy(&stdout.contents()));
    wasio_tests::assert_no_leaks(&mut store, baseline).await
}

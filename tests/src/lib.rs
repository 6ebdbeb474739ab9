//! wasio's test host: an embedded Wasmtime 48 with WASI p2 + p3, plus probe
//! imports (`testing:wasio/probe`) that let tests see what a guest did to
//! the host — cancellations, reports, the resource table.
//!
//! One `Engine` is shared by every test and each component is compiled
//! once. The guest components are built beforehand by the test command
//! (`scripts/test.sh`) into `target/wasm32-wasip2/release/`.

pub mod pg;

use anyhow::{Context as _, Result, anyhow};
use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::Poll;
use std::time::Duration;
use wasmtime::StoreContextMut;
use wasmtime::component::{
    Component, Destination, FutureReader, Instance, Linker, Resource, ResourceTable, ResourceType, Source,
    StreamConsumer, StreamProducer, StreamReader, StreamResult,
};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Path of a built guest component: `target/wasm32-wasip2/release/<name>.wasm`.
pub fn wasm_path(name: &str) -> PathBuf {
    target_dir().join("wasm32-wasip2/release").join(format!("{name}.wasm"))
}

/// The cargo target directory: `$CARGO_TARGET_DIR`, else `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// Which WASI version a guest component was built for: 0.3 (the default)
/// or 0.2 (wasio's `p2` feature, built by the test command into
/// `target/p2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    P3,
    P2,
}

/// Both builds, for tests that run the same assertions on each.
pub const BACKENDS: [Backend; 2] = [Backend::P3, Backend::P2];

impl Backend {
    /// Path of guest `name` built for this backend.
    pub fn wasm(self, name: &str) -> PathBuf {
        match self {
            Backend::P3 => wasm_path(name),
            Backend::P2 => target_dir().join("p2/wasm32-wasip2/release").join(format!("{name}.wasm")),
        }
    }

    /// Guest `name` built for this backend, compiled once per test process.
    pub fn component(self, name: &str) -> Result<Component> {
        component_at(self.wasm(name))
    }

    /// The exit status a program calling `wasio::process::exit(code)` ends
    /// with: WASI 0.2 reports only success or failure (status 1).
    pub fn exit_status(self, code: i32) -> i32 {
        match self {
            Backend::P2 if code != 0 => 1,
            _ => code,
        }
    }
}

/// The engine every test shares.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.wasm_component_model_async(true);
        Engine::new(&config).expect("engine")
    })
}

/// `name`'s component, compiled once per test process.
pub fn component(name: &str) -> Result<Component> {
    Backend::P3.component(name)
}

/// The component at `path`, compiled once per test process.
fn component_at(path: PathBuf) -> Result<Component> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Component>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap().get(&path) {
        return Ok(c.clone());
    }
    let bytes = std::fs::read(&path)
        .with_context(|| format!("reading {} (build the guests first: scripts/test.sh does)", path.display()))?;
    let c = Component::new(engine(), bytes)?;
    cache.lock().unwrap().insert(path, c.clone());
    Ok(c)
}

/// Instantiates the `b` build of guest `name` in `store` and runs its
/// `wasi:cli/run` export (0.3 or 0.2); returns the resource-table size
/// right after instantiation (for [`assert_no_leaks`]) and the program's
/// status.
pub async fn run_command(store: &mut Store<State>, b: Backend, name: &str) -> Result<(usize, Result<(), ()>)> {
    let (c, l) = (b.component(name)?, linker()?);
    Ok(match b {
        Backend::P3 => {
            let command = wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut *store, &c, &l).await?;
            let baseline = store.data_mut().table_len();
            (baseline, store.run_concurrent(async move |a| command.wasi_cli_run().call_run(a).await).await??)
        }
        Backend::P2 => {
            let command = wasmtime_wasi::p2::bindings::Command::instantiate_async(&mut *store, &c, &l).await?;
            let baseline = store.data_mut().table_len();
            (baseline, command.wasi_cli_run().call_run(&mut *store).await?)
        }
    })
}

/// What the probe imports observed.
#[derive(Default, Debug)]
pub struct Probe {
    /// `hang` calls started.
    pub hangs_started: AtomicU32,
    /// `hang` calls dropped by the host because the guest cancelled them.
    pub hangs_cancelled: AtomicU32,
    /// Values passed to `report`, in order.
    pub reports: Mutex<Vec<u64>>,
    /// `monotonic-clock.wait-until` calls started.
    pub clock_waits_started: AtomicU32,
    /// `wait-until` calls pending right now, and the most ever pending.
    pub clock_waits_pending: AtomicU32,
    pub clock_waits_max_pending: AtomicU32,
    /// `wait-until` calls dropped before their deadline (cancelled).
    pub clock_waits_cancelled: AtomicU32,
    /// Host stream/future ends made by the probe, and those released again.
    pub ends_made: AtomicU32,
    pub ends_released: AtomicU32,
}

/// Counts a host stream/future end as released when dropped.
struct EndGuard(Arc<Probe>);

impl EndGuard {
    fn new(probe: Arc<Probe>) -> EndGuard {
        probe.ends_made.fetch_add(1, Ordering::SeqCst);
        EndGuard(probe)
    }
}

impl Drop for EndGuard {
    fn drop(&mut self) {
        self.0.ends_released.fetch_add(1, Ordering::SeqCst);
    }
}

/// A stream producer that never produces; a stream consumer that never
/// consumes. On `finish` (the guest cancelled) they stop at once.
struct Never(#[allow(dead_code)] EndGuard);

impl<D> StreamProducer<D> for Never {
    type Item = u8;
    type Buffer = Option<u8>;
    fn poll_produce<'a>(
        self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: StoreContextMut<'a, D>,
        _: Destination<'a, u8, Option<u8>>,
        finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        if finish { Poll::Ready(Ok(StreamResult::Cancelled)) } else { Poll::Pending }
    }
}

impl<D> StreamConsumer<D> for Never {
    type Item = u8;
    fn poll_consume(
        self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        _: StoreContextMut<D>,
        _: Source<'_, u8>,
        finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        if finish { Poll::Ready(Ok(StreamResult::Cancelled)) } else { Poll::Pending }
    }
}

/// A future producer that never resolves.
struct NeverFuture(#[allow(dead_code)] EndGuard);

impl Future for NeverFuture {
    type Output = wasmtime::Result<u32>;
    fn poll(self: Pin<&mut Self>, _: &mut std::task::Context<'_>) -> Poll<Self::Output> {
        Poll::Pending
    }
}

/// The monotonic clock the test host gives guests (nanoseconds since the
/// store was made), shared with the wrapped `wait-until`.
#[derive(Clone, Debug)]
pub struct TestClock(std::time::Instant);

impl wasmtime_wasi::HostMonotonicClock for TestClock {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        self.0.elapsed().as_nanos() as u64
    }
}

/// Tracks one pending `wait-until` call.
struct ClockWait {
    probe: Arc<Probe>,
    done: bool,
}

impl ClockWait {
    fn start(probe: Arc<Probe>) -> ClockWait {
        probe.clock_waits_started.fetch_add(1, Ordering::SeqCst);
        let now = probe.clock_waits_pending.fetch_add(1, Ordering::SeqCst) + 1;
        probe.clock_waits_max_pending.fetch_max(now, Ordering::SeqCst);
        ClockWait { probe, done: false }
    }
}

impl Drop for ClockWait {
    fn drop(&mut self) {
        self.probe.clock_waits_pending.fetch_sub(1, Ordering::SeqCst);
        if !self.done {
            self.probe.clock_waits_cancelled.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The host resource behind `probe.lease`.
#[derive(Debug)]
pub struct Lease;

/// Store data: WASI context, resource table and probe counters.
#[allow(missing_debug_implementations)]
pub struct State {
    pub ctx: WasiCtx,
    pub table: ResourceTable,
    pub probe: Arc<Probe>,
    pub clock: TestClock,
    /// Futures the guest handed to `sink-future`, never read.
    pub held_futures: Vec<FutureReader<u32>>,
    pub http: wasmtime_wasi_http::WasiHttpCtx,
    /// The guest's linear memory, as the host grows it.
    pub memory: MemoryWatch,
}

/// Follows the guest's linear memory through Wasmtime's resource limiter,
/// which sees every memory's creation and growth: `bytes` is the size of
/// all linear memories of the store (wasm memory never shrinks, so growth
/// over a run is what a leak looks like).
#[derive(Debug, Default)]
pub struct MemoryWatch {
    pub bytes: usize,
}

impl wasmtime::ResourceLimiter for MemoryWatch {
    fn memory_growing(&mut self, current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        self.bytes += desired.saturating_sub(current);
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, _desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

impl wasmtime_wasi_http::WasiHttpView for State {
    fn http(&mut self) -> wasmtime_wasi_http::WasiHttpCtxView<'_> {
        wasmtime_wasi_http::WasiHttpCtxView {
            hooks: wasmtime_wasi_http::default_hooks(),
            table: &mut self.table,
            ctx: &mut self.http,
        }
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.ctx, table: &mut self.table }
    }
}

impl State {
    /// Live entries in the host's resource table, not counting the WASI 0.2
    /// stdio streams (and their pollables) the guest's libc opens and keeps
    /// for the instance's life when Rust's `std` prints or reads: wasio
    /// itself uses only WASI 0.3, so these are libc's, never wasio's.
    pub fn table_len(&mut self) -> usize {
        self.table.iter_mut().filter(|e| !is_libc_stdio(&**e)).count()
    }

    /// The types of the live entries counted by [`State::table_len`], for
    /// failure messages.
    pub fn table_contents(&mut self) -> Vec<&'static str> {
        self.table.iter_mut().filter(|e| !is_libc_stdio(&**e)).map(|e| describe(&*e)).collect()
    }
}

/// A WASI 0.2 stdio stream or pollable (libc's `stdin`/`stdout`/`stderr`).
fn is_libc_stdio(entry: &(dyn std::any::Any + Send)) -> bool {
    entry.is::<wasmtime_wasi::p2::DynInputStream>()
        || entry.is::<wasmtime_wasi::p2::DynOutputStream>()
        || entry.is::<wasmtime_wasi::p2::DynPollable>()
}

/// A name for a resource-table entry of a type the tests know.
fn describe(entry: &(dyn std::any::Any + Send)) -> &'static str {
    if entry.is::<Lease>() {
        "probe lease"
    } else if entry.is::<wasmtime_wasi::p2::TcpSocket>() || entry.is::<wasmtime_wasi::p2::UdpSocket>() {
        "p2 socket"
    } else {
        "other"
    }
}

/// The leak check every embedded-host test ends with: the guest left
/// nothing of its own behind in the host.
///
/// - the resource table holds exactly `expected` entries: its size right
///   after instantiation, plus whatever the instance keeps for its whole life
///   (the only such handles wasio keeps are the preopened directories, which
///   `wasio::fs` lists once and caches);
/// - every host stream/future end the probe handed out was released
///   (futures held by `sink-future` are closed first);
/// - no probe `hang` call and no `monotonic-clock.wait-until` is pending.
///
/// Teardown that is still under way (ends the guest dropped at the very
/// end, connections closing) gets up to 10 s, with the store running, to
/// finish; a leak never does.
pub async fn assert_no_leaks(store: &mut Store<State>, expected: usize) -> Result<()> {
    close_held_futures(store)?;
    let probe = store.data().probe.clone();
    let check = move |state: &mut State| -> std::result::Result<(), String> {
        let (made, released) = (probe.ends_made.load(Ordering::SeqCst), probe.ends_released.load(Ordering::SeqCst));
        if made != released {
            return Err(format!("leak: {made} host stream/future ends made, {released} released"));
        }
        let (started, cancelled) =
            (probe.hangs_started.load(Ordering::SeqCst), probe.hangs_cancelled.load(Ordering::SeqCst));
        if started != cancelled {
            return Err(format!("leak: {started} `hang` calls started, {cancelled} cancelled"));
        }
        let waits = probe.clock_waits_pending.load(Ordering::SeqCst);
        if waits != 0 {
            return Err(format!("leak: {waits} host clock waits still pending"));
        }
        let live = state.table_len();
        if live != expected {
            let contents = state.table_contents();
            return Err(format!("leak: {live} entries in the host resource table, expected {expected}: {contents:?}"));
        }
        Ok(())
    };
    let outcome = tokio::time::timeout(
        Duration::from_secs(30),
        store.run_concurrent(async |a| {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            loop {
                let now = a.with(|mut s| check(s.data_mut()));
                if now.is_ok() || std::time::Instant::now() > deadline {
                    return now;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }),
    )
    .await??;
    outcome.map_err(|e| anyhow!(e))
}

/// Counts a `hang` call as cancelled when its future is dropped unfinished.
struct CancelGuard(Arc<Probe>);

impl Drop for CancelGuard {
    fn drop(&mut self) {
        self.0.hangs_cancelled.fetch_add(1, Ordering::SeqCst);
    }
}

/// The shared linker: WASI p2 and p3, plus the probe interface.
pub fn linker() -> Result<Linker<State>> {
    linker_in(engine())
}

/// The same linker for another engine (e.g. one that meters fuel).
pub fn linker_in(engine: &Engine) -> Result<Linker<State>> {
    let mut linker: Linker<State> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    wasmtime_wasi::p3::add_to_linker(&mut linker)?;
    wasmtime_wasi_http::p3::add_to_linker(&mut linker)?;
    let mut probe = linker.instance("testing:wasio/probe")?;
    probe.resource("lease", ResourceType::host::<Lease>(), |mut store, rep| {
        store.data_mut().table.delete(Resource::<Lease>::new_own(rep))?;
        Ok(())
    })?;
    probe.func_wrap("[constructor]lease", |mut store, (): ()| {
        let lease = store.data_mut().table.push(Lease)?;
        Ok((lease,))
    })?;
    probe.func_wrap_concurrent("hang", |accessor, (_lease,): (Resource<Lease>,)| {
        let probe = accessor.with(|mut a| a.get().probe.clone());
        Box::pin(async move {
            probe.hangs_started.fetch_add(1, Ordering::SeqCst);
            let _guard = CancelGuard(probe);
            std::future::pending::<()>().await;
            Ok(())
        })
    })?;
    probe.func_wrap_concurrent("delay", |_accessor, (ms,): (u32,)| {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(ms.into())).await;
            Ok(())
        })
    })?;
    probe.func_wrap("report", |store, (value,): (u64,)| {
        store.data().probe.reports.lock().unwrap().push(value);
        Ok(())
    })?;
    probe.func_wrap("never-stream", |mut store, (): ()| {
        let guard = EndGuard::new(store.data().probe.clone());
        Ok((StreamReader::<u8>::new(&mut store, Never(guard))?,))
    })?;
    probe.func_wrap("sink-stream", |mut store, (s,): (StreamReader<u8>,)| {
        let guard = EndGuard::new(store.data().probe.clone());
        s.pipe(&mut store, Never(guard))?;
        Ok(())
    })?;
    probe.func_wrap("never-future", |mut store, (): ()| {
        let guard = EndGuard::new(store.data().probe.clone());
        Ok((FutureReader::<u32>::new(&mut store, NeverFuture(guard))?,))
    })?;
    // Held, never read: closed by `close_held_futures`. (Piping it into a
    // consumer that cancels makes Wasmtime 48 treat a cancelled guest write
    // as delivered, so the guest's later default write traps.)
    probe.func_wrap("sink-future", |mut store, (f,): (FutureReader<u32>,)| {
        store.data().probe.ends_made.fetch_add(1, Ordering::SeqCst);
        store.data_mut().held_futures.push(f);
        Ok(())
    })?;
    // Wrap the host's `wait-until` to count pending clock waits.
    linker.allow_shadowing(true);
    linker.instance("wasi:clocks/monotonic-clock@0.3.0")?.func_wrap_concurrent(
        "wait-until",
        |accessor, (when,): (u64,)| {
            let (probe, clock) = accessor.with(|mut a| (a.get().probe.clone(), a.get().clock.clone()));
            Box::pin(async move {
                let mut wait = ClockWait::start(probe);
                let now = wasmtime_wasi::HostMonotonicClock::now(&clock);
                if when > now {
                    tokio::time::sleep(Duration::from_nanos(when - now)).await;
                }
                wait.done = true;
                Ok(())
            })
        },
    )?;
    linker.allow_shadowing(false);
    Ok(linker)
}

/// A fresh store with the WASI context `ctx` (its monotonic clock replaced
/// by the test clock).
pub fn store(ctx: WasiCtxBuilder) -> Store<State> {
    store_in(engine(), ctx)
}

/// A fresh store of `engine` (see [`store`]).
pub fn store_in(engine: &Engine, mut ctx: WasiCtxBuilder) -> Store<State> {
    let clock = TestClock(std::time::Instant::now());
    ctx.monotonic_clock(clock.clone());
    let mut store = Store::new(
        engine,
        State {
            ctx: ctx.build(),
            table: ResourceTable::new(),
            probe: Arc::default(),
            clock,
            held_futures: Vec::new(),
            http: wasmtime_wasi_http::WasiHttpCtx::new(),
            memory: MemoryWatch::default(),
        },
    );
    store.limiter(|s| &mut s.memory);
    store
}

/// Instantiates `name` in a fresh store.
pub async fn instantiate(name: &str, ctx: WasiCtxBuilder) -> Result<(Store<State>, Instance)> {
    let mut store = store(ctx);
    let instance = linker()?.instantiate_async(&mut store, &component(name)?).await?;
    Ok((store, instance))
}

/// Closes the futures held by `sink-future` (the guest's pending writes then
/// see the reader gone), counting each as released.
pub fn close_held_futures(store: &mut Store<State>) -> Result<()> {
    let held = std::mem::take(&mut store.data_mut().held_futures);
    for mut f in held {
        f.close(&mut *store)?;
        store.data().probe.ends_released.fetch_add(1, Ordering::SeqCst);
    }
    Ok(())
}

/// Looks up `func` in exported interface `iface` of `instance`.
pub fn export_func(
    store: &mut Store<State>,
    instance: &Instance,
    iface: &str,
    func: &str,
) -> Result<wasmtime::component::Func> {
    let iface_idx = instance.get_export_index(&mut *store, None, iface).ok_or_else(|| anyhow!("no export {iface}"))?;
    let func_idx = instance
        .get_export_index(&mut *store, Some(&iface_idx), func)
        .ok_or_else(|| anyhow!("no export {iface}#{func}"))?;
    instance.get_func(&mut *store, func_idx).ok_or_else(|| anyhow!("{iface}#{func} is not a function"))
}

/// The `wasmtime` CLI: `$WASMTIME`, else `wasmtime` on `PATH`.
pub fn wasmtime_cli() -> PathBuf {
    std::env::var_os("WASMTIME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("wasmtime"))
}

/// The major version of [`wasmtime_cli`] (`wasmtime 46.0.1 (…)` → 46), for
/// the few assertions where older hosts differ (see docs/GUIDE.md).
pub fn wasmtime_cli_major() -> u32 {
    static MAJOR: OnceLock<u32> = OnceLock::new();
    *MAJOR.get_or_init(|| {
        let out = std::process::Command::new(wasmtime_cli()).arg("--version").output().expect("wasmtime --version");
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_whitespace()
            .nth(1)
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse().ok())
            .unwrap_or_else(|| panic!("no version in {text:?}"))
    })
}

/// Runs `wasmtime run [flags] <example>.wasm [args]` with `stdin` piped in.
pub fn run_cli(example: &str, flags: &[&str], args: &[&str], stdin: &[u8]) -> std::process::Output {
    run_cli_in(Backend::P3, example, flags, args, stdin)
}

/// Starts `wasmtime run [flags] <example>.wasm [args]` (the `backend`
/// build) with `stdin`, its stdout and stderr piped.
fn spawn_cli(
    backend: Backend,
    example: &str,
    flags: &[&str],
    args: &[&str],
    stdin: std::process::Stdio,
) -> std::process::Child {
    std::process::Command::new(wasmtime_cli())
        .arg("run")
        .args(flags)
        .arg(backend.wasm(example))
        .args(args)
        .stdin(stdin)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawning the wasmtime CLI (set $WASMTIME or put wasmtime on PATH)")
}

/// [`run_cli`] with the `backend` build of `example`.
pub fn run_cli_in(
    backend: Backend,
    example: &str,
    flags: &[&str],
    args: &[&str],
    stdin: &[u8],
) -> std::process::Output {
    let mut child = spawn_cli(backend, example, flags, args, std::process::Stdio::piped());
    let mut input = child.stdin.take().unwrap();
    use std::io::Write as _;
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The guest may exit before reading everything; that is not an error here.
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// [`run_cli_in`] with no stdin, killed if it runs over `limit`: then it
/// panics naming the backend, the program and its arguments.
pub fn run_cli_within(
    backend: Backend,
    example: &str,
    flags: &[&str],
    args: &[&str],
    limit: Duration,
) -> std::process::Output {
    let child = spawn_cli(backend, example, flags, args, std::process::Stdio::null());
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = std::process::Command::new("kill").arg("-9").arg(pid.to_string()).status();
            let out = rx.recv().unwrap().unwrap();
            panic!(
                "{backend:?} backend: `{example} {}` hung (killed after {limit:?}); stdout: {:?}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
pub fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        v.extend_from_slice(&seed.to_le_bytes());
    }
    v.truncate(len);
    v
}

/// A parsed HTTP/1.1 response.
#[derive(Debug, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub trailers: Vec<(String, String)>,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 client over a real TCP connection (`Connection:
/// close`): sends `body` (with `Content-Length`) while reading the response,
/// decodes chunked bodies and their trailers.
pub async fn http_request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Result<HttpResponse> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut rd, mut wr) = stream.into_split();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = &body {
        head.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await?;
        if let Some(b) = body {
            for chunk in b.chunks(1 << 20) {
                wr.write_all(chunk).await?;
            }
        }
        wr.flush().await?;
        // Keep the write half open until the response is read.
        Ok::<_, std::io::Error>(wr)
    });
    let mut raw = Vec::new();
    rd.read_to_end(&mut raw).await?;
    let _ = writer.await?;
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Result<HttpResponse> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| anyhow!("no header end"))?;
    let head = std::str::from_utf8(&raw[..end])?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line.split(' ').nth(1).ok_or_else(|| anyhow!("bad status line"))?.parse()?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))).collect();
    let rest = &raw[end + 4..];
    let mut resp = HttpResponse { status, headers, ..Default::default() };
    if resp.header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        let mut pos = 0;
        loop {
            let line_end = rest[pos..].windows(2).position(|w| w == b"\r\n").ok_or_else(|| anyhow!("bad chunk"))? + pos;
            let size_str =
                std::str::from_utf8(&rest[pos..line_end])?.split(';').next().unwrap_or("0").trim().to_string();
            let size = usize::from_str_radix(&size_str, 16)?;
            pos = line_end + 2;
            if size == 0 {
                // Trailers until an empty line.
                let tail = std::str::from_utf8(&rest[pos..])?;
                for l in tail.split("\r\n").take_while(|l| !l.is_empty()) {
                    if let Some((k, v)) = l.split_once(':') {
                        resp.trailers.push((k.trim().to_lowercase(), v.trim().to_string()));
                    }
                }
                break;
            }
            resp.body.extend_from_slice(&rest[pos..pos + size]);
            pos += size + 2;
        }
    } else {
        resp.body = rest.to_vec();
    }
    Ok(resp)
}

/// A component served by `wasmtime serve` on a free port of 127.0.0.1,
/// killed when dropped.
#[derive(Debug)]
pub struct Served {
    pub child: std::process::Child,
    pub addr: std::net::SocketAddr,
}

impl Served {
    /// Serves `name` with extra `flags` (e.g. `-Shttp`), waiting until it
    /// accepts connections.
    pub fn start(name: &str, flags: &[&str]) -> Served {
        Self::start_with_stderr(name, flags, std::process::Stdio::inherit())
    }

    /// Like [`Served::start`], with the server's stderr sent to `stderr`.
    pub fn start_with_stderr(name: &str, flags: &[&str], stderr: std::process::Stdio) -> Served {
        Self::start_wasm(&wasm_path(name), flags, stderr)
    }

    /// Serves the `backend` build of `name`.
    pub fn start_in(backend: Backend, name: &str, flags: &[&str]) -> Served {
        Self::start_wasm(&backend.wasm(name), flags, std::process::Stdio::inherit())
    }

    /// [`Served::start_in`] with the server's stderr sent to `stderr`.
    pub fn start_in_with_stderr(backend: Backend, name: &str, flags: &[&str], stderr: std::process::Stdio) -> Served {
        Self::start_wasm(&backend.wasm(name), flags, stderr)
    }

    /// Serves the component at `wasm`.
    pub fn start_wasm(wasm: &Path, flags: &[&str], stderr: std::process::Stdio) -> Served {
        let addr = free_addr();
        let child = std::process::Command::new(wasmtime_cli())
            .arg("serve")
            .arg("-Scli")
            .args(flags)
            .arg("--addr")
            .arg(addr.to_string())
            .arg(wasm)
            .stdout(std::process::Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawning wasmtime serve");
        wait_listening(addr);
        Served { child, addr }
    }

    /// A server component under `wasmtime run [flags] <wasm> [args]`, where
    /// `args` name the address it listens on, `addr` (see [`free_addr`]).
    pub fn run_listening(wasm: &Path, flags: &[&str], args: &[&str], addr: std::net::SocketAddr) -> Served {
        let child = std::process::Command::new(wasmtime_cli())
            .arg("run")
            .args(flags)
            .arg(wasm)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("spawning wasmtime run");
        wait_listening(addr);
        Served { child, addr }
    }
}

/// A free address on 127.0.0.1 (bound and released at once), never the
/// same port twice in one test process: tests run in parallel, and a port
/// handed to one server must not be handed to another before it binds.
pub fn free_addr() -> std::net::SocketAddr {
    static HANDED_OUT: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    loop {
        let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let mut used = HANDED_OUT.lock().unwrap();
        if !used.contains(&addr.port()) {
            used.push(addr.port());
            return addr;
        }
    }
}

/// Waits (up to 30 s) until something accepts connections on `addr`.
pub fn wait_listening(addr: std::net::SocketAddr) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(std::time::Instant::now() < deadline, "nothing listens on {addr} after 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request as a tiny host-side HTTP/1.1 server read it.
#[derive(Debug, Default)]
pub struct ServerRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Reads one HTTP/1.1 request (content-length or chunked body) from `s`.
pub fn read_request(s: &mut std::net::TcpStream) -> std::io::Result<ServerRequest> {
    use std::io::{BufRead, Read};
    let mut rd = std::io::BufReader::new(s.try_clone()?);
    let mut line = String::new();
    rd.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let mut req = ServerRequest {
        method: parts.next().unwrap_or_default().to_string(),
        path: parts.next().unwrap_or_default().to_string(),
        ..Default::default()
    };
    loop {
        let mut l = String::new();
        rd.read_line(&mut l)?;
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            req.headers.push((k.trim().to_lowercase(), v.trim().to_string()));
        }
    }
    let header = |n: &str| req.headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            rd.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
            if n == 0 {
                let mut end = String::new();
                rd.read_line(&mut end)?;
                break;
            }
            let mut chunk = vec![0u8; n + 2];
            rd.read_exact(&mut chunk)?;
            req.body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        let mut body = vec![0u8; n];
        rd.read_exact(&mut body)?;
        req.body = body;
    }
    Ok(req)
}

/// Runs `serve` for each connection to a fresh 127.0.0.1 listener, on its
/// own thread; returns the listener's address.
pub fn host_server(serve: impl Fn(std::net::TcpStream) + Send + Sync + 'static) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let serve = serve.clone();
            std::thread::spawn(move || serve(s));
        }
    });
    addr
}

/// Ends a host-side server connection politely: shuts down the write side
/// and drains what the peer still sends, so closing never resets it.
pub fn finish(s: std::net::TcpStream) {
    use std::io::Read;
    let _ = s.shutdown(std::net::Shutdown::Write);
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut sink = Vec::new();
    let _ = (&s).read_to_end(&mut sink);
}

//! `exec-fuel WASM BENCH`: runs one executor micro-benchmark component on an
//! embedded Wasmtime with fuel metering and prints the guest's output plus
//! `fuel N` — the number of WebAssembly instructions the guest executed
//! (Wasmtime charges one unit per instruction), a repeatable figure where
//! seconds on a shared machine are not.
//!
//! Built as a binary of the `wasio-tests` crate so it shares the one
//! embedded-host build of the test suite; `bench/run.sh` runs it.

use anyhow::{Context, Result};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

struct Host {
    ctx: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.ctx, table: &mut self.table }
    }
}

const FUEL: u64 = u64::MAX / 2;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(wasm), Some(bench)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: exec-fuel WASM BENCH");
    };
    let mut config = Config::new();
    config.wasm_component_model_async(true).consume_fuel(true);
    let engine = Engine::new(&config)?;
    let bytes = std::fs::read(&wasm).with_context(|| format!("reading {wasm}"))?;
    let component = Component::new(&engine, bytes)?;
    let mut linker = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi::p3::add_to_linker(&mut linker)?;

    let stdout = MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.args(&[wasm.as_str(), bench.as_str()]).stdout(stdout.clone()).inherit_stderr();
    let mut store = Store::new(&engine, Host { ctx: ctx.build(), table: ResourceTable::new() });
    store.set_fuel(FUEL)?;
    let command = wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut store, &component, &linker).await?;
    let status = store.run_concurrent(async move |a| command.wasi_cli_run().call_run(a).await).await??;
    let fuel = FUEL - store.get_fuel()?;
    print!("{}", String::from_utf8_lossy(&stdout.contents()));
    println!("fuel {fuel}");
    status.map_err(|()| anyhow::anyhow!("{bench} failed"))
}

//! `exec-fuel WASM BENCH`: runs one executor micro-benchmark component on an
//! embedded Wasmtime with fuel metering and prints the guest's output plus
//! `fuel N` — the number of WebAssembly instructions the guest executed
//! (Wasmtime charges one unit per instruction), a repeatable figure where
//! seconds on a shared machine are not.
//!
//! `exec-fuel http WASM N`: sends N `GET /` requests (after 100 warm-up
//! ones) to an HTTP handler component through `wasi:http/handler` and prints
//! `http_fuel_per_request F`: the guest's instructions per request.
//! `exec-fuel http-p2 WASM N` does the same for a WASI 0.2 handler
//! (`wasi:http/incoming-handler@0.2`); with `FRESH=1` in the environment,
//! each request gets a fresh instance (as `wasmtime serve` does for 0.2
//! components), whose start-up then counts too.
//!
//! Built as a binary of the `wasio-tests` crate so it shares the one
//! embedded-host build of the test suite; `bench/run.sh` runs it.

use anyhow::{Context, Result};
use wasio_tests::{State, linker_in, store_in};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// An engine like the test suite's, charging fuel per instruction.
fn fuel_engine() -> Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model_async(true).consume_fuel(true);
    Ok(Engine::new(&config)?)
}

const FUEL: u64 = u64::MAX / 2;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(wasm), Some(bench)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: exec-fuel WASM BENCH | exec-fuel http WASM N | exec-fuel http-p2 WASM N");
    };
    if wasm == "http" || wasm == "http-p2" {
        let n = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
        return if wasm == "http" { http(&bench, n).await } else { http_p2(&bench, n).await };
    }
    let engine = fuel_engine()?;
    let bytes = std::fs::read(&wasm).with_context(|| format!("reading {wasm}"))?;
    let component = Component::new(&engine, bytes)?;
    let linker = linker_in(&engine)?;

    let stdout = MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.args(&[wasm.as_str(), bench.as_str()]).stdout(stdout.clone()).inherit_stderr();
    let mut store = store_in(&engine, ctx);
    store.set_fuel(FUEL)?;
    let command = wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut store, &component, &linker).await?;
    let status = store.run_concurrent(async move |a| command.wasi_cli_run().call_run(a).await).await??;
    let fuel = FUEL - store.get_fuel()?;
    print!("{}", String::from_utf8_lossy(&stdout.contents()));
    println!("fuel {fuel}");
    status.map_err(|()| anyhow::anyhow!("{bench} failed"))
}

/// Guest instructions per `GET /` of the handler in `wasm`.
async fn http(wasm: &str, n: u64) -> Result<()> {
    use http_body_util::BodyExt;
    use wasmtime_wasi_http::p3::{Request, bindings::Service};
    let engine = fuel_engine()?;
    let component = Component::new(&engine, std::fs::read(wasm).with_context(|| format!("reading {wasm}"))?)?;
    let linker = linker_in(&engine)?;
    let mut store = store_in(&engine, WasiCtxBuilder::new());
    store.set_fuel(FUEL)?;
    let service = Service::instantiate_async(&mut store, &component, &linker).await?;
    let run = async |store: &mut Store<State>, count: u64| -> Result<u64> {
        let before = store.get_fuel()?;
        let service = &service;
        store
            .run_concurrent(async move |a| {
                for _ in 0..count {
                    let req =
                        http::Request::get("http://localhost/").body(http_body_util::Empty::<bytes::Bytes>::new())?;
                    let (req, _io) = Request::from_http(wasmtime_wasi_http::default_hooks(), req);
                    let res = service.handle(a, req).await?.map_err(|e| anyhow::anyhow!("{e:?}"))?;
                    let res = a.with(|s| res.into_http(s, async { Ok(()) }))?;
                    let body = res.into_body().collect().await.map_err(|e| anyhow::anyhow!("{e:?}"))?.to_bytes();
                    anyhow::ensure!(body == "Hello, WASI!\n", "unexpected body {body:?}");
                }
                anyhow::Ok(())
            })
            .await??;
        Ok(before - store.get_fuel()?)
    };
    run(&mut store, 100).await?;
    let fuel = run(&mut store, n).await?;
    println!("http_fuel_per_request {}", fuel / n);
    Ok(())
}

/// Guest instructions per `GET /` of the WASI 0.2 handler in `wasm` (one
/// instance serves every request, so only the handler's own work counts).
async fn http_p2(wasm: &str, n: u64) -> Result<()> {
    use http_body_util::BodyExt;
    use wasmtime_wasi_http::WasiHttpView;
    use wasmtime_wasi_http::p2::bindings::{Proxy, http::types::Scheme};
    let engine = fuel_engine()?;
    let component = Component::new(&engine, std::fs::read(wasm).with_context(|| format!("reading {wasm}"))?)?;
    let linker = linker_in(&engine)?;
    let mut store = store_in(&engine, WasiCtxBuilder::new());
    store.set_fuel(FUEL)?;
    let fresh = std::env::var_os("FRESH").is_some();
    let proxy = Proxy::instantiate_async(&mut store, &component, &linker).await?;
    let run = async |store: &mut Store<State>, count: u64| -> Result<u64> {
        let before = store.get_fuel()?;
        for _ in 0..count {
            let new;
            let proxy = if fresh {
                new = Proxy::instantiate_async(&mut *store, &component, &linker).await?;
                &new
            } else {
                &proxy
            };
            let req = http::Request::get("http://localhost/").body(http_body_util::Empty::<bytes::Bytes>::new())?;
            let (sender, receiver) = tokio::sync::oneshot::channel();
            let req = store.data_mut().http().new_incoming_request(Scheme::Http, req)?;
            let out = store.data_mut().http().new_response_outparam(sender)?;
            proxy.wasi_http_incoming_handler().call_handle(&mut *store, req, out).await?;
            let res = receiver.await?.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let body = res.into_body().collect().await.map_err(|e| anyhow::anyhow!("{e:?}"))?.to_bytes();
            anyhow::ensure!(body == "Hello, WASI!\n", "unexpected body {body:?}");
        }
        Ok(before - store.get_fuel()?)
    };
    run(&mut store, 100).await?;
    let fuel = run(&mut store, n).await?;
    println!("http_fuel_per_request {}", fuel / n);
    Ok(())
}

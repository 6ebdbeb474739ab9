//! `bench_axum_router N`: calls the axum hello router N times in the guest,
//! with no `wasi:http` and no wasio conversion (a request built in memory,
//! the response's size read back). `bench/run.sh` counts its instructions
//! with `exec-fuel` (N = 1000 minus N = 0): what axum's routing costs on
//! its own, next to the whole request through `wasmtime serve`.

use tower_service::Service;

#[wasio::main]
async fn main() -> Result<(), String> {
    let n: u64 = wasio::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    let app = bench_axum_wasio::app();
    let mut bytes = 0;
    for _ in 0..n {
        let req = http::Request::get("/").body(wasio::http::Body::empty()).map_err(|e| e.to_string())?;
        let Ok(resp) = app.clone().call(req).await;
        bytes += http_body::Body::size_hint(resp.body()).exact().unwrap_or(0);
    }
    println!("result {bytes}");
    Ok(())
}

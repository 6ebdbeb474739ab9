//! Outbound HTTP checks: `http_client_probe MODE URL`, run with
//! `wasmtime run -Shttp` against a server the test runs on the host.

use std::time::Duration;
use wasio::http::{Body, Client, Request};

#[wasio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = wasio::env::args().skip(1).collect();
    let (mode, url) = (args[0].as_str(), args[1].clone());
    let out = run(mode, &url).await;
    match out {
        Ok(s) => println!("{s}"),
        Err(e) => println!("error: {e} [code {}]", e.code_name().unwrap_or("-")),
    }
    Ok(())
}

async fn run(mode: &str, url: &str) -> Result<String, wasio::http::Error> {
    let short = Duration::from_millis(300);
    match mode {
        "get" => {
            let resp = wasio::http::send(Request::get(url).header("x-test", "1").body(Body::empty())?).await?;
            let status = resp.status();
            let echo = resp.headers().get("x-echo").map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default();
            Ok(format!("{status} x-echo={echo} body={}", resp.into_body().text().await?))
        }
        "post" => {
            // A 1 MiB body streamed in 64 KiB chunks from another task.
            let (mut tx, body) = Body::channel();
            wasio::spawn(async move {
                for i in 0..16u8 {
                    tx.send_data(vec![b'a' + i; 64 * 1024]).await?;
                }
                Ok::<(), wasio::http::Error>(())
            });
            let resp = wasio::http::send(Request::post(url).body(body)?).await?;
            Ok(format!("{} body={}", resp.status(), resp.into_body().text().await?))
        }
        "status" => {
            let resp = wasio::http::send(Request::get(url).body(())?).await?;
            Ok(format!("{}", resp.status()))
        }
        "first_byte_timeout" => {
            let resp = Client::new().first_byte_timeout(short).send(Request::get(url).body(())?).await?;
            Ok(format!("{}", resp.status()))
        }
        "between_bytes_timeout" => {
            let resp = Client::new().between_bytes_timeout(short).send(Request::get(url).body(())?).await?;
            let body = resp.into_body().bytes().await?;
            Ok(format!("body {} bytes", body.len()))
        }
        "connect_timeout" => {
            let resp = Client::new().connect_timeout(short).send(Request::get(url).body(())?).await?;
            Ok(format!("{}", resp.status()))
        }
        "bad_header" => {
            let resp = wasio::http::send(Request::get(url).header("connection", "close").body(())?).await?;
            Ok(format!("{}", resp.status()))
        }
        other => Err(wasio::http::Error::msg(format!("unknown mode {other}"))),
    }
}

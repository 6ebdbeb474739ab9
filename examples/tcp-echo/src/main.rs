//! `tcp-echo ADDR [--quiet]`: a TCP echo server. Each connection is served
//! by its own task, echoing until the client half-closes, then closing its
//! side. Each connection's outcome goes to stderr; `--quiet` logs errors
//! only.
//!
//! ```text
//! wasmtime run -Sinherit-network target/wasm32-wasip2/release/tcp-echo.wasm 127.0.0.1:7000
//! ```

use futures_util::io::AsyncWriteExt;

#[wasio::main]
async fn main() -> Result<(), String> {
    let addr = wasio::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7000".into());
    let quiet = wasio::env::args().any(|a| a == "--quiet");
    let listener = wasio::net::TcpListener::bind(addr.as_str()).await.map_err(|e| e.to_string())?;
    println!("listening on {}", listener.local_addr().map_err(|e| e.to_string())?);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("accept: {e}");
                continue;
            }
        };
        wasio::spawn(async move {
            let (mut rd, mut wr) = stream.into_split();
            let result = async {
                let n = futures_util::io::copy_buf(&mut rd, &mut wr).await?;
                wr.close().await?;
                Ok::<u64, std::io::Error>(n)
            }
            .await;
            match result {
                Ok(n) if !quiet => eprintln!("{peer}: echoed {n} bytes"),
                Ok(_) => {}
                Err(e) => eprintln!("{peer}: error {:?}: {e}", e.kind()),
            }
        });
    }
}

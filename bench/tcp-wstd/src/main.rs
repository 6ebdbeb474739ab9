//! `bench_tcp_wstd ADDR`: the TCP echo baseline on wstd 0.6 (WASI 0.2).
//! Echoes each connection until the client half-closes, then closes.

use wstd::iter::AsyncIterator;
use wstd::net::TcpListener;

#[wstd::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7000".into());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    let mut incoming = listener.incoming();
    while let Some(stream) = incoming.next().await {
        let stream = stream?;
        wstd::runtime::spawn(async move {
            let _ = wstd::io::copy(&stream, &stream).await;
        })
        .detach();
    }
    Ok(())
}

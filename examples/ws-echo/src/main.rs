//! `ws-echo`: WebSockets on wasio with async-tungstenite (a `futures-io`
//! library) over `wasio::net` sockets.
//!
//! ```text
//! wasmtime run -Sinherit-network target/wasm32-wasip2/release/ws-echo.wasm serve 127.0.0.1:9000
//! wasmtime run -Sinherit-network target/wasm32-wasip2/release/ws-echo.wasm talk ws://127.0.0.1:9000/ 3
//! ```
//!
//! The server echoes every text and binary message of each connection (its
//! own task) and answers a close with a close. The client sends N text
//! messages and one binary message, prints what comes back, then closes.

use async_tungstenite::tungstenite::Message;
use futures_util::StreamExt;

async fn serve(addr: &str) -> Result<(), String> {
    let listener = wasio::net::TcpListener::bind(addr).await.map_err(|e| e.to_string())?;
    println!("listening on {}", listener.local_addr().map_err(|e| e.to_string())?);
    loop {
        let (stream, peer) = listener.accept().await.map_err(|e| e.to_string())?;
        wasio::spawn(async move {
            let result = async {
                let mut ws = async_tungstenite::accept_async(stream).await?;
                let mut echoed = 0u32;
                while let Some(msg) = ws.next().await {
                    // Other messages: keep reading (the library answers a
                    // close, then the stream ends).
                    if let m @ (Message::Text(_) | Message::Binary(_)) = msg? {
                        ws.send(m).await?;
                        echoed += 1;
                    }
                }
                Ok::<u32, async_tungstenite::tungstenite::Error>(echoed)
            }
            .await;
            match result {
                Ok(n) => eprintln!("{peer}: echoed {n} messages"),
                Err(e) => eprintln!("{peer}: {e}"),
            }
        });
    }
}

async fn talk(url: &str, count: u32) -> Result<(), String> {
    let authority =
        url.strip_prefix("ws://").and_then(|rest| rest.split('/').next()).ok_or("url must be ws://host:port/...")?;
    let stream = wasio::net::TcpStream::connect(authority).await.map_err(|e| e.to_string())?;
    let (mut ws, response) = async_tungstenite::client_async(url, stream).await.map_err(|e| e.to_string())?;
    println!("handshake: {}", response.status());
    for i in 0..count {
        ws.send(Message::text(format!("message {i}"))).await.map_err(|e| e.to_string())?;
        match ws.next().await {
            Some(Ok(Message::Text(t))) => println!("echo: {t}"),
            other => return Err(format!("unexpected reply {other:?}")),
        }
    }
    ws.send(Message::binary(vec![1u8, 2, 3])).await.map_err(|e| e.to_string())?;
    match ws.next().await {
        Some(Ok(Message::Binary(b))) => println!("binary echo: {:?}", &b[..]),
        other => return Err(format!("unexpected reply {other:?}")),
    }
    ws.close(None).await.map_err(|e| e.to_string())?;
    Ok(())
}

#[wasio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = wasio::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("serve"), Some(addr)) => serve(addr).await,
        (Some("talk"), Some(url)) => talk(url, args.get(3).and_then(|n| n.parse().ok()).unwrap_or(3)).await,
        _ => Err("usage: ws-echo serve ADDR | talk ws://HOST:PORT/ [N]".into()),
    }
}

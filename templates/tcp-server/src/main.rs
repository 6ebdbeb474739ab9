//! A TCP echo server component on wasio: one task per connection.

use futures_util::io::{AsyncWriteExt, copy_buf};
use wasio::net::{TcpListener, TcpStream};

/// Echoes `stream` until the peer half-closes; the byte count.
async fn echo(stream: TcpStream) -> std::io::Result<u64> {
    let (mut rd, mut wr) = stream.into_split();
    let n = copy_buf(&mut rd, &mut wr).await?;
    wr.close().await?;
    Ok(n)
}

#[wasio::main]
async fn main() -> std::io::Result<()> {
    let addr = wasio::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:7000".into());
    let listener = TcpListener::bind(addr.as_str()).await?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (stream, peer) = listener.accept().await?;
        wasio::spawn(async move {
            match echo(stream).await {
                Ok(n) => eprintln!("{peer}: echoed {n} bytes"),
                Err(e) => eprintln!("{peer}: {e}"),
            }
        });
    }
}

#[wasio::test]
async fn echoes_a_connection() {
    use futures_util::io::AsyncReadExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = wasio::spawn(async move { echo(listener.accept().await.unwrap().0).await });
    let mut client = TcpStream::connect(addr).await.unwrap();
    client.write_all(b"ping").await.unwrap();
    client.close().await.unwrap();
    let mut back = Vec::new();
    client.read_to_end(&mut back).await.unwrap();
    assert_eq!(back, b"ping");
    assert_eq!(server.await.unwrap().unwrap(), 4);
}

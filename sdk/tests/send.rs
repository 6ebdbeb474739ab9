//! Compile-time checks that awaiting wasio I/O keeps a future `Send`, as
//! axum's `Handler` and tower's `BoxCloneService` need (see
//! docs/DESIGN-NOTES.md, "Send on a single-threaded component"). If one of
//! these stops being `Send`, this file stops compiling.

use futures_util::{AsyncReadExt, AsyncWriteExt, StreamExt};
use std::time::Duration;
use wasio::http::{Body, Request, Response};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn send<T: Send>(_: &T) {}
fn send_sync<T: Send + Sync>() {}
fn send_only<T: Send>() {}
/// Converts to `BoxError`, `anyhow::Error` and `Box<dyn Error>`.
fn boxable_error<E: std::error::Error + Send + Sync + 'static>() {}

async fn files() -> Result<u64, BoxError> {
    let text = wasio::fs::read_to_string("/data/a.txt").await?;
    wasio::fs::write("/data/b.txt", text.as_bytes()).await?;
    let _ = wasio::fs::read("/data/b.txt").await?;
    let meta = wasio::fs::metadata("/data/b.txt").await?;
    let mut dir = wasio::fs::read_dir("/data").await?;
    while let Some(entry) = dir.next_entry().await? {
        let _ = entry.metadata().await?;
    }
    let mut file = wasio::fs::File::open("/data/a.txt").await?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf).await?;
    let mut out = wasio::fs::File::create("/data/c.txt").await?;
    out.write_all(&buf).await?;
    out.flush().await?;
    out.sync_all().await?;
    let body = Body::from_reader(wasio::fs::File::open("/data/a.txt").await?);
    let mut upload = wasio::fs::File::create("/data/d.txt").await?;
    futures_util::io::copy(body.into_reader(), &mut upload).await?;
    wasio::fs::remove_file("/data/d.txt").await?;
    Ok(meta.len())
}

async fn sockets() -> Result<(), BoxError> {
    let listener = wasio::net::TcpListener::bind("127.0.0.1:0").await?;
    let mut conn = wasio::net::TcpStream::connect(listener.local_addr()?).await?;
    let (mut peer, _) = listener.accept().await?;
    conn.write_all(b"ping").await?;
    let mut buf = [0u8; 4];
    peer.read_exact(&mut buf).await?;
    let (mut r, mut w) = peer.into_split();
    w.write_all(b"x").await?;
    let _ = r.read(&mut buf).await?;
    let mut incoming = listener.incoming();
    let _ = incoming.next().await;
    let udp = wasio::net::UdpSocket::bind("127.0.0.1:0").await?;
    udp.send_to(b"x", "127.0.0.1:9").await?;
    let _ = udp.recv_from(&mut buf).await?;
    Ok(())
}

async fn client_time_and_tasks() -> Result<(), BoxError> {
    let resp: Response<Body> = wasio::http::send(Request::get("http://127.0.0.1:1/").body(Body::empty())?).await?;
    let _ = resp.into_body().bytes().await?;
    let (mut tx, body) = Body::channel();
    let handle = wasio::spawn(async move { body.text().await });
    tx.send_data("x").await?;
    drop(tx);
    let _ = handle.await??;
    let mut set = wasio::JoinSet::new();
    set.spawn(async { 1u32 });
    while let Some(n) = set.join_next().await {
        let _ = n?;
    }
    wasio::time::sleep(Duration::from_millis(1)).await;
    let _ = wasio::time::timeout(Duration::from_millis(1), std::future::pending::<()>()).await;
    let mut every = wasio::time::interval(Duration::from_millis(1));
    every.tick().await;
    wasio::yield_now().await;
    let mut out = wasio::io::stdout();
    out.write_all(b"sent\n").await?;
    out.flush().await?;
    Ok(())
}

#[wasio::test]
async fn awaiting_wasio_io_keeps_a_future_send() {
    send(&files());
    send(&sockets());
    send(&client_time_and_tasks());
    // Like axum's body: `Send`, not `Sync` (it may wrap a user's body).
    send_only::<Body>();
    send_only::<wasio::http::Request<Body>>();
    send_sync::<wasio::http::Error>();
    boxable_error::<wasio::http::Error>();
    boxable_error::<wasio::fs::FsError>();
    boxable_error::<wasio::JoinError>();
    boxable_error::<wasio::time::Elapsed>();
    send_sync::<wasio::fs::File>();
    send_sync::<wasio::net::TcpStream>();
    send_sync::<wasio::JoinHandle<u32>>();
    send_sync::<wasio::JoinSet<u32>>();
    send_sync::<wasio::net::TcpListener>();
    send_sync::<wasio::net::UdpSocket>();
    send_sync::<wasio::net::OwnedReadHalf>();
    send_sync::<wasio::net::OwnedWriteHalf>();
    send_sync::<wasio::fs::ReadDir>();
    send_sync::<wasio::fs::DirEntry>();
    send_sync::<wasio::io::Stdin>();
    send_sync::<wasio::io::StdWriter>();
    send_sync::<wasio::time::Sleep>();
    send_sync::<wasio::time::Interval>();
    send_sync::<wasio::http::Client>();
    send_only::<wasio::http::BodySender>();
    send_only::<wasio::http::BodyReader>();
    send_only::<wasio::http::BodyStream>();
    send_sync::<wasio::rt::LocalKey<u64>>();
    boxable_error::<wasio::rt::AccessError>();
    // A handler that scopes a request ID around wasio I/O stays `Send`.
    let scoped = REQUEST_ID.scope(7, client_time_and_tasks());
    send(&scoped);
}

wasio::task_local! {
    static REQUEST_ID: u64;
}

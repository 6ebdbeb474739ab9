//! Socket checks driven by the test suite: `net_probe MODE ARGS`.

use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use std::time::Duration;
use wasio::net::{TcpListener, TcpStream, UdpSocket};

#[path = "../common/mod.rs"]
mod common;
use common::{kind_of, memory_bytes};

#[wasio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = wasio::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    run(&arg(0), &arg(1), &arg(2), &arg(3)).await.map_err(|e| format!("{e} ({:?})", e.kind()))
}

async fn run(mode: &str, a: &str, b: &str, c: &str) -> std::io::Result<()> {
    match mode {
        "connect" => {
            let mut s = TcpStream::connect(a).await?;
            println!("peer is {}", s.peer_addr()? == a.parse().unwrap());
            s.write_all(b.as_bytes()).await?;
            s.close().await?;
            let mut reply = String::new();
            s.read_to_string(&mut reply).await?;
            println!("reply: {reply}");
        }
        "refused" => println!("refused: {}", kind_of(TcpStream::connect(a).await)),
        "timeout" => {
            let ms: u64 = b.parse().unwrap();
            let r = wasio::time::timeout(Duration::from_millis(ms), TcpStream::connect(a)).await;
            println!(
                "timeout: {}",
                match r {
                    Err(e) => format!("{e}"),
                    Ok(r) => kind_of(r),
                }
            );
        }
        "no_network" => {
            let e = TcpStream::connect("127.0.0.1:9").await.unwrap_err();
            println!("no network: {:?}: {e}", e.kind());
            let e = TcpListener::bind("127.0.0.1:0").await.unwrap_err();
            println!("no network bind: {:?}", e.kind());
        }
        "udp_echo" => {
            let sock = UdpSocket::bind("127.0.0.1:0").await?;
            println!("udp on {}", sock.local_addr()?);
            let mut buf = [0u8; 2048];
            let (n, from) = sock.recv_from(&mut buf).await?;
            sock.send_to(&buf[..n], from).await?;
            println!("echoed {n} bytes");
        }
        "udp_client" => {
            let sock = UdpSocket::bind("127.0.0.1:0").await?;
            sock.connect(a).await?;
            sock.send(b.as_bytes()).await?;
            let mut buf = [0u8; 2048];
            let n = sock.recv(&mut buf).await?;
            println!("udp reply: {}", String::from_utf8_lossy(&buf[..n]));
        }
        "lookup" => {
            let mut ips: Vec<String> = wasio::net::lookup_host(a).await?.map(|s| s.ip().to_string()).collect();
            ips.sort();
            ips.dedup();
            println!("lookup: {}", ips.join(" "));
            println!("unresolvable: {}", kind_of(wasio::net::resolve("no-such-host.invalid").await));
        }
        "slow_reader" => {
            let mut s = TcpStream::connect(a).await?;
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0u64;
            let mut max_mem = 0;
            let mut sum = 0u64;
            loop {
                let n = s.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                sum = buf[..n].iter().fold(sum, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(*b)));
                total += n as u64;
                max_mem = max_mem.max(memory_bytes());
                if total % (4 << 20) < n as u64 {
                    wasio::time::sleep(Duration::from_millis(5)).await;
                }
            }
            println!("received {total} checksum {sum}");
            println!("memory {max_mem}");
        }
        "drop_inflight" => {
            // `drop_inflight PEER N CONTROL`: PEER accepts and neither reads
            // nor writes; CONTROL closes PEER's connections, then this one.
            let n: usize = b.parse().unwrap();
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            for _ in 0..n {
                // Accept in flight.
                let _ = wasio::time::timeout(Duration::ZERO, listener.accept()).await;
                // Connect in flight.
                let _ = wasio::time::timeout(Duration::ZERO, TcpStream::connect(a)).await;
                // Read and write in flight on a connection to the host's
                // server, which neither sends nor reads.
                let mut s = TcpStream::connect(a).await?;
                let mut buf = [0u8; 16];
                let _ = wasio::time::timeout(Duration::ZERO, s.read(&mut buf)).await;
                let big = vec![7u8; 64 << 20];
                let _ = wasio::time::timeout(Duration::from_millis(5), s.write_all(&big)).await;
                drop(s);
            }
            drop(listener);
            println!("dropped {n}");
            settle(c).await?;
        }
        "write_timeout" => {
            // `write_timeout PEER CONTROL`: a 64 MiB write to a peer that
            // never reads, under a timeout; then dropped.
            let mut s = TcpStream::connect(a).await?;
            let big = vec![7u8; 64 << 20];
            let r = wasio::time::timeout(Duration::from_millis(200), s.write_all(&big)).await;
            match r {
                Err(elapsed) => println!("write: {:?}", std::io::Error::from(elapsed).kind()),
                Ok(r) => println!("write: {}", kind_of(r)),
            }
            let r = wasio::time::timeout(Duration::from_millis(50), s.flush()).await;
            println!("flush: {}", if r.is_err() { "timed out" } else { "done" });
            let r = wasio::time::timeout(Duration::from_millis(50), s.close()).await;
            println!("close: {}", if r.is_err() { "timed out" } else { "done" });
            drop(s);
            // WASI 0.2 keeps the handles until the host write ends; 0.3 cancels it.
            println!("dropped, pending closes: {}", wasio::rt::pending_closes());
            settle(b).await?;
        }
        "write_half_drop" => {
            // `write_half_drop PEER CONTROL`: the same through the owned
            // write half, dropped while the read half lives on.
            let (rd, mut wr) = TcpStream::connect(a).await?.into_split();
            let big = vec![7u8; 64 << 20];
            let r = wasio::time::timeout(Duration::from_millis(200), wr.write_all(&big)).await;
            println!("write: {}", if r.is_err() { "timed out" } else { "done" });
            drop(wr);
            drop(rd);
            println!("dropped");
            settle(b).await?;
        }
        other => return Err(std::io::Error::other(format!("unknown mode {other}"))),
    }
    Ok(())
}

/// Asks the host (at `control`) to close its end of the connections, waits
/// for it, then until every dropped connection's host handles are closed
/// (WASI 0.2 closes them once the host has no write in flight: the peer's
/// close fails those writes).
async fn settle(control: &str) -> std::io::Result<()> {
    if control.is_empty() {
        return Ok(());
    }
    let mut s = TcpStream::connect(control).await?;
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).await?;
    drop(s);
    for _ in 0..10_000 {
        if wasio::rt::pending_closes() == 0 {
            break;
        }
        wasio::time::sleep(Duration::from_millis(1)).await;
    }
    println!("pending closes: {}", wasio::rt::pending_closes());
    Ok(())
}

//! Native helper for `bench/run.sh`:
//! - `loadgen serve ADDR`: a tokio echo server (the ceiling);
//! - `loadgen throughput ADDR CONNS MIB`: CONNS connections each echo MIB
//!   MiB; prints `mbps N`;
//! - `loadgen connections ADDR WORKERS SECS`: connect, echo 1 byte, close,
//!   as often as possible; prints `cps N`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr: SocketAddr = args[1].parse().expect("ADDR");
    match args[0].as_str() {
        "serve" => {
            let l = TcpListener::bind(addr).await.unwrap();
            println!("listening on {}", l.local_addr().unwrap());
            loop {
                let (mut s, _) = l.accept().await.unwrap();
                tokio::spawn(async move {
                    let (mut r, mut w) = s.split();
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                    let _ = w.shutdown().await;
                });
            }
        }
        "throughput" => {
            let conns: usize = args[2].parse().unwrap();
            let mib: usize = args[3].parse().unwrap();
            let start = Instant::now();
            let tasks: Vec<_> = (0..conns)
                .map(|_| {
                    tokio::spawn(async move {
                        let s = TcpStream::connect(addr).await.unwrap();
                        let (mut r, mut w) = s.into_split();
                        let writer = tokio::spawn(async move {
                            let chunk = vec![0xabu8; 64 * 1024];
                            for _ in 0..mib * 16 {
                                w.write_all(&chunk).await.unwrap();
                            }
                            w.shutdown().await.unwrap();
                        });
                        let mut buf = vec![0u8; 64 * 1024];
                        let mut got = 0usize;
                        loop {
                            let n = r.read(&mut buf).await.unwrap();
                            if n == 0 {
                                break;
                            }
                            got += n;
                        }
                        writer.await.unwrap();
                        assert_eq!(got, mib << 20);
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            let secs = start.elapsed().as_secs_f64();
            println!("mbps {:.1}", (conns * (mib << 20)) as f64 / secs / 1e6);
        }
        "connections" => {
            let workers: usize = args[2].parse().unwrap();
            let secs: u64 = args[3].parse().unwrap();
            let deadline = Instant::now() + Duration::from_secs(secs);
            let start = Instant::now();
            let tasks: Vec<_> = (0..workers)
                .map(|_| {
                    tokio::spawn(async move {
                        let mut n = 0u64;
                        while Instant::now() < deadline {
                            let mut s = TcpStream::connect(addr).await.unwrap();
                            s.write_all(b"x").await.unwrap();
                            let mut b = [0u8; 1];
                            s.read_exact(&mut b).await.unwrap();
                            n += 1;
                        }
                        n
                    })
                })
                .collect();
            let mut total = 0;
            for t in tasks {
                total += t.await.unwrap();
            }
            println!("cps {:.0}", total as f64 / start.elapsed().as_secs_f64());
        }
        other => panic!("unknown mode {other}"),
    }
}

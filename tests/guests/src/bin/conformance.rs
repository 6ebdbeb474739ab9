//! `conformance GROUP`: behaviour checks in the spirit of Wasmtime's own
//! WASI 0.3 test programs, written against wasio's public API. Prints
//! `ok NAME` per passed check and `FAIL NAME: why` otherwise (exit 1).
//! Groups: clocks, random, cli, fs (needs a writable preopen at /data and a
//! read-only one at /ro), tcp, udp, lookup (network flags), http URL (-Shttp;
//! URL of a host server answering every request with 200 and its method).
//! See tests/CONFORMANCE.md for the mapping.

use futures_util::{AsyncReadExt, AsyncWriteExt};
use std::io::ErrorKind;
use std::time::Duration;

struct Checks {
    failed: bool,
}

impl Checks {
    fn check(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => println!("ok {name}"),
            Err(e) => {
                println!("FAIL {name}: {e}");
                self.failed = true;
            }
        }
    }
}

/// `Err` unless `cond`.
fn ensure(cond: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(why()) }
}

/// The error kind of `r`, or a failure if it succeeded.
fn kind<T>(r: std::io::Result<T>) -> Result<ErrorKind, String> {
    match r {
        Ok(_) => Err("expected an error, got Ok".into()),
        Err(e) => Ok(e.kind()),
    }
}

async fn clocks(c: &mut Checks) {
    use wasio::time::{Instant, SystemTime, sleep};
    c.check("monotonic-clock-advances", {
        let a = Instant::now();
        sleep(Duration::from_millis(10)).await;
        let e = a.elapsed();
        ensure(e >= Duration::from_millis(10) && e < Duration::from_secs(5), || format!("slept 10 ms, elapsed {e:?}"))
    });
    c.check("wall-clock-is-recent", {
        let now: std::time::SystemTime = SystemTime::now().into();
        let secs = now.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        ensure(secs > 1_600_000_000, || format!("wall clock at {secs} s"))
    });
    c.check("zero-and-past-sleeps-complete", {
        sleep(Duration::ZERO).await;
        wasio::time::sleep_until(Instant::now()).await;
        Ok(())
    });
}

async fn random(c: &mut Checks) {
    c.check("secure-bytes-large-buffer", {
        let big = wasio::rand::secure_bytes(1 << 20);
        let zeros = big.iter().filter(|b| **b == 0).count();
        ensure(big.len() == 1 << 20 && zeros < 8192, || format!("{} bytes, {zeros} zeros", big.len()))
    });
    c.check("secure-values-differ", {
        let (a, b) = (wasio::rand::secure_u64(), wasio::rand::secure_u64());
        ensure(a != b, || format!("two secure u64s equal: {a}"))
    });
    c.check("insecure-values-and-seed", {
        let (a, b) = (wasio::rand::insecure_bytes(64), wasio::rand::insecure_bytes(64));
        let seed = wasio::rand::insecure_seed();
        ensure(a != b && seed == wasio::rand::insecure_seed(), || "insecure bytes repeat or seed changes".into())
    });
    c.check("zero-length-request", ensure(wasio::rand::secure_bytes(0).is_empty(), || "non-empty".into()));
}

async fn cli(c: &mut Checks) {
    c.check("args-start-with-program", {
        let args: Vec<String> = wasio::env::args().collect();
        ensure(args.len() >= 2 && args[1] == "cli", || format!("{args:?}"))
    });
    c.check("env-var-visible", {
        ensure(wasio::env::var("CONFORMANCE").as_deref() == Ok("1"), || "CONFORMANCE=1 not seen".into())
    });
    c.check("empty-stdin-reads-eof", {
        let mut buf = Vec::new();
        match wasio::io::stdin().read_to_end(&mut buf).await {
            Ok(0) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    c.check("much-stdout-and-flush", {
        // 4 MiB through async stdout; the test reads it all back.
        let mut out = wasio::io::stdout();
        let line = [b'.'; 1023];
        let mut r = Ok(());
        for _ in 0..4096 {
            if let Err(e) = out.write_all(&line).await.and(out.write_all(b"\n").await) {
                r = Err(e.to_string());
                break;
            }
        }
        r.and(out.flush().await.map_err(|e| e.to_string()))
    });
}

async fn fs(c: &mut Checks) {
    use wasio::fs;
    c.check(
        "file-read-write-at-offsets",
        async {
            let mut f = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open("/data/rw.bin")
                .await
                .map_err(|e| e.to_string())?;
            f.write_all(b"hello, conformance").await.map_err(|e| e.to_string())?;
            f.flush().await.map_err(|e| e.to_string())?;
            use futures_util::AsyncSeekExt;
            f.seek(std::io::SeekFrom::Start(7)).await.map_err(|e| e.to_string())?;
            let mut rest = String::new();
            f.read_to_string(&mut rest).await.map_err(|e| e.to_string())?;
            ensure(rest == "conformance", || format!("read {rest:?} at offset 7"))
        }
        .await,
    );
    c.check(
        "chunked-writes-add-up",
        async {
            let mut f = fs::File::create("/data/chunked.bin").await.map_err(|e| e.to_string())?;
            for i in 0..100u8 {
                f.write_all(&[i; 1000]).await.map_err(|e| e.to_string())?;
            }
            f.close().await.map_err(|e| e.to_string())?;
            let back = fs::read("/data/chunked.bin").await.map_err(|e| e.to_string())?;
            ensure(back.len() == 100_000 && back[99_999] == 99, || format!("{} bytes", back.len()))
        }
        .await,
    );
    c.check(
        "append-mode-appends",
        async {
            fs::write("/data/append.txt", "a").await.map_err(|e| e.to_string())?;
            let mut f =
                fs::OpenOptions::new().append(true).open("/data/append.txt").await.map_err(|e| e.to_string())?;
            f.write_all(b"b").await.map_err(|e| e.to_string())?;
            f.close().await.map_err(|e| e.to_string())?;
            let s = fs::read_to_string("/data/append.txt").await.map_err(|e| e.to_string())?;
            ensure(s == "ab", || format!("{s:?}"))
        }
        .await,
    );
    c.check(
        "readdir-lists-entries-with-types",
        async {
            fs::create_dir_all("/data/listing/sub").await.map_err(|e| e.to_string())?;
            fs::write("/data/listing/file", "x").await.map_err(|e| e.to_string())?;
            use futures_util::StreamExt;
            let mut entries = fs::read_dir("/data/listing").await.map_err(|e| e.to_string())?;
            let mut seen = Vec::new();
            while let Some(e) = entries.next().await {
                let e = e.map_err(|e| e.to_string())?;
                seen.push((e.file_name().to_string(), e.file_type().is_dir()));
            }
            seen.sort();
            ensure(seen == [("file".to_string(), false), ("sub".to_string(), true)], || format!("{seen:?}"))
        }
        .await,
    );
    c.check(
        "truncation-of-a-read-only-file-fails",
        async {
            let mut f = fs::File::open("/ro/readme.txt").await.map_err(|e| e.to_string())?;
            let k = kind(f.set_len(0).await)?;
            ensure(matches!(k, ErrorKind::PermissionDenied | ErrorKind::InvalidInput), || format!("{k:?}"))
        }
        .await,
    );
    c.check(
        "rename-out-of-a-read-only-preopen-fails",
        async {
            let k = kind(fs::rename("/ro/readme.txt", "/data/moved.txt").await)?;
            ensure(k != ErrorKind::NotFound, || format!("{k:?}"))?;
            ensure(fs::metadata("/ro/readme.txt").await.is_ok(), || "the source vanished".into())
        }
        .await,
    );
    c.check(
        "hard-link-across-preopens-fails",
        async {
            let k = kind(fs::hard_link("/ro/readme.txt", "/data/linked.txt").await)?;
            ensure(k != ErrorKind::NotFound, || format!("{k:?}"))
        }
        .await,
    );
    c.check(
        "missing-file-is-not-found",
        async {
            let k = kind(fs::File::open("/data/does-not-exist").await)?;
            ensure(k == ErrorKind::NotFound, || format!("{k:?}"))
        }
        .await,
    );
}

async fn tcp(c: &mut Checks) {
    use wasio::net::{TcpListener, TcpStream};
    c.check(
        "bind-ephemeral-port",
        async {
            let l = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
            let a = l.local_addr().map_err(|e| e.to_string())?;
            ensure(a.port() != 0 && a.ip().is_loopback(), || format!("{a}"))
        }
        .await,
    );
    c.check(
        "bind-address-in-use",
        async {
            let l = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
            let k = kind(TcpListener::bind(l.local_addr().unwrap()).await)?;
            ensure(k == ErrorKind::AddrInUse, || format!("{k:?}"))
        }
        .await,
    );
    c.check(
        "bind-non-local-address",
        async {
            let k = kind(TcpListener::bind("192.0.2.1:0").await)?;
            ensure(k == ErrorKind::AddrNotAvailable, || format!("{k:?}"))
        }
        .await,
    );
    c.check(
        "connect-to-port-zero-is-invalid",
        async {
            let k = kind(TcpStream::connect("127.0.0.1:0").await)?;
            ensure(matches!(k, ErrorKind::InvalidInput | ErrorKind::AddrNotAvailable), || format!("{k:?}"))
        }
        .await,
    );
    c.check(
        "connect-refused",
        async {
            let port = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?.local_addr().unwrap().port();
            let k = kind(TcpStream::connect(("127.0.0.1", port)).await)?;
            ensure(k == ErrorKind::ConnectionRefused, || format!("{k:?}"))
        }
        .await,
    );
    c.check(
        "accept-addresses-match",
        async {
            let l = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
            let la = l.local_addr().unwrap();
            let (client, accepted) = futures_util::future::join(TcpStream::connect(la), l.accept()).await;
            let (client, (server, peer)) = (client.map_err(|e| e.to_string())?, accepted.map_err(|e| e.to_string())?);
            ensure(
                client.peer_addr().unwrap() == la
                    && server.local_addr().unwrap() == la
                    && peer == client.local_addr().unwrap()
                    && server.peer_addr().unwrap() == peer,
                || "addresses of the two ends disagree".into(),
            )
        }
        .await,
    );
    c.check(
        "streams-half-close-and-bytes",
        async {
            let l = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
            let la = l.local_addr().unwrap();
            let server = wasio::spawn(async move {
                let (s, _) = l.accept().await?;
                let (mut rd, mut wr) = s.into_split();
                let mut got = Vec::new();
                rd.read_to_end(&mut got).await?;
                wr.write_all(format!("{} bytes", got.len()).as_bytes()).await?;
                wr.close().await?;
                std::io::Result::Ok(got)
            });
            let mut s = TcpStream::connect(la).await.map_err(|e| e.to_string())?;
            let data: Vec<u8> = (0..1_000_000u32).map(|i| i as u8).collect();
            s.write_all(&data).await.map_err(|e| e.to_string())?;
            s.close().await.map_err(|e| e.to_string())?; // half-close: the server sees EOF
            let mut reply = String::new();
            s.read_to_string(&mut reply).await.map_err(|e| e.to_string())?;
            let got = server.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
            ensure(got == data && reply == "1000000 bytes", || format!("reply {reply:?}"))
        }
        .await,
    );
    c.check(
        "socket-options-round-trip",
        async {
            let l = TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
            let s = TcpStream::connect(l.local_addr().unwrap()).await.map_err(|e| e.to_string())?;
            s.set_keepalive(true).map_err(|e| e.to_string())?;
            s.set_ttl(42).map_err(|e| e.to_string())?;
            s.set_recv_buffer_size(64 * 1024).map_err(|e| e.to_string())?;
            let k = kind(s.set_ttl(0))?;
            ensure(s.keepalive().unwrap() && s.ttl().unwrap() == 42 && k == ErrorKind::InvalidInput, || {
                format!("keepalive {:?} ttl {:?} zero-ttl {k:?}", s.keepalive(), s.ttl())
            })?;
            ensure(s.recv_buffer_size().unwrap() > 0, || "no receive buffer size".into())
        }
        .await,
    );
}

async fn udp(c: &mut Checks) {
    use wasio::net::UdpSocket;
    c.check(
        "udp-bind-ephemeral-and-in-use",
        async {
            let a = UdpSocket::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
            let addr = a.local_addr().unwrap();
            let k = kind(UdpSocket::bind(addr).await)?;
            ensure(addr.port() != 0 && k == ErrorKind::AddrInUse, || format!("{addr} {k:?}"))
        }
        .await,
    );
    c.check(
        "udp-send-to-recv-from",
        async {
            let (a, b) = (UdpSocket::bind("127.0.0.1:0").await.unwrap(), UdpSocket::bind("127.0.0.1:0").await.unwrap());
            let (aa, ba) = (a.local_addr().unwrap(), b.local_addr().unwrap());
            a.send_to(b"ping", ba).await.map_err(|e| e.to_string())?;
            let mut buf = [0u8; 16];
            let (n, from) = b.recv_from(&mut buf).await.map_err(|e| e.to_string())?;
            ensure(&buf[..n] == b"ping" && from == aa, || format!("{n} bytes from {from}"))
        }
        .await,
    );
    c.check(
        "udp-connected-send-recv",
        async {
            let (a, b) = (UdpSocket::bind("127.0.0.1:0").await.unwrap(), UdpSocket::bind("127.0.0.1:0").await.unwrap());
            a.connect(b.local_addr().unwrap()).await.map_err(|e| e.to_string())?;
            b.connect(a.local_addr().unwrap()).await.map_err(|e| e.to_string())?;
            a.send(b"over a connection").await.map_err(|e| e.to_string())?;
            let mut buf = [0u8; 64];
            let n = b.recv(&mut buf).await.map_err(|e| e.to_string())?;
            ensure(&buf[..n] == b"over a connection" && a.peer_addr().unwrap() == b.local_addr().unwrap(), || {
                format!("{n} bytes")
            })
        }
        .await,
    );
    c.check(
        "udp-empty-datagram",
        async {
            let (a, b) = (UdpSocket::bind("127.0.0.1:0").await.unwrap(), UdpSocket::bind("127.0.0.1:0").await.unwrap());
            a.send_to(b"", b.local_addr().unwrap()).await.map_err(|e| e.to_string())?;
            let mut buf = [0u8; 4];
            let (n, _) = b.recv_from(&mut buf).await.map_err(|e| e.to_string())?;
            ensure(n == 0, || format!("{n} bytes"))
        }
        .await,
    );
    c.check(
        "udp-socket-options",
        async {
            let s = UdpSocket::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
            let (ttl, rcv, snd) = (s.ttl(), s.recv_buffer_size(), s.send_buffer_size());
            ensure(
                matches!(ttl, Ok(t) if t > 0) && matches!(rcv, Ok(r) if r > 0) && matches!(snd, Ok(n) if n > 0),
                || format!("defaults: ttl {ttl:?} rcv {rcv:?} snd {snd:?}"),
            )?;
            let zero = [kind(s.set_ttl(0))?, kind(s.set_recv_buffer_size(0))?, kind(s.set_send_buffer_size(0))?];
            let big = kind(s.set_ttl(256))?;
            ensure(zero.iter().chain([&big]).all(|k| *k == ErrorKind::InvalidInput), || format!("{zero:?} {big:?}"))?;
            for ttl in [1, 42, 255] {
                s.set_ttl(ttl).map_err(|e| e.to_string())?;
                ensure(s.ttl().ok() == Some(ttl), || format!("ttl {:?} after setting {ttl}", s.ttl()))?;
            }
            // Any size but 0 is accepted, clamped or rounded by the host.
            for size in [1, 64 * 1024, u64::MAX] {
                s.set_recv_buffer_size(size).map_err(|e| format!("rcv {size}: {e}"))?;
                s.set_send_buffer_size(size).map_err(|e| format!("snd {size}: {e}"))?;
                let (r, n) = (s.recv_buffer_size().unwrap_or(0), s.send_buffer_size().unwrap_or(0));
                ensure(r > 0 && n > 0, || format!("after {size}: rcv {r} snd {n}"))?;
            }
            Ok(())
        }
        .await,
    );
    c.check(
        "udp-disconnect",
        async {
            let (a, b) = (UdpSocket::bind("127.0.0.1:0").await.unwrap(), UdpSocket::bind("127.0.0.1:0").await.unwrap());
            let not_connected = kind(a.disconnect())?;
            a.connect(b.local_addr().unwrap()).await.map_err(|e| e.to_string())?;
            a.disconnect().map_err(|e| e.to_string())?;
            let peer = kind(a.peer_addr())?;
            // Unconnected again: a datagram to another address goes out.
            let c = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            a.send_to(b"after", c.local_addr().unwrap()).await.map_err(|e| e.to_string())?;
            let mut buf = [0u8; 8];
            let (n, from) = c.recv_from(&mut buf).await.map_err(|e| e.to_string())?;
            ensure(
                not_connected == ErrorKind::InvalidInput
                    && peer == ErrorKind::InvalidInput
                    && &buf[..n] == b"after"
                    && from == a.local_addr().unwrap(),
                || format!("disconnect before connect {not_connected:?}, peer after {peer:?}, {n} bytes from {from}"),
            )
        }
        .await,
    );
}

async fn lookup(c: &mut Checks) {
    c.check(
        "lookup-localhost",
        async {
            let addrs: Vec<_> = wasio::net::lookup_host(("localhost", 80)).await.map_err(|e| e.to_string())?.collect();
            ensure(addrs.iter().any(|a| a.ip().is_loopback()), || format!("{addrs:?}"))
        }
        .await,
    );
    c.check(
        "lookup-ip-literal",
        async {
            let addrs: Vec<_> = wasio::net::lookup_host("127.0.0.1:9").await.map_err(|e| e.to_string())?.collect();
            ensure(addrs == ["127.0.0.1:9".parse().unwrap()], || format!("{addrs:?}"))
        }
        .await,
    );
    c.check(
        "lookup-invalid-name-is-an-error",
        async { kind(wasio::net::lookup_host(("not a valid name!", 80)).await).map(|_| ()) }.await,
    );
}

async fn http(c: &mut Checks, base: &str) {
    use wasio::http::{Body, Client, Request};
    let client = Client::new().connect_timeout(Duration::from_secs(5));
    for method in ["GET", "POST", "PUT", "DELETE", "CUSTOM"] {
        c.check(
            &format!("http-method-{method}"),
            async {
                let req = Request::builder()
                    .method(method)
                    .uri(format!("{base}/m"))
                    .body(Body::from(if method == "GET" { "" } else { "payload" }))
                    .map_err(|e| e.to_string())?;
                let res = client.send(req).await.map_err(|e| e.to_string())?;
                let status = res.status();
                let text = res.into_body().text().await.map_err(|e| e.to_string())?;
                ensure(status == 200 && text.starts_with(method), || format!("{status} {text:?}"))
            }
            .await,
        );
    }
    c.check(
        "http-large-post",
        async {
            let body = vec![b'x'; 4 << 20];
            let res = client.send(Request::post(format!("{base}/big")).body(body).map_err(|e| e.to_string())?).await;
            let text = res.map_err(|e| e.to_string())?.into_body().text().await.map_err(|e| e.to_string())?;
            ensure(text == format!("POST {}", 4 << 20), || text)
        }
        .await,
    );
    for (name, url) in [
        ("http-invalid-port", "http://127.0.0.1:99999/"),
        ("http-invalid-dns-name", "http://not-a-real-host.invalid/"),
        ("http-unsupported-scheme", "ftp://127.0.0.1/"),
    ] {
        c.check(
            name,
            async {
                let req = Request::get(url).body(Body::empty());
                match req {
                    Err(_) => Ok(()), // rejected before it reaches the host
                    Ok(req) => match client.send(req).await {
                        Ok(res) => Err(format!("got {}", res.status())),
                        Err(_) => Ok(()),
                    },
                }
            }
            .await,
        );
    }
    c.check(
        "http-forbidden-header-is-an-error",
        async {
            let req = Request::get(format!("{base}/")).header("connection", "close").body(Body::empty()).unwrap();
            ensure(client.send(req).await.is_err(), || "sent a forbidden header".into())
        }
        .await,
    );
    c.check(
        "http-content-length-mismatch-is-an-error",
        async {
            let req = Request::post(format!("{base}/cl"))
                .header("content-length", "10")
                .body(Body::from("too short"))
                .unwrap();
            ensure(client.send(req).await.is_err(), || "a body shorter than content-length was sent".into())
        }
        .await,
    );
}

#[wasio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = wasio::env::args().collect();
    let mut c = Checks { failed: false };
    match args.get(1).map(String::as_str) {
        Some("clocks") => clocks(&mut c).await,
        Some("random") => random(&mut c).await,
        Some("cli") => cli(&mut c).await,
        Some("fs") => fs(&mut c).await,
        Some("tcp") => tcp(&mut c).await,
        Some("udp") => udp(&mut c).await,
        Some("lookup") => lookup(&mut c).await,
        Some("http") => http(&mut c, args.get(2).ok_or("http needs a base URL")?).await,
        other => return Err(format!("unknown group {other:?}")),
    }
    if c.failed { Err("some checks failed".into()) } else { Ok(()) }
}

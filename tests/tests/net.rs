//! `wasio::net` with real sockets on 127.0.0.1: the `tcp-echo` example and
//! the `net_probe` guest under `wasmtime run -Sinherit-network` — each in
//! its WASI 0.3 and its WASI 0.2 (`p2`) build, with the same assertions —
//! driven by host-side clients and servers; the embedded host for the
//! resource table.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasio_tests::{BACKENDS, Backend, random_bytes, run_cli_in, run_command, store, wasmtime_cli};
use wasmtime_wasi::WasiCtxBuilder;

/// A guest running in the background, with its stderr collected.
struct Running {
    child: Child,
    first_line: String,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    fn start(b: Backend, name: &str, flags: &[&str], args: &[&str]) -> Running {
        let mut child = Command::new(wasmtime_cli())
            .arg("run")
            .args(flags)
            .arg(b.wasm(name))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (sink, mut pipe) = (stderr.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Running { child, first_line, stderr }
    }

    /// The address in a first line like `listening on ADDR`.
    fn addr(&self) -> SocketAddr {
        self.first_line.trim().rsplit(' ').next().unwrap().parse().unwrap()
    }

    fn wait_for_stderr(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.stderr.lock().unwrap().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn echo_once(addr: SocketAddr, data: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let writer = {
        let mut w = s.try_clone().unwrap();
        let data = data.to_vec();
        std::thread::spawn(move || {
            w.write_all(&data).unwrap();
            // Half-close: the server sees end-of-stream and closes its side.
            w.shutdown(Shutdown::Write).unwrap();
        })
    };
    let mut got = Vec::new();
    s.read_to_end(&mut got).unwrap();
    writer.join().unwrap();
    got
}

#[test]
fn echo_server_echoes_1_mib_and_200_concurrent_connections() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let server = Running::start(b, "tcp-echo", &["-Sinherit-network"], &["127.0.0.1:0"]);
        let addr = server.addr();
        let data = random_bytes(1 << 20, 1);
        assert!(echo_once(addr, &data) == data, "1 MiB echoed byte for byte");

        let threads: Vec<_> = (0..200u64)
            .map(|i| {
                std::thread::spawn(move || {
                    let data = random_bytes(64 * 1024, i + 10);
                    echo_once(addr, &data) == data
                })
            })
            .collect();
        let ok = threads.into_iter().map(|t| t.join().unwrap()).filter(|ok| *ok).count();
        assert_eq!(ok, 200, "every concurrent connection echoed its 64 KiB");
        assert!(server.wait_for_stderr("echoed 65536 bytes"));
    }
}

#[test]
fn a_peer_reset_surfaces_as_an_error() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let server = Running::start(b, "tcp-echo", &["-Sinherit-network"], &["127.0.0.1:0"]);
        let s = TcpStream::connect(server.addr()).unwrap();
        (&s).write_all(b"some bytes").unwrap();
        std::thread::sleep(Duration::from_millis(100));
        socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO)).unwrap();
        drop(s); // RST
        assert!(server.wait_for_stderr("error ConnectionReset"), "server stderr: {}", server.stderr.lock().unwrap());
    }
}

#[test]
fn guest_client_talks_to_a_host_server() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut req = String::new();
            s.read_to_string(&mut req).unwrap();
            s.write_all(format!("pong:{req}").as_bytes()).unwrap();
        });
        let out = run_cli("net_probe", &["-Sinherit-network"], &["connect", &addr.to_string(), "ping"], b"");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "peer is true\nreply: pong:ping\n");
        server.join().unwrap();
    }
}

#[test]
fn refused_timeout_and_no_network_are_errors() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let out = run_cli("net_probe", &["-Sinherit-network"], &["refused", &closed.to_string()], b"");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "refused: ConnectionRefused\n");

        // A listener that never accepts, its backlog filled: SYNs go unanswered.
        let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        sock.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
        sock.listen(0).unwrap();
        let addr = sock.local_addr().unwrap().as_socket().unwrap();
        let _fill: Vec<_> =
            (0..4).filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()).collect();
        let out = run_cli("net_probe", &["-Sinherit-network"], &["timeout", &addr.to_string(), "300"], b"");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "timeout: deadline has elapsed\n");

        let out = run_cli("net_probe", &[], &["no_network"], b"");
        // Wasmtime 48 and later refuse the socket's creation, 46 and 47 its
        // connect (which names the address).
        let op = if wasio_tests::wasmtime_cli_major() < 48 { "connect 127.0.0.1:9" } else { "connect" };
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!(
                "no network: PermissionDenied: {op}: network access denied by the host \
                 (it must grant sockets, e.g. `wasmtime run -Sinherit-network`)\nno network bind: PermissionDenied\n"
            )
        );
    }
}

#[test]
fn udp_round_trips_both_ways_and_localhost_resolves() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let guest = Running::start(b, "net_probe", &["-Sinherit-network"], &["udp_echo"]);
        let host = UdpSocket::bind("127.0.0.1:0").unwrap();
        host.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        host.send_to(b"datagram to the guest", guest.addr()).unwrap();
        let mut buf = [0u8; 2048];
        let (n, from) = host.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"datagram to the guest");
        assert_eq!(from, guest.addr());

        let host = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = host.local_addr().unwrap();
        let responder = std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            let (n, from) = host.recv_from(&mut buf).unwrap();
            let mut reply = b"re:".to_vec();
            reply.extend_from_slice(&buf[..n]);
            host.send_to(&reply, from).unwrap();
        });
        let out = run_cli("net_probe", &["-Sinherit-network"], &["udp_client", &addr.to_string(), "hi"], b"");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "udp reply: re:hi\n");
        responder.join().unwrap();

        let out =
            run_cli("net_probe", &["-Sinherit-network", "-Sallow-ip-name-lookup"], &["lookup", "localhost:80"], b"");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with("lookup: ") && stdout.contains("127.0.0.1"), "{stdout}");
        assert!(stdout.ends_with("unresolvable: NotFound\n"), "{stdout}");
    }
}

#[test]
fn a_slow_reader_keeps_guest_memory_bounded() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let total: u64 = 100 << 20;
        let sender = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let chunk = random_bytes(1 << 20, 99);
            let mut sum = 0u64;
            for _ in 0..100 {
                s.write_all(&chunk).unwrap();
                sum = chunk.iter().fold(sum, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(*b)));
            }
            sum
        });
        let out = run_cli("net_probe", &["-Sinherit-network"], &["slow_reader", &addr.to_string()], b"");
        let sum = sender.join().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with(&format!("received {total} checksum {sum}\n")), "{stdout}");
        let mem: usize = stdout.lines().find_map(|l| l.strip_prefix("memory ")).unwrap().parse().unwrap();
        assert!(mem < 4 << 20, "guest memory {mem} while receiving 100 MiB");
    }
}

/// A host peer that accepts connections and never reads from them, with a
/// receive buffer of 4 KiB (set before `listen`, so every accepted socket
/// has it), whatever the kernel's defaults: a 64 MiB write can never
/// complete. A connection to `control` closes every held connection (the
/// unread data makes that a reset, which fails the guest's host writes),
/// then closes itself. Both listeners stay open for later runs.
struct HoldingPeer {
    addr: String,
    control: String,
}

impl HoldingPeer {
    fn start() -> HoldingPeer {
        let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        sock.set_recv_buffer_size(4096).unwrap();
        sock.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
        sock.listen(1024).unwrap();
        let data: TcpListener = sock.into();
        let control = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = HoldingPeer {
            addr: data.local_addr().unwrap().to_string(),
            control: control.local_addr().unwrap().to_string(),
        };
        data.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for c in control.incoming() {
                // Every connection the guest made before this one is queued.
                while let Ok((s, _)) = data.accept() {
                    held.push(s);
                }
                held.clear();
                drop(c);
            }
        });
        peer
    }
}

/// Runs `net_probe args` on the embedded host with the network on; the
/// guest's stdout and the host's handle count after it returned, compared
/// with before. Fails naming `what` and the backend if it takes over 60 s.
async fn probe_embedded(b: Backend, args: &[&str], what: &str) -> String {
    let stdout = wasmtime_wasi::p2::pipe::MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.inherit_network().allow_tcp(true).inherit_stderr().arg("net_probe").args(args).stdout(stdout.clone());
    let mut store = store(ctx);
    let (baseline, status) = tokio::time::timeout(Duration::from_secs(60), run_command(&mut store, b, "net_probe"))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{b:?} backend: {what} hung (no exit within 60 s); stdout so far: {:?}",
                String::from_utf8_lossy(&stdout.contents())
            )
        })
        .unwrap();
    let out = String::from_utf8_lossy(&stdout.contents()).into_owned();
    assert_eq!(status, Ok(()), "{b:?} backend: {what}: {out}");
    wasio_tests::assert_no_leaks(&mut store, baseline).await.unwrap_or_else(|e| panic!("{b:?} backend: {what}: {e}"));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_accepts_connects_reads_and_writes_release_their_handles() {
    let peer = HoldingPeer::start();
    for (b, n) in BACKENDS.into_iter().flat_map(|b| ["0", "1", "20"].map(|n| (b, n))) {
        let what = format!("drop_inflight {n} (accept, connect, read and 64 MiB write under timeouts, then dropped)");
        let out = probe_embedded(b, &["drop_inflight", &peer.addr, n, &peer.control], &what).await;
        assert_eq!(out, format!("dropped {n}\npending closes: 0\n"), "{b:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_64_mib_write_to_a_peer_that_never_reads_returns_and_releases_its_handles() {
    let peer = HoldingPeer::start();
    for b in BACKENDS {
        let out = probe_embedded(b, &["write_timeout", &peer.addr, &peer.control], "write_timeout").await;
        let held = if b == Backend::P2 { 1 } else { 0 };
        let expected = format!(
            "write: TimedOut\nflush: timed out\nclose: timed out\ndropped, pending closes: {held}\npending closes: 0\n"
        );
        assert_eq!(out, expected, "{b:?}");
        let what = "write_half_drop";
        let out = probe_embedded(b, &["write_half_drop", &peer.addr, &peer.control], what).await;
        assert_eq!(out, "write: timed out\ndropped\npending closes: 0\n", "{b:?}");
    }
}

#[test]
fn a_timed_out_write_returns_on_the_wasmtime_cli_too() {
    let peer = HoldingPeer::start();
    for b in BACKENDS {
        let args = ["write_timeout", peer.addr.as_str(), peer.control.as_str()];
        let out = wasio_tests::run_cli_within(b, "net_probe", &["-Sinherit-network"], &args, Duration::from_secs(60));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let held = if b == Backend::P2 { 1 } else { 0 };
        // Wasmtime 46 and 47's WASI 0.2 TCP stream takes a whole write into a
        // host buffer (no backpressure): the write returns, the flush waits.
        let write = if b == Backend::P2 && wasio_tests::wasmtime_cli_major() < 48 { "ok" } else { "TimedOut" };
        let expected = format!(
            "write: {write}\nflush: timed out\nclose: timed out\ndropped, pending closes: {held}\npending closes: 0\n"
        );
        assert_eq!(stdout, expected, "{b:?}: {out:?}");
        assert!(out.status.success(), "{b:?}: {out:?}");
    }
}

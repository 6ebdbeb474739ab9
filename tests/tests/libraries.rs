//! Async libraries ported to wasio, each an example run on the wasmtime CLI
//! with real clients: hyper 1.x (HTTP/1 server and client over
//! `wasio::net`), async-compression (gzip over `wasio::fs::File`) and
//! async-tungstenite (WebSockets over `wasio::net`).

use std::io::{Read, Write};
use std::process::Command;
use wasio_tests::{BACKENDS, Backend, Served, free_addr, random_bytes, run_cli_in};

/// `hyper-hello serve` on a free port, killed when dropped.
fn hyper_server(b: Backend) -> Served {
    let addr = free_addr();
    Served::run_listening(&b.wasm("hyper-hello"), &["-Sinherit-network"], &["serve", &addr.to_string()], addr)
}

#[test]
fn hyper_server_on_wasio_answers_curl_and_keeps_connections_alive() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let server = hyper_server(b);
        // Two requests on one connection (curl reuses it), GET and POST.
        let out = Command::new("curl")
            .args(["-s", "-i", &format!("http://{}/Ferris", server.addr)])
            .args(["--next", "-s", "--data-binary", "posted by curl", &format!("http://{}/echo", server.addr)])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
        assert!(text.contains("content-length: 15"), "{text}");
        assert!(text.contains("\r\n\r\nHello, Ferris!\n"), "{text}");
        assert!(text.ends_with("posted by curl"), "{text}");

        // A 2 MiB body echoed through hyper's body handling.
        let body = random_bytes(2 << 20, 11);
        let mut s = std::net::TcpStream::connect(&server.addr).unwrap();
        write!(s, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
            .unwrap();
        s.write_all(&body).unwrap();
        let mut resp = Vec::new();
        s.read_to_end(&mut resp).unwrap();
        let split = resp.windows(4).position(|w| w == b"\r\n\r\n").expect("response head") + 4;
        assert!(resp.starts_with(b"HTTP/1.1 200 OK"));
        assert!(resp[split..] == body[..], "echoed body differs");

        // An unknown method gets hyper's response from our handler: 405.
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", &format!("http://{}/x", server.addr)])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "405");
    }
}

#[test]
fn hyper_client_on_wasio_talks_to_the_hyper_server_on_wasio() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let server = hyper_server(b);
        let out =
            run_cli("hyper-hello", &["-Sinherit-network"], &["get", &format!("http://{}/wasm", server.addr)], b"");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            stdout,
            "GET 200 OK content-length=13 body=\"Hello, wasm!\\n\"\nPOST 200 OK content-length=11 body=\"posted body\"\n"
        );
    }
}

#[test]
fn hyper_client_reports_a_refused_connection() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let port = free_addr().port(); // nobody listens there
        let out = run_cli("hyper-hello", &["-Sinherit-network"], &["get", &format!("http://127.0.0.1:{port}/")], b"");
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).to_lowercase().contains("refused"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn async_compression_gzips_files_both_ways_with_host_gzip() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        // Compressible text, 8 MiB.
        let text: Vec<u8> =
            (0..8 << 20).map(|i: u32| b"wasio gzip example "[(i % 19) as usize] ^ ((i >> 16) as u8 & 1)).collect();
        std::fs::write(dir.path().join("in.txt"), &text).unwrap();
        let preopen = format!("{}::/data", dir.path().display());
        let run = |args: &[&str]| {
            let out = run_cli_in(b, "gzip", &["--dir", &preopen], args, b"");
            assert!(out.status.success(), "{b:?} {:?}: {}", args, String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };

        // Guest compresses; the host's gzip decompresses it byte for byte.
        assert_eq!(run(&["compress", "/data/in.txt", "/data/in.txt.gz"]), "compress: 8388608 bytes in\n");
        let gz = std::fs::read(dir.path().join("in.txt.gz")).unwrap();
        assert!(gz.len() < text.len() / 10, "compressed to {} bytes", gz.len());
        let host = Command::new("gzip").arg("-dc").arg(dir.path().join("in.txt.gz")).output().unwrap();
        assert!(host.status.success());
        assert!(host.stdout == text, "host gunzip of the guest's gzip differs");

        // The host compresses; the guest decompresses.
        let host_gz = Command::new("gzip").arg("-c").arg(dir.path().join("in.txt")).output().unwrap().stdout;
        std::fs::write(dir.path().join("host.gz"), host_gz).unwrap();
        assert_eq!(run(&["decompress", "/data/host.gz", "/data/out.txt"]), "decompress: 8388608 bytes in\n");
        assert!(std::fs::read(dir.path().join("out.txt")).unwrap() == text, "guest gunzip differs");

        // Corrupt input is a clean error, not a trap.
        std::fs::write(dir.path().join("bad.gz"), b"not gzip at all").unwrap();
        let out = run_cli_in(b, "gzip", &["--dir", &preopen], &["decompress", "/data/bad.gz", "/data/bad.out"], b"");
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("decompress /data/bad.gz"));
    }
}

/// `ws-echo serve` on a free port.
fn ws_server(b: Backend) -> Served {
    let addr = free_addr();
    Served::run_listening(&b.wasm("ws-echo"), &["-Sinherit-network"], &["serve", &addr.to_string()], addr)
}

/// A WebSocket client written out by hand from RFC 6455 on a host TCP
/// socket: the handshake (with the RFC's sample key, whose accept value is
/// known), masked client frames, the server's unmasked echoes, and a close.
#[test]
fn websocket_server_on_wasio_speaks_rfc_6455_to_a_host_client() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let server = ws_server(b);
        let mut s = std::net::TcpStream::connect(server.addr).unwrap();
        write!(
            s,
            "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            s.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_lowercase();
        assert!(head.starts_with("http/1.1 101"), "{head}");
        assert!(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), "{head}");

        let send = |s: &mut std::net::TcpStream, opcode: u8, payload: &[u8]| {
            assert!(payload.len() < 126);
            let mask = [0x12u8, 0x34, 0x56, 0x78];
            let mut frame = vec![0x80 | opcode, 0x80 | payload.len() as u8];
            frame.extend_from_slice(&mask);
            frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
            s.write_all(&frame).unwrap();
        };
        let recv = |s: &mut std::net::TcpStream| -> (u8, Vec<u8>) {
            let mut hdr = [0u8; 2];
            s.read_exact(&mut hdr).unwrap();
            assert_eq!(hdr[1] & 0x80, 0, "server frames are not masked");
            let mut payload = vec![0u8; (hdr[1] & 0x7f) as usize];
            s.read_exact(&mut payload).unwrap();
            (hdr[0], payload)
        };
        for text in ["hello", "wasio websockets", ""] {
            send(&mut s, 0x1, text.as_bytes());
            assert_eq!(recv(&mut s), (0x81, text.as_bytes().to_vec()));
        }
        send(&mut s, 0x2, &[0, 1, 2, 255]);
        assert_eq!(recv(&mut s), (0x82, vec![0, 1, 2, 255]));
        send(&mut s, 0x8, &[0x03, 0xe8]); // close, 1000
        assert_eq!(recv(&mut s).0, 0x88, "the server answers a close with a close");
    }
}

#[test]
fn websocket_client_on_wasio_talks_to_the_server_on_wasio() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let server = ws_server(b);
        let out = run_cli("ws-echo", &["-Sinherit-network"], &["talk", &format!("ws://{}/", server.addr), "2"], b"");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "handshake: 101 Switching Protocols\necho: message 0\necho: message 1\nbinary echo: [1, 2, 3]\n"
        );
    }
}

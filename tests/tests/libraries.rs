//! Async libraries ported to wasio, each an example run on the wasmtime CLI
//! with real clients: hyper 1.x (HTTP/1 server and client over
//! `wasio::net`) and async-compression (gzip over `wasio::fs::File`).

use std::io::{Read, Write};
use std::process::Command;
use wasio_tests::{Served, free_addr, random_bytes, run_cli, wasm_path};

/// `hyper-hello serve` on a free port, killed when dropped.
fn hyper_server() -> Served {
    let addr = free_addr();
    Served::run_listening(&wasm_path("hyper-hello"), &["-Sinherit-network"], &["serve", &addr.to_string()], addr)
}

#[test]
fn hyper_server_on_wasio_answers_curl_and_keeps_connections_alive() {
    let server = hyper_server();
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
    write!(s, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
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

#[test]
fn hyper_client_on_wasio_talks_to_the_hyper_server_on_wasio() {
    let server = hyper_server();
    let out = run_cli("hyper-hello", &["-Sinherit-network"], &["get", &format!("http://{}/wasm", server.addr)], b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        stdout,
        "GET 200 OK content-length=13 body=\"Hello, wasm!\\n\"\nPOST 200 OK content-length=11 body=\"posted body\"\n"
    );
}

#[test]
fn hyper_client_reports_a_refused_connection() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = run_cli("hyper-hello", &["-Sinherit-network"], &["get", &format!("http://127.0.0.1:{port}/")], b"");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).to_lowercase().contains("refused"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn async_compression_gzips_files_both_ways_with_host_gzip() {
    let dir = tempfile::tempdir().unwrap();
    // Compressible text, 8 MiB.
    let text: Vec<u8> =
        (0..8 << 20).map(|i: u32| b"wasio gzip example "[(i % 19) as usize] ^ ((i >> 16) as u8 & 1)).collect();
    std::fs::write(dir.path().join("in.txt"), &text).unwrap();
    let preopen = format!("{}::/data", dir.path().display());
    let run = |args: &[&str]| {
        let out = run_cli("gzip", &["--dir", &preopen], args, b"");
        assert!(out.status.success(), "{:?}: {}", args, String::from_utf8_lossy(&out.stderr));
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
    let out = run_cli("gzip", &["--dir", &preopen], &["decompress", "/data/bad.gz", "/data/bad.out"], b"");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("decompress /data/bad.gz"));
}

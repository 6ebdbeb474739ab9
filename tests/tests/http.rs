//! `wasio::http` under `wasmtime serve`, driven by curl and by a Rust HTTP
//! client over real TCP connections on 127.0.0.1.

use std::process::Command;
use std::time::{Duration, Instant};
use wasio_tests::{Served, http_request, random_bytes};

#[test]
fn curl_gets_hello() {
    let served = Served::start("http-hello", &[]);
    let out = Command::new("curl").args(["-s", "-i", &format!("http://{}/", served.addr)]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(text.starts_with("HTTP/1.1 200 OK\n"), "{text}");
    assert!(text.contains("\nx-wasio: 1\n"), "{text}");
    assert!(text.ends_with("\n\nhello from wasio\n"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_are_all_answered() {
    let served = Served::start("http-hello", &[]);
    let addr = served.addr;
    let tasks: Vec<_> =
        (0..1000).map(|_| tokio::spawn(async move { http_request(addr, "GET", "/", &[], None).await })).collect();
    let mut ok = 0;
    for t in tasks {
        let r = t.await.unwrap().unwrap();
        if r.status == 200 && r.body == b"hello from wasio\n" && r.header("x-wasio") == Some("1") {
            ok += 1;
        }
    }
    assert_eq!(ok, 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_of_100_mib_streams_byte_for_byte() {
    let served = Served::start("http-hello", &[]);
    let data = random_bytes(100 << 20, 5);
    let r = http_request(served.addr, "POST", "/echo", &[], Some(data.clone())).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), data.len());
    assert!(r.body == data, "echoed byte for byte");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mib_upload_is_read_in_bounded_memory() {
    let served = Served::start("http-hello", &[]);
    let r = http_request(served.addr, "POST", "/count", &[], Some(random_bytes(100 << 20, 6))).await.unwrap();
    let text = String::from_utf8(r.body).unwrap();
    let (count, mem) = text.trim().split_once(" bytes, memory ").unwrap();
    assert_eq!(count, "104857600");
    assert!(mem.parse::<usize>().unwrap() < 4 << 20, "guest memory {mem}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_trailers_reach_the_handler() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let served = Served::start("http-hello", &[]);
    let mut s = tokio::net::TcpStream::connect(served.addr).await.unwrap();
    let body = b"hello trailers";
    let req = format!(
        "POST /trailers HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nTransfer-Encoding: chunked\r\nTrailer: x-sum\r\n\
         Connection: close\r\n\r\n{:x}\r\n{}\r\n0\r\nx-sum: 42\r\n\r\n",
        body.len(),
        std::str::from_utf8(body).unwrap()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("14 bytes, trailers [x-sum=42]"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_streams_after_returning() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let served = Served::start("http-hello", &[]);
    let mut s = tokio::net::TcpStream::connect(served.addr).await.unwrap();
    s.write_all(b"GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut rd = BufReader::new(s);
    let mut status = String::new();
    rd.read_line(&mut status).await.unwrap();
    let head_at = Instant::now();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let mut rest = Vec::new();
    rd.read_to_end(&mut rest).await.unwrap();
    let spent = head_at.elapsed();
    let text = String::from_utf8_lossy(&rest);
    for i in 0..5 {
        assert!(text.contains(&format!("chunk {i}\n")), "{text}");
    }
    // The head arrived before the body was produced (5 chunks, 20 ms apart).
    assert!(spent >= Duration::from_millis(60), "body took {spent:?} after the head");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_and_refused_headers_become_500s() {
    let served = Served::start("http-hello", &[]);
    let r = http_request(served.addr, "GET", "/error", &[], None).await.unwrap();
    assert_eq!((r.status, String::from_utf8_lossy(&r.body).to_string()), (500, "something went wrong\n".to_string()));
    let r = http_request(served.addr, "GET", "/bad-header", &[], None).await.unwrap();
    assert_eq!(r.status, 500);
    assert!(String::from_utf8_lossy(&r.body).contains("invalid header \"connection\""));
    let r = http_request(served.addr, "GET", "/nope", &[], None).await.unwrap();
    assert_eq!(r.status, 404);
    let r = http_request(served.addr, "GET", "/proxy", &[], None).await.unwrap();
    assert_eq!((r.status, String::from_utf8_lossy(&r.body).to_string()), (400, "usage: /proxy?URL\n".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_handler_calls_out_with_the_client() {
    let served = Served::start("http-hello", &["-Shttp"]);
    let target = format!("/proxy?http://{}/", served.addr);
    let r = http_request(served.addr, "GET", &target, &[], None).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-proxied"), Some("1"));
    assert_eq!(r.body, b"hello from wasio\n");
    // A refused upstream is an error carrying the WASI code, answered 502.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let r = http_request(served.addr, "GET", &format!("/proxy?http://{closed}/"), &[], None).await.unwrap();
    assert_eq!(r.status, 502);
    assert!(String::from_utf8_lossy(&r.body).contains("connection-refused"), "{}", String::from_utf8_lossy(&r.body));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_disconnect_mid_body_stops_the_guest_producer() {
    use std::io::Read;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut served = Served::start_with_stderr("http-hello", &[], std::process::Stdio::piped());
    let mut stderr = served.child.stderr.take().unwrap();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = log.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut s = tokio::net::TcpStream::connect(served.addr).await.unwrap();
    s.write_all(b"GET /forever HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut got = 0;
    let mut buf = vec![0u8; 64 * 1024];
    while got < 256 * 1024 {
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0);
        got += n;
    }
    drop(s); // the client goes away mid-body
    let deadline = Instant::now() + Duration::from_secs(20);
    while !log.lock().unwrap().contains("producer stopped") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let text = log.lock().unwrap().clone();
    assert!(text.contains("forever: client gone after"), "guest stderr: {text}");
}

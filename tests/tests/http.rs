//! `wasio::http` under `wasmtime serve`, driven by curl and by a Rust HTTP
//! client over real TCP connections on 127.0.0.1. The CLI tests run both
//! builds of each component — WASI 0.3 and wasio's `p2` feature (WASI 0.2)
//! — with the same assertions.

use std::process::Command;
use std::time::{Duration, Instant};
use wasio_tests::{BACKENDS, Backend, Served, http_request, random_bytes};

#[test]
fn curl_gets_hello() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-hello", &[]);
        let out = Command::new("curl").args(["-s", "-i", &format!("http://{}/", served.addr)]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
        assert!(text.starts_with("HTTP/1.1 200 OK\n"), "{text}");
        assert!(text.contains("\nx-wasio: 1\n"), "{text}");
        // An in-memory body goes out with its length, not chunked.
        assert!(text.contains("\ncontent-length: 13\n"), "{text}");
        assert!(!text.contains("transfer-encoding"), "{text}");
        assert!(text.ends_with("\n\nHello, WASI!\n"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_are_all_answered() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-hello", &[]);
        let addr = served.addr;
        let tasks: Vec<_> =
            (0..1000).map(|_| tokio::spawn(async move { http_request(addr, "GET", "/", &[], None).await })).collect();
        let mut ok = 0;
        for t in tasks {
            let r = t.await.unwrap().unwrap();
            if r.status == 200 && r.body == b"Hello, WASI!\n" && r.header("x-wasio") == Some("1") {
                ok += 1;
            }
        }
        assert_eq!(ok, 1000);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_of_100_mib_streams_byte_for_byte() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-hello", &[]);
        let data = random_bytes(100 << 20, 5);
        let r = http_request(served.addr, "POST", "/echo", &[], Some(data.clone())).await.unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body.len(), data.len());
        assert!(r.body == data, "echoed byte for byte");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mib_upload_is_read_in_bounded_memory() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-hello", &[]);
        let r = http_request(served.addr, "POST", "/count", &[], Some(random_bytes(100 << 20, 6))).await.unwrap();
        let text = String::from_utf8(r.body).unwrap();
        let (count, mem) = text.trim().split_once(" bytes, memory ").unwrap();
        assert_eq!(count, "104857600");
        assert!(mem.parse::<usize>().unwrap() < 4 << 20, "guest memory {mem}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_trailers_reach_the_handler() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let served = Served::start_in(b, "http-hello", &[]);
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_streams_after_returning() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
        let served = Served::start_in(b, "http-hello", &[]);
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_and_refused_headers_become_500s() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-hello", &[]);
        let r = http_request(served.addr, "GET", "/error", &[], None).await.unwrap();
        assert_eq!(
            (r.status, String::from_utf8_lossy(&r.body).to_string()),
            (500, "something went wrong\n".to_string())
        );
        let r = http_request(served.addr, "GET", "/bad-header", &[], None).await.unwrap();
        assert_eq!(r.status, 500);
        assert!(String::from_utf8_lossy(&r.body).contains("invalid header \"connection\""));
        let r = http_request(served.addr, "GET", "/nope", &[], None).await.unwrap();
        assert_eq!(r.status, 404);
        let r = http_request(served.addr, "GET", "/proxy", &[], None).await.unwrap();
        assert_eq!((r.status, String::from_utf8_lossy(&r.body).to_string()), (400, "usage: /proxy?URL\n".to_string()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_handler_calls_out_with_the_client() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-hello", &["-Shttp"]);
        let target = format!("/proxy?http://{}/", served.addr);
        let r = http_request(served.addr, "GET", &target, &[], None).await.unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-proxied"), Some("1"));
        assert_eq!(r.body, b"Hello, WASI!\n");
        // A refused upstream is an error carrying the WASI code, answered 502.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let r = http_request(served.addr, "GET", &format!("/proxy?http://{closed}/"), &[], None).await.unwrap();
        assert_eq!(r.status, 502);
        assert!(
            String::from_utf8_lossy(&r.body).contains("connection-refused"),
            "{}",
            String::from_utf8_lossy(&r.body)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_disconnect_mid_body_stops_the_guest_producer() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        use std::io::Read;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut served = Served::start_in_with_stderr(b, "http-hello", &[], std::process::Stdio::piped());
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
            let n = s.read(&mut buf).await.unwrap_or_else(|e| {
                panic!("{b:?}: reading /forever after {got} bytes: {e}; guest stderr: {}", log.lock().unwrap())
            });
            assert!(n > 0, "{b:?}: /forever ended after {got} bytes; guest stderr: {}", log.lock().unwrap());
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
}

mod client {
    use std::io::Write;
    use std::net::{SocketAddr, TcpStream};
    use std::time::Duration;
    use wasio_tests::{BACKENDS, Backend, host_server, read_request, run_cli_in};

    fn probe(b: Backend, mode: &str, url: &str) -> String {
        let out = run_cli_in(b, "http_client_probe", &["-Shttp"], &[mode, url], b"");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    fn respond(mut s: TcpStream, status: &str, headers: &str, body: &str) {
        let _ = write!(
            s,
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        wasio_tests::finish(s);
    }

    #[test]
    fn get_post_and_404_against_a_host_server() {
        for b in BACKENDS {
            println!("checking the {b:?} build");
            let addr = host_server(|mut s| {
                let req = read_request(&mut s).unwrap();
                let x_test =
                    req.headers.iter().find(|(k, _)| k == "x-test").map(|(_, v)| v.clone()).unwrap_or_default();
                match (req.method.as_str(), req.path.as_str()) {
                    ("GET", "/missing") => respond(s, "404 Not Found", "", "nope"),
                    ("GET", p) => respond(s, "200 OK", &format!("x-echo: {x_test}\r\n"), &format!("got GET {p}")),
                    ("POST", _) => {
                        let distinct: std::collections::BTreeSet<u8> = req.body.iter().copied().collect();
                        respond(
                            s,
                            "200 OK",
                            "",
                            &format!("received {} bytes, {} distinct", req.body.len(), distinct.len()),
                        )
                    }
                    _ => respond(s, "405 Method Not Allowed", "", ""),
                }
            });
            assert_eq!(probe(b, "get", &format!("http://{addr}/a/b?c=d")), "200 OK x-echo=1 body=got GET /a/b?c=d");
            assert_eq!(
                probe(b, "post", &format!("http://{addr}/up")),
                "200 OK body=received 1048576 bytes, 16 distinct"
            );
            assert_eq!(probe(b, "status", &format!("http://{addr}/missing")), "404 Not Found");
        }
    }

    #[test]
    fn refused_timeouts_and_bad_headers_are_errors_with_codes() {
        for b in BACKENDS {
            println!("checking the {b:?} build");
            let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
            let out = probe(b, "status", &format!("http://{closed}/"));
            assert!(out.starts_with("error: ") && out.ends_with("[code connection-refused]"), "{out}");

            // Accepts and reads the request, never answers.
            let silent = host_server(|mut s| {
                let _ = read_request(&mut s);
                std::thread::sleep(Duration::from_secs(10));
            });
            let out = probe(b, "first_byte_timeout", &format!("http://{silent}/"));
            assert!(out.starts_with("error: ") && out.contains("timeout"), "{out}");

            // Sends the head and part of the body, then stalls.
            let stalls = host_server(|mut s| {
                let _ = read_request(&mut s);
                let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
                let _ = s.flush();
                std::thread::sleep(Duration::from_secs(10));
            });
            let out = probe(b, "between_bytes_timeout", &format!("http://{stalls}/"));
            assert!(out.starts_with("error: "), "{out}");

            // A listener that never accepts, its backlog full.
            let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            sock.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
            sock.listen(0).unwrap();
            let full = sock.local_addr().unwrap().as_socket().unwrap();
            let _fill: Vec<_> =
                (0..4).filter_map(|_| TcpStream::connect_timeout(&full, Duration::from_millis(200)).ok()).collect();
            let out = probe(b, "connect_timeout", &format!("http://{full}/"));
            assert!(out.starts_with("error: ") && out.contains("timeout"), "{out}");

            let out = probe(b, "bad_header", &format!("http://{closed}/"));
            assert_eq!(out, "error: invalid header \"connection\": HeaderError::Forbidden [code -]");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_echo_example_streams_100_mib_back() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-echo", &[]);
        let data = random_bytes(100 << 20, 8);
        let r = http_request(served.addr, "POST", "/", &[], Some(data.clone())).await.unwrap();
        assert_eq!(r.status, 200);
        assert!(r.body == data, "echoed byte for byte ({} of {} bytes)", r.body.len(), data.len());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_proxy_example_forwards_to_the_header_url() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let upstream = wasio_tests::host_server(|mut s| {
            use std::io::Write;
            let req = wasio_tests::read_request(&mut s).unwrap();
            let body = format!("upstream saw {} {} with {} body bytes", req.method, req.path, req.body.len());
            let _ = write!(
                s,
                "HTTP/1.1 201 Created\r\nx-up: yes\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            wasio_tests::finish(s);
        });
        let served = Served::start_in(b, "http-proxy", &["-Shttp"]);
        let base = format!("http://{upstream}");
        let r = http_request(served.addr, "POST", "/p/q?x=1", &[("x-forward-to", &base)], Some(b"12345".to_vec()))
            .await
            .unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.header("x-up"), Some("yes"));
        assert_eq!(r.header("x-proxied-by"), Some("wasio"));
        assert_eq!(String::from_utf8_lossy(&r.body), "upstream saw POST /p/q?x=1 with 5 body bytes");
        let r = http_request(served.addr, "GET", "/", &[], None).await.unwrap();
        assert_eq!(
            (r.status, String::from_utf8_lossy(&r.body).to_string()),
            (400, "missing x-forward-to header\n".into())
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_4xx_and_the_instance_keeps_serving() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let served = Served::start_in(b, "http-hello", &[]);
        async fn raw(addr: std::net::SocketAddr, req: Vec<u8>) -> String {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            let _ = s.write_all(&req).await;
            let _ = s.shutdown().await;
            let mut out = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out)).await;
            String::from_utf8_lossy(&out).to_string()
        }
        let bad_name = raw(served.addr, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n".to_vec()).await;
        assert!(bad_name.starts_with("HTTP/1.1 400"), "{bad_name}");
        let bad_value = raw(served.addr, b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n".to_vec()).await;
        assert!(bad_value.starts_with("HTTP/1.1 400"), "{bad_value}");
        let mut huge = b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec();
        for i in 0..5000 {
            huge.extend_from_slice(format!("x-h{i}: {}\r\n", "v".repeat(64)).as_bytes());
        }
        huge.extend_from_slice(b"\r\n");
        let too_many = raw(served.addr, huge).await;
        assert!(
            too_many.starts_with("HTTP/1.1 431") || too_many.starts_with("HTTP/1.1 400"),
            "{}",
            &too_many[..too_many.len().min(100)]
        );
        // A body shorter than its Content-Length (the client gives up): the
        // handler sees an error, not a trap.
        let short =
            raw(served.addr, b"POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly this".to_vec())
                .await;
        assert!(!short.starts_with("HTTP/1.1 200"), "{short}");
        // A body longer than its Content-Length: the rest is a second, invalid request.
        let long =
            raw(served.addr, b"POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcdefgh".to_vec()).await;
        assert!(long.starts_with("HTTP/1.1 200") && long.contains("3 bytes"), "{long}");
        // Still serving.
        let r = http_request(served.addr, "GET", "/", &[], None).await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, b"Hello, WASI!\n".as_slice()));
    }
}

/// The request target reaches the handler in its own form, the same on both
/// builds: `CONNECT host:port` as an authority-form URI, `OPTIONS *` as
/// `*`, an absolute-form URI as is; a `Host` that is no valid authority is
/// left out of the URI, not a 400 (a WASI 0.3 host does not pass `Host` on).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_asterisk_and_absolute_targets_reach_the_handler() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    async fn raw(addr: std::net::SocketAddr, req: &str) -> (String, String) {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out)).await;
        let out = String::from_utf8_lossy(&out).to_string();
        let status = out.lines().next().unwrap_or_default().to_string();
        (status, out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
    }
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-hello", &[]);
        let a = served.addr;
        let close = "Connection: close\r\n\r\n";
        let r = raw(a, &format!("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n{close}")).await;
        assert_eq!(r, ("HTTP/1.1 405 Method Not Allowed".into(), "no tunnel to example.com:443\n".into()), "{b:?}");
        let r = raw(a, &format!("OPTIONS * HTTP/1.1\r\nHost: x\r\n{close}")).await;
        assert_eq!(r, ("HTTP/1.1 200 OK".into(), "OPTIONS *\n".into()), "{b:?}");
        let r = raw(a, &format!("GET http://foo.com/uri?q=1 HTTP/1.1\r\nHost: foo.com\r\n{close}")).await;
        assert_eq!(r, ("HTTP/1.1 200 OK".into(), "GET http://foo.com/uri?q=1\n".into()), "{b:?}");
        let r = raw(a, &format!("GET /uri HTTP/1.1\r\nHost: a b\r\n{close}")).await;
        assert_eq!(r, ("HTTP/1.1 200 OK".into(), "GET /uri\n".into()), "{b:?}");
        // No `Host` at all (HTTP/1.0): a WASI 0.3 host passes it on; Wasmtime's
        // WASI 0.2 host answers 500 itself, before any guest code runs.
        let r = raw(a, "GET /uri HTTP/1.0\r\n\r\n").await;
        match b {
            Backend::P3 => assert_eq!(r, ("HTTP/1.0 200 OK".into(), "GET /uri\n".into())),
            Backend::P2 => assert!(r.0.starts_with("HTTP/1.0 500") && !r.1.contains("GET"), "{r:?}"),
        }
        // Still serving; a wrapped `http_body::Body` keeps its length.
        let r = http_request(a, "GET", "/", &[], None).await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, b"Hello, WASI!\n".as_slice()), "{b:?}");
        let r = http_request(a, "GET", "/wrapped", &[], None).await.unwrap();
        assert_eq!(
            (r.status, r.body.as_slice(), r.header("content-length")),
            (200, b"wrapped\n".as_slice(), Some("8")),
            "{b:?}"
        );
        assert_eq!(r.header("transfer-encoding"), None, "{b:?}");
        assert_eq!(r.header("content-type"), None, "a wrapped body names no type: {b:?}");
    }
}

/// Text answers go out as `text/plain; charset=utf-8` (as axum's), a body
/// built from bytes names no type, and a handler's own `content-type` wins
/// (sent once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_answers_carry_text_plain_unless_the_handler_names_a_type() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "http-hello", &[]);
        let content_types = |r: &wasio_tests::HttpResponse| -> Vec<String> {
            r.headers.iter().filter(|(k, _)| k == "content-type").map(|(_, v)| v.clone()).collect()
        };
        let r = http_request(served.addr, "GET", "/uri", &[], None).await.unwrap();
        assert_eq!((r.status, content_types(&r)), (200, vec!["text/plain; charset=utf-8".to_string()]), "{b:?}");
        let r = http_request(served.addr, "GET", "/nothing-here", &[], None).await.unwrap();
        assert_eq!((r.status, content_types(&r)), (404, vec!["text/plain; charset=utf-8".to_string()]), "{b:?}");
        let r = http_request(served.addr, "GET", "/", &[], None).await.unwrap();
        assert_eq!((r.status, content_types(&r)), (200, vec![]), "{b:?}");
        let r = http_request(served.addr, "GET", "/html", &[], None).await.unwrap();
        assert_eq!((r.status, content_types(&r)), (200, vec!["text/html".to_string()]), "{b:?}");
        assert_eq!(r.body, b"<p>hello</p>\n", "{b:?}");
    }
}

/// The embedded host serves `/forever` through `wasi:http/handler`, reads
/// 256 KiB of the endless body, then drops it like a client that goes away:
/// the guest's producer task must see its channel closed and stop, and every
/// handle of the request (request, response, body streams, trailer futures)
/// must be gone from the host's resource table. Done three times: the table
/// must not grow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_response_body_releases_the_guests_handles_on_the_embedded_host() -> anyhow::Result<()> {
    use http_body_util::BodyExt;
    use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
    use wasmtime_wasi_http::p3::{Request, bindings::Service};

    let stderr = MemoryOutputPipe::new(usize::MAX);
    let mut ctx = wasmtime_wasi::WasiCtxBuilder::new();
    ctx.stderr(stderr.clone());
    let mut store = wasio_tests::store(ctx);
    let (component, linker) = (wasio_tests::component("http-hello")?, wasio_tests::linker()?);
    let service = Service::instantiate_async(&mut store, &component, &linker).await?;
    let baseline = store.data_mut().table_len();
    let stopped = |log: &MemoryOutputPipe| String::from_utf8_lossy(&log.contents()).matches("producer stopped").count();

    let mut sizes = Vec::new();
    for round in 1..=3 {
        let req = http::Request::get("http://localhost/forever").body(http_body_util::Empty::<bytes::Bytes>::new())?;
        let (req, _io) = Request::from_http(wasmtime_wasi_http::default_hooks(), req);
        let (log, service) = (stderr.clone(), &service);
        let received = tokio::time::timeout(
            Duration::from_secs(60),
            store.run_concurrent(async move |a| {
                let res = service.handle(a, req).await?.map_err(|e| anyhow::anyhow!("handler error {e:?}"))?;
                let res = a.with(|s| res.into_http(s, async { Ok(()) }))?;
                assert_eq!(res.status(), 200);
                let mut body = res.into_body();
                let mut received = 0usize;
                while received < 256 * 1024 {
                    let frame = body.frame().await.expect("body ended early").map_err(|e| anyhow::anyhow!("{e:?}"))?;
                    received += frame.into_data().map(|d| d.len()).unwrap_or(0);
                }
                drop(body); // the client goes away mid-body
                let deadline = Instant::now() + Duration::from_secs(20);
                while stopped(&log) < round && Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                anyhow::Ok(received)
            }),
        )
        .await???;
        assert!(received >= 256 * 1024);
        assert_eq!(stopped(&stderr), round, "guest stderr: {}", String::from_utf8_lossy(&stderr.contents()));
        sizes.push(store.data_mut().table_len());
    }
    assert_eq!(sizes[1], sizes[0], "host resource table grew with a dropped request: {sizes:?}");
    assert_eq!(sizes[2], sizes[0], "host resource table grew with a dropped request: {sizes:?}");
    wasio_tests::assert_no_leaks(&mut store, baseline).await
}

/// A streaming `POST` of `mib` MiB of seeded random bytes in 1 MiB frames,
/// then `trailers`; returns the request and the bytes it carries.
fn streamed_post(
    mib: usize,
    seed: u64,
    trailers: &http::HeaderMap,
) -> anyhow::Result<(
    http::Request<impl http_body::Body<Data = bytes::Bytes, Error = std::convert::Infallible> + use<>>,
    bytes::Bytes,
)> {
    use http_body::Frame;
    const CHUNK: usize = 1 << 20;
    let data = bytes::Bytes::from(random_bytes(mib * CHUNK, seed));
    let (chunks, trailers) = (data.clone(), trailers.clone());
    let frames = (0..mib)
        .map(move |i| Ok::<_, std::convert::Infallible>(Frame::data(chunks.slice(i * CHUNK..(i + 1) * CHUNK))))
        .chain(std::iter::once(Ok(Frame::trailers(trailers))));
    let body = http_body_util::StreamBody::new(futures::stream::iter(frames));
    Ok((http::Request::post("http://localhost/echo").body(body)?, data))
}

/// `wasmtime serve` does not put response trailers on the wire, so the
/// trailer half of the echo is checked on the embedded host: a 100 MiB
/// request body with trailers goes through `http-echo` and comes back byte
/// for byte, trailers included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_of_100_mib_with_trailers_on_the_embedded_host() -> anyhow::Result<()> {
    use http_body_util::BodyExt;
    use wasmtime_wasi_http::p3::{Request, bindings::Service};

    let mut trailers = http::HeaderMap::new();
    trailers.insert("x-checksum", "abc123".parse()?);
    trailers.insert("x-count", "100".parse()?);
    let (req, data) = streamed_post(100, 42, &trailers)?;

    let mut store = wasio_tests::store(wasmtime_wasi::WasiCtxBuilder::new());
    let (component, linker) = (wasio_tests::component("http-echo")?, wasio_tests::linker()?);
    let service = Service::instantiate_async(&mut store, &component, &linker).await?;
    let baseline = store.data_mut().table_len();
    let (req, io) = Request::from_http(wasmtime_wasi_http::default_hooks(), req);
    let (body, got_trailers) = tokio::time::timeout(
        Duration::from_secs(120),
        store.run_concurrent(async move |a| {
            let res = service.handle(a, req).await?.map_err(|e| anyhow::anyhow!("handler error {e:?}"))?;
            let res = a.with(|s| res.into_http(s, async { Ok(()) }))?;
            assert_eq!(res.status(), 200);
            let (collected, sent) = futures::join!(res.into_body().collect(), io);
            sent.map_err(|e| anyhow::anyhow!("request body: {e:?}"))?;
            let collected = collected.map_err(|e| anyhow::anyhow!("response body: {e:?}"))?;
            let trailers = collected.trailers().cloned();
            anyhow::Ok((collected.to_bytes(), trailers))
        }),
    )
    .await???;
    assert_eq!(body.len(), data.len(), "echoed length");
    assert!(body == data, "echoed bytes differ");
    assert_eq!(got_trailers, Some(trailers), "echoed trailers");
    wasio_tests::assert_no_leaks(&mut store, baseline).await
}

/// The same echo on WASI 0.2 (the `p2` build under the embedded host's
/// `wasi:http/incoming-handler@0.2`): the body moves host to host by
/// `splice`, trailers included, and the instance releases every handle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p2_echo_of_32_mib_with_trailers_on_the_embedded_host() -> anyhow::Result<()> {
    use http_body_util::BodyExt;
    use wasio_tests::Backend;
    use wasmtime_wasi_http::WasiHttpView;
    use wasmtime_wasi_http::p2::bindings::{Proxy, http::types::Scheme};

    let mut trailers = http::HeaderMap::new();
    trailers.insert("x-checksum", "def456".parse()?);
    let (req, data) = streamed_post(32, 43, &trailers)?;

    let mut store = wasio_tests::store(wasmtime_wasi::WasiCtxBuilder::new());
    let proxy =
        Proxy::instantiate_async(&mut store, &Backend::P2.component("http-echo")?, &wasio_tests::linker()?).await?;
    let baseline = store.data_mut().table_len();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let req = store.data_mut().http().new_incoming_request(Scheme::Http, req)?;
    let out = store.data_mut().http().new_response_outparam(sender)?;
    // The call returns once the body is sent, so the response is read
    // meanwhile.
    let call = tokio::spawn(async move {
        proxy.wasi_http_incoming_handler().call_handle(&mut store, req, out).await.map(|()| store)
    });
    let res = tokio::time::timeout(Duration::from_secs(60), receiver).await??.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(res.status(), 200);
    let collected = res.into_body().collect().await.map_err(|e| anyhow::anyhow!("response body: {e:?}"))?;
    let mut store = call.await??;
    let got_trailers = collected.trailers().cloned();
    let body = collected.to_bytes();
    assert_eq!(body.len(), data.len(), "echoed length");
    assert!(body == data, "echoed bytes differ");
    assert_eq!(got_trailers, Some(trailers), "echoed trailers");
    wasio_tests::assert_no_leaks(&mut store, baseline).await
}

/// A handler that panics: the panic traps its instance (panic = abort),
/// `wasmtime serve` answers that request with a 500, and later requests are
/// served normally (by a fresh instance).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_gets_a_500_and_the_server_keeps_serving() {
    for b in BACKENDS {
        let served = Served::start_in_with_stderr(b, "http-hello", &[], std::process::Stdio::null());
        for _ in 0..3 {
            let r = http_request(served.addr, "GET", "/panic", &[], None).await.unwrap();
            assert_eq!(r.status, 500, "{b:?}");
            let r = http_request(served.addr, "GET", "/", &[], None).await.unwrap();
            assert_eq!((r.status, r.body.as_slice()), (200, b"Hello, WASI!\n".as_slice()), "{b:?}");
        }
    }
}

/// Instances retire: under `--max-instance-concurrent-reuse-count 1
/// --max-instance-reuse-count 4`, 64 connections make 2,560 requests (a
/// fixed body, and a body streamed by a task after the handler returned),
/// so `wasmtime serve` goes through at least 640 instances. Its pool holds
/// 333 of these components at once: an instance whose tasks did not all
/// exit would never be dropped, and the host would answer 500s. None may be
/// other than 200.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_retire_under_small_reuse_limits_and_64_connections_get_no_5xx() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let flags = ["--max-instance-concurrent-reuse-count", "1", "--max-instance-reuse-count", "4"];
        let served = Served::start_in(b, "http-hello", &flags);
        let addr = served.addr;
        let clients: Vec<_> = (0..64)
            .map(|c| {
                tokio::spawn(async move {
                    let mut statuses = Vec::new();
                    for i in 0..40 {
                        let path = if (c + i) % 8 == 0 { "/stream" } else { "/" };
                        let r = http_request(addr, "GET", path, &[], None).await.unwrap();
                        statuses.push((r.status, path));
                    }
                    statuses
                })
            })
            .collect();
        let mut bad = Vec::new();
        let mut total = 0;
        for c in clients {
            for (status, path) in c.await.unwrap() {
                total += 1;
                if status != 200 {
                    bad.push((status, path));
                }
            }
        }
        assert_eq!(total, 2560);
        assert!(
            bad.is_empty(),
            "{b:?}: {} of 2560 requests were not answered 200: {:?}",
            bad.len(),
            &bad[..bad.len().min(10)]
        );
    }
}

/// What `wasmtime serve` needs to retire or reuse an instance: once a
/// request's response has been read to its end, every guest task of that
/// request has exited (the host counts a task until it has returned *and*
/// exited), and the request left no handle and no timer wait behind. Checked
/// on the embedded host after each of 3 rounds of four kinds of request
/// (a fixed body, a body streamed by a task with timers and trailers, an
/// echo, a 404), one instance throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_request_leaves_no_task_handle_or_timer_wait_in_the_instance() -> anyhow::Result<()> {
    use http_body_util::{BodyExt, Full};
    use std::sync::atomic::Ordering;
    use wasmtime_wasi_http::p3::{Request, bindings::Service};

    let mut store = wasio_tests::store(wasmtime_wasi::WasiCtxBuilder::new());
    let (component, linker) = (wasio_tests::component("http-hello")?, wasio_tests::linker()?);
    let service = Service::instantiate_async(&mut store, &component, &linker).await?;
    let baseline = store.data_mut().table_len();
    let probe = store.data().probe.clone();
    let cases = [
        ("GET", "/", "Hello, WASI!\n"),
        ("GET", "/stream", "chunk 4\n"),
        ("POST", "/echo", "ping"),
        ("GET", "/nope", "not found\n"),
    ];
    for round in 0..3 {
        for (method, path, expect) in cases {
            let body = if method == "POST" { Full::new(bytes::Bytes::from_static(b"ping")) } else { Full::default() };
            let req = http::Request::builder().method(method).uri(format!("http://localhost{path}")).body(body)?;
            let (req, _io) = Request::from_http(wasmtime_wasi_http::default_hooks(), req);
            let service = &service;
            let exited = tokio::time::timeout(
                Duration::from_secs(30),
                store.run_concurrent(async move |a| {
                    let res = service.handle(a, req).await?.map_err(|e| anyhow::anyhow!("handler error {e:?}"))?;
                    let res = a.with(|s| res.into_http(s, async { Ok(()) }))?;
                    let body = res.into_body().collect().await.map_err(|e| anyhow::anyhow!("{e:?}"))?.to_bytes();
                    assert!(String::from_utf8_lossy(&body).ends_with(expect), "{method} {path}: {body:?}");
                    // Every guest task of the request must exit now; a
                    // leftover would keep this waiting until the timeout.
                    let exited = tokio::time::timeout(
                        Duration::from_secs(10),
                        std::future::poll_fn(|cx| a.poll_no_interesting_tasks(cx)),
                    )
                    .await;
                    anyhow::Ok(exited.is_ok())
                }),
            )
            .await
            .map_err(|_| anyhow::anyhow!("round {round}: {method} {path} got no full response in 30 s"))???;
            assert!(
                exited,
                "round {round}: {method} {path}: a guest task was still alive 10 s after the response ended"
            );
            let len = store.data_mut().table_len();
            assert_eq!(
                len,
                baseline,
                "round {round}: {method} {path} left handles: {:?}",
                store.data_mut().table_contents()
            );
            assert_eq!(
                probe.clock_waits_pending.load(Ordering::SeqCst),
                0,
                "round {round}: {method} {path} left a timer wait"
            );
        }
    }
    assert!(probe.clock_waits_started.load(Ordering::SeqCst) > 0, "the /stream requests waited on the clock");
    Ok(())
}

//! `examples/axum-app` (an axum `Router` on `#[wasio::http::service]`)
//! under `wasmtime serve` with a real HTTP client on 127.0.0.1, both builds
//! (WASI 0.3 and wasio's `p2`), and on the embedded host for the handle
//! check after a client leaves mid-upload.

use sha2::{Digest, Sha256};
use std::time::Duration;
use wasio_tests::{BACKENDS, Backend, HttpResponse, Served, http_request, random_bytes};

/// `axum-app` served with `dir` preopened as `/files`.
fn serve(b: Backend, dir: &std::path::Path) -> Served {
    Served::start_in(b, "axum-app", &["--dir", &format!("{}::/files", dir.display())])
}

async fn get(addr: std::net::SocketAddr, path: &str) -> HttpResponse {
    http_request(addr, "GET", path, &[], None).await.unwrap()
}

fn text(r: &HttpResponse) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

fn sha256(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_with_its_status_and_body() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "file contents\n").unwrap();
        let served = serve(b, dir.path());
        let addr = served.addr;

        let r = get(addr, "/").await;
        assert_eq!((r.status, text(&r).as_str()), (200, "hello from axum on wasio\n"));
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.header("content-length"), Some("25"), "a fixed-size axum body keeps its length");

        let r = get(addr, "/users/7").await;
        assert_eq!((r.status, text(&r).as_str()), (200, r#"{"id":7,"name":"user-7"}"#));
        assert_eq!(r.header("content-type"), Some("application/json"));

        let r = get(addr, "/search?q=wasi&limit=3").await;
        assert_eq!((r.status, text(&r).as_str()), (200, r#"{"q":"wasi","limit":3}"#));
        let r = get(addr, "/search?q=x").await;
        assert_eq!(text(&r), r#"{"q":"x","limit":10}"#);

        let r = http_request(
            addr,
            "POST",
            "/echo",
            &[("content-type", "application/json")],
            Some(br#"{"a":[1,2]}"#.to_vec()),
        )
        .await
        .unwrap();
        assert_eq!((r.status, text(&r).as_str()), (200, r#"{"got":{"a":[1,2]}}"#));

        // `State` is shared by the requests an instance serves; each answer
        // is that instance's running count.
        let r = get(addr, "/hits").await;
        assert_eq!(r.status, 200);
        assert!(text(&r).trim().parse::<u64>().unwrap() >= 1, "{}", text(&r));

        let r = get(addr, "/files/a.txt").await;
        assert_eq!((r.status, text(&r).as_str()), (200, "file contents\n"));
        assert_eq!(r.header("content-length"), Some("14"));
        let r = get(addr, "/files/missing.txt").await;
        assert_eq!(r.status, 404, "{}", text(&r));
        assert!(text(&r).contains("/files/missing.txt"), "{}", text(&r));
        let r = http_request(addr, "PUT", "/files/new.txt", &[], Some(b"uploaded\n".to_vec())).await.unwrap();
        assert_eq!((r.status, text(&r).as_str()), (201, "9\n"));
        assert_eq!(std::fs::read(dir.path().join("new.txt")).unwrap(), b"uploaded\n");
        let r = get(addr, "/files/..").await;
        assert_eq!(r.status, 400, "{}", text(&r));

        let r = get(addr, "/slow?ms=5").await;
        assert_eq!((r.status, text(&r).as_str()), (200, "slept 5 ms\n"));
        let r = get(addr, "/slow?ms=5000").await;
        assert_eq!((r.status, text(&r).as_str()), (504, "took longer than 200 ms\n"));

        let r = get(addr, &format!("/fetch?url=http://{addr}/users/1")).await;
        assert_eq!((r.status, text(&r).as_str()), (200, r#"upstream 200: {"id":1,"name":"user-1"}"#));
        let closed = wasio_tests::free_addr();
        let r = get(addr, &format!("/fetch?url=http://{closed}/")).await;
        assert_eq!(r.status, 502, "{}", text(&r));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extractor_rejections_are_4xx_with_axums_messages() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let dir = tempfile::tempdir().unwrap();
        let served = serve(b, dir.path());
        let addr = served.addr;
        let json = [("content-type", "application/json")];
        let cases: Vec<(HttpResponse, u16, &str)> = vec![
            (
                http_request(addr, "POST", "/echo", &json, Some(b"{bad".to_vec())).await.unwrap(),
                400,
                "Failed to parse the request body as JSON",
            ),
            (
                http_request(addr, "POST", "/echo", &[], Some(b"{}".to_vec())).await.unwrap(),
                415,
                "Expected request with `Content-Type: application/json`",
            ),
            (get(addr, "/search?limit=3").await, 400, "Failed to deserialize query string: missing field `q`"),
            (get(addr, "/search?q=a&limit=many").await, 400, "Failed to deserialize query string"),
            (get(addr, "/users/abc").await, 400, "Cannot parse `abc` to a `u32`"),
            (get(addr, "/no/such/route").await, 404, ""),
            (http_request(addr, "DELETE", "/users/1", &[], None).await.unwrap(), 405, ""),
        ];
        for (r, status, message) in cases {
            assert_eq!(r.status, status, "{}", text(&r));
            assert!(text(&r).contains(message), "expected {message:?} in {:?}", text(&r));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_50_mib_upload_and_download_keep_their_sha256() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let dir = tempfile::tempdir().unwrap();
        let served = serve(b, dir.path());
        let data = random_bytes(50 << 20, 77);
        let want = sha256(&data);
        let r = http_request(served.addr, "PUT", "/files/big.bin", &[], Some(data)).await.unwrap();
        assert_eq!((r.status, text(&r).as_str()), (201, "52428800\n"));
        assert_eq!(sha256(&std::fs::read(dir.path().join("big.bin")).unwrap()), want, "the file written");
        let r = get(served.addr, "/files/big.bin").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-length"), Some("52428800"));
        assert_eq!(sha256(&r.body), want, "the download");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_are_all_answered() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let dir = tempfile::tempdir().unwrap();
        let served = serve(b, dir.path());
        let addr = served.addr;
        let tasks: Vec<_> = (0..1000u32)
            .map(|i| {
                tokio::spawn(async move { (i, http_request(addr, "GET", &format!("/users/{i}"), &[], None).await) })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            let (i, r) = t.await.unwrap();
            let r = r.unwrap();
            if r.status == 200 && text(&r) == format!(r#"{{"id":{i},"name":"user-{i}"}}"#) {
                ok += 1;
            }
        }
        assert_eq!(ok, 1000);
    }
}

/// A client that goes away mid-upload: the request body fails after 3 MiB
/// (as the host reports a dropped connection), the handler answers 400, and
/// the instance holds no handle afterwards — three times over, so a leak
/// would show as growth.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_gone_mid_upload_leaves_no_handle_on_the_embedded_host() -> anyhow::Result<()> {
    use http_body::Frame;
    use http_body_util::BodyExt;
    use wasmtime_wasi_http::p3::bindings::http::types::ErrorCode;
    use wasmtime_wasi_http::p3::{Request, bindings::Service};

    let dir = tempfile::tempdir()?;
    let mut ctx = wasmtime_wasi::WasiCtxBuilder::new();
    ctx.inherit_stderr();
    ctx.preopened_dir(dir.path(), "/files", wasmtime_wasi::FsPerms::ReadWrite)?;
    let mut store = wasio_tests::store(ctx);
    let (component, linker) = (wasio_tests::component("axum-app")?, wasio_tests::linker()?);
    let service = Service::instantiate_async(&mut store, &component, &linker).await?;
    // The first file operation opens the preopened directory, which the
    // instance then keeps: count from after a 404.
    let req = http::Request::get("http://localhost/files/missing").body(http_body_util::Empty::<bytes::Bytes>::new())?;
    let (req, _io) = Request::from_http(wasmtime_wasi_http::default_hooks(), req);
    let service = &service;
    let status = store
        .run_concurrent(async move |a| {
            let res = service.handle(a, req).await?.map_err(|e| anyhow::anyhow!("handler error {e:?}"))?;
            let res = a.with(|s| res.into_http(s, async { Ok(()) }))?;
            let status = res.status();
            res.into_body().collect().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            anyhow::Ok(status)
        })
        .await??;
    assert_eq!(status, 404);
    let baseline = store.data_mut().table_len();
    for round in 0..3 {
        let chunk = bytes::Bytes::from(random_bytes(1 << 20, round));
        let frames = (0..3)
            .map(move |_| Ok::<_, ErrorCode>(Frame::data(chunk.clone())))
            .chain(std::iter::once(Err(ErrorCode::ConnectionTerminated)));
        let body = http_body_util::StreamBody::new(futures::stream::iter(frames));
        let req = http::Request::put("http://localhost/files/partial.bin").body(body)?;
        let (req, io) = Request::from_http(wasmtime_wasi_http::default_hooks(), req);
        let (status, text) = tokio::time::timeout(
            Duration::from_secs(60),
            store.run_concurrent(async move |a| {
                let res = service.handle(a, req).await?.map_err(|e| anyhow::anyhow!("handler error {e:?}"))?;
                let res = a.with(|s| res.into_http(s, async { Ok(()) }))?;
                let status = res.status();
                let (collected, _sent) = futures::join!(res.into_body().collect(), io);
                let body = collected.map_err(|e| anyhow::anyhow!("response body: {e:?}"))?.to_bytes();
                anyhow::Ok((status, String::from_utf8_lossy(&body).into_owned()))
            }),
        )
        .await???;
        assert_eq!(status, 400, "{text}");
        assert!(text.starts_with("upload failed"), "{text}");
        wasio_tests::assert_no_leaks(&mut store, baseline).await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tower_http_compression_cors_and_request_id_layers_work() {
    use std::io::Read;
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let dir = tempfile::tempdir().unwrap();
        let served = serve(b, dir.path());
        let want: String = (0..2048).map(|i| format!("line {i:>20}\n")).collect();

        let r = http_request(
            served.addr,
            "GET",
            "/report",
            &[("accept-encoding", "gzip"), ("origin", "http://a.example")],
            None,
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert!(r.body.len() < want.len() / 4, "compressed to {} bytes", r.body.len());
        let mut plain = String::new();
        flate2::read::GzDecoder::new(&r.body[..]).read_to_string(&mut plain).unwrap();
        assert_eq!(plain, want);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert!(r.header("x-request-id").is_some_and(|id| id.parse::<u64>().is_ok()), "{:?}", r.headers);

        let r = get(served.addr, "/report").await;
        assert_eq!(r.header("content-encoding"), None);
        assert_eq!(text(&r), want);
        let r = http_request(served.addr, "GET", "/", &[("x-request-id", "abc-123")], None).await.unwrap();
        assert_eq!(r.header("x-request-id"), Some("abc-123"), "a client's id is kept and echoed");
    }
}

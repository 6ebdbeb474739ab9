//! PostgreSQL from components (`examples/pg-notes`): tokio-postgres on
//! wasio's sockets against a real server the tests start themselves
//! (`wasio_tests::pg::PgServer`), on both builds, under the wasmtime CLI and
//! on the embedded host (one instance, with a handle count after each
//! scenario).

use std::path::PathBuf;
use std::time::Duration;
use wasio_tests::pg::PgServer;
use wasio_tests::{BACKENDS, Backend, HttpResponse, Served, http_request};

fn schema() -> PathBuf {
    wasio_tests::workspace_root().join("examples/pg-notes/schema.sql")
}

/// The wasmtime flags a database client of `pg` needs: sockets, name
/// lookup, and where the database is.
fn db_flags(pg: &PgServer) -> Vec<String> {
    let url = pg.url(None);
    vec!["-Sinherit-network".into(), "-Sallow-ip-name-lookup".into(), "--env".into(), format!("DATABASE_URL={url}")]
}

/// The `b` build of pg-notes under `wasmtime serve`, talking to `pg`.
fn serve_notes(b: Backend, pg: &PgServer, stderr: std::process::Stdio) -> Served {
    let flags = db_flags(pg);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    Served::start_in_with_stderr(b, "pg-notes", &flags, stderr)
}

fn text(r: &HttpResponse) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

fn json(r: &HttpResponse) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", text(r)))
}

async fn post_json(addr: std::net::SocketAddr, path: &str, body: &str) -> HttpResponse {
    http_request(addr, "POST", path, &[("content-type", "application/json")], Some(body.as_bytes().to_vec()))
        .await
        .unwrap()
}

async fn get(addr: std::net::SocketAddr, path: &str) -> HttpResponse {
    http_request(addr, "GET", path, &[], None).await.unwrap()
}

#[test]
fn the_probe_runs_queries_transactions_copy_notify_and_meets_each_error() {
    let pg = PgServer::start();
    let refused = wasio_tests::free_addr();
    for b in BACKENDS {
        let flags = db_flags(&pg);
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let out = wasio_tests::run_cli_in(b, "pg-probe", &flags, &[&refused.to_string()], b"");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{b:?}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            stdout.lines().collect::<Vec<_>>(),
            [
                "connect: ok",
                "prepared: two,three",
                "transaction: 4 rows",
                "copy: 10000",
                "unique violation: 23505",
                "syntax error: 42601",
                "notify: probe hello from NOTIFY",
                "terminated mid-query: 57P01 unavailable=true",
                "next query: unavailable=true closed=true",
                "refused: ConnectionRefused unavailable=true",
            ],
            "{b:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notes_service_answers_every_route_against_a_live_server() {
    let pg = PgServer::start();
    pg.apply(&schema()).await;
    for b in BACKENDS {
        println!("checking the {b:?} build");
        pg.client().await.batch_execute("TRUNCATE notes RESTART IDENTITY").await.unwrap();
        let served = serve_notes(b, &pg, std::process::Stdio::inherit());
        let addr = served.addr;

        let r = post_json(addr, "/notes", r#"{"title":"first","body":"hello"}"#).await;
        assert_eq!((r.status, text(&r).as_str()), (201, r#"{"id":1,"title":"first","body":"hello"}"#));
        let r = post_json(addr, "/notes", r#"{"title":"first","body":"again"}"#).await;
        assert_eq!(r.status, 409, "{}", text(&r));
        assert_eq!(json(&r)["sqlstate"], "23505");
        let r = get(addr, "/notes/1").await;
        assert_eq!((r.status, text(&r).as_str()), (200, r#"{"id":1,"title":"first","body":"hello"}"#));
        let r = get(addr, "/notes/999").await;
        assert_eq!((r.status, text(&r).as_str()), (404, r#"{"error":"no such note"}"#));
        let r = get(addr, "/notes/abc").await;
        assert_eq!(r.status, 400, "a bad id is the client's error");

        // A batch is one transaction: a duplicate inside rolls all of it back.
        let r = post_json(addr, "/notes/batch", r#"[{"title":"b1","body":""},{"title":"first","body":""}]"#).await;
        assert_eq!(r.status, 409, "{}", text(&r));
        let r = post_json(addr, "/notes/batch", r#"[{"title":"b1","body":"x"},{"title":"b2","body":"y"}]"#).await;
        assert_eq!(r.status, 201, "{}", text(&r));
        let titles: Vec<String> = pg
            .client()
            .await
            .query("SELECT title FROM notes ORDER BY id", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(titles, ["first", "b1", "b2"], "the failed batch left nothing behind");
        let r = get(addr, "/notes?limit=2").await;
        let listed: Vec<String> =
            json(&r).as_array().unwrap().iter().map(|n| n["title"].as_str().unwrap().to_string()).collect();
        assert_eq!(listed, ["first", "b1"]);

        let r = http_request(addr, "DELETE", "/notes/1", &[], None).await.unwrap();
        assert_eq!(r.status, 204);
        let r = http_request(addr, "DELETE", "/notes/1", &[], None).await.unwrap();
        assert_eq!(r.status, 404);

        // NOTIFY reaches a request waiting on /events, whose body streams on
        // after its handler returned.
        let events = tokio::spawn(async move { get(addr, "/events?count=2").await });
        pg.wait_for_listener("notes").await;
        let native = pg.client().await;
        post_json(addr, "/notes", r#"{"title":"n1","body":""}"#).await;
        native.execute("SELECT pg_notify('notes', 'from outside')", &[]).await.unwrap();
        let r = tokio::time::timeout(Duration::from_secs(60), events).await.unwrap().unwrap();
        assert_eq!(r.header("content-type"), Some("text/event-stream"));
        assert_eq!(text(&r), ": listening\n\ndata: n1\n\ndata: from outside\n\n");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_of_100k_rows_streams_in_with_bounded_guest_memory() {
    let pg = PgServer::start();
    pg.apply(&schema()).await;
    // ~21 MB of rows; the instance holds a chunk at a time.
    let rows: String = (0..100_000).map(|i| format!("row {i}\t{}\n", "x".repeat(200))).collect();
    let size = rows.len();
    for b in BACKENDS {
        pg.client().await.batch_execute("TRUNCATE notes").await.unwrap();
        let served = serve_notes(b, &pg, std::process::Stdio::inherit());
        let r = http_request(served.addr, "POST", "/import", &[], Some(rows.clone().into_bytes())).await.unwrap();
        assert_eq!(r.status, 200, "{b:?}: {}", text(&r));
        let v = json(&r);
        assert_eq!(v["imported"], 100_000, "{b:?}");
        let memory = v["memory_bytes"].as_u64().unwrap() as usize;
        assert!(memory < size / 2, "{b:?}: {memory} bytes of guest memory for a {size}-byte COPY");
        let stored: i64 = pg
            .client()
            .await
            .query_one("SELECT count(*) FROM notes WHERE length(body) = 200", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(stored, 100_000, "{b:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_database_mid_run_answers_503_and_the_service_recovers() {
    let pg = PgServer::start();
    pg.apply(&schema()).await;
    pg.client()
        .await
        .batch_execute("INSERT INTO notes (title, body) VALUES ('kept', 'across restarts')")
        .await
        .unwrap();
    for b in BACKENDS {
        let stderr = tempfile::NamedTempFile::new().unwrap();
        let served = serve_notes(b, &pg, stderr.reopen().unwrap().into());
        let addr = served.addr;
        assert_eq!(get(addr, "/notes/1").await.status, 200);

        // Requests keep coming while the server is cut off and restarted.
        let load = tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..400 {
                statuses.push(get(addr, "/notes/1").await.status);
            }
            statuses
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        pg.stop();
        let down = get(addr, "/notes/1").await;
        assert_eq!(down.status, 503, "{b:?}: {}", text(&down));
        assert!(text(&down).contains("cannot connect to the database"), "{}", text(&down));
        pg.start_again();
        let statuses = load.await.unwrap();
        assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "{b:?}: only 200s and 503s, got {statuses:?}");
        // Back: the pool reconnects (bounded retries; the server may still
        // be finishing its crash recovery).
        let mut back = None;
        for _ in 0..200 {
            let r = get(addr, "/notes/1").await;
            if r.status == 200 {
                back = Some(r);
                break;
            }
            assert_eq!(r.status, 503, "{}", text(&r));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let back = back.expect("the service answers 200 again once the database is back");
        assert_eq!(text(&back), r#"{"id":1,"title":"kept","body":"across restarts"}"#);
        drop(served);
        let log = std::fs::read_to_string(stderr.path()).unwrap();
        assert!(!log.contains("trap") && !log.contains("panicked"), "{b:?}: {log}");
    }
}

/// One request through the embedded host's `wasi:http/handler`.
async fn handle(
    a: &wasmtime::component::Accessor<wasio_tests::State>,
    service: &wasmtime_wasi_http::p3::bindings::Service,
    method: &str,
    path: &str,
    body: Vec<u8>,
) -> anyhow::Result<(u16, String)> {
    use http_body_util::BodyExt;
    let req = http::Request::builder()
        .method(method)
        .uri(format!("http://localhost{path}"))
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))?;
    let (req, io) = wasmtime_wasi_http::p3::Request::from_http(wasmtime_wasi_http::default_hooks(), req);
    let res = service.handle(a, req).await?.map_err(|e| anyhow::anyhow!("handler error {e:?}"))?;
    let res = a.with(|s| res.into_http(s, async { Ok(()) }))?;
    let status = res.status().as_u16();
    let (collected, _sent) = futures::join!(res.into_body().collect(), io);
    let body = collected.map_err(|e| anyhow::anyhow!("response body: {e:?}"))?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// Closes the instance's pooled connections, then checks it holds no more
/// host handles than at `baseline`.
async fn close_pool_and_check(
    store: &mut wasmtime::Store<wasio_tests::State>,
    service: &wasmtime_wasi_http::p3::bindings::Service,
    baseline: usize,
    scenario: &str,
) -> anyhow::Result<()> {
    let (status, body) =
        store.run_concurrent(async |a| handle(a, service, "POST", "/pool/close", vec![]).await).await??;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body)?["open"], 0, "{scenario}: {body}");
    wasio_tests::assert_no_leaks(store, baseline).await.map_err(|e| anyhow::anyhow!("after {scenario}: {e}"))
}

/// One instance on the embedded host (WASI 0.3) through four scenarios —
/// 1,000 concurrent requests, a COPY, a NOTIFY to a waiting request, the
/// database cut off and back — with the instance's host handles counted
/// after each once its pool is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_shares_a_bounded_pool_among_1000_requests_and_keeps_no_handle() -> anyhow::Result<()> {
    let pg = PgServer::start();
    pg.apply(&schema()).await;
    pg.client()
        .await
        .batch_execute(
            "INSERT INTO notes (title, body) SELECT 'note ' || i, 'body ' || i FROM generate_series(1, 10) i",
        )
        .await?;
    let mut ctx = wasmtime_wasi::WasiCtxBuilder::new();
    ctx.inherit_stderr().inherit_network().allow_tcp(true).allow_ip_name_lookup(true);
    ctx.env("DATABASE_URL", pg.url(Some("pg-notes"))).env("PG_POOL_SIZE", "4");
    let mut store = wasio_tests::store(ctx);
    let (component, linker) = (wasio_tests::component("pg-notes")?, wasio_tests::linker()?);
    let service = wasmtime_wasi_http::p3::bindings::Service::instantiate_async(&mut store, &component, &linker).await?;
    let service = &service;
    let (status, _) = store.run_concurrent(async |a| handle(a, service, "GET", "/stats", vec![]).await).await??;
    assert_eq!(status, 200);
    let baseline = store.data_mut().table_len();

    // 1,000 requests at once, all in this one instance.
    let answers = store
        .run_concurrent(async |a| {
            let calls = (0..1000).map(|i| async move {
                (i, handle(a, service, "GET", &format!("/notes/{}", 1 + i % 10), vec![]).await)
            });
            futures::future::join_all(calls).await
        })
        .await?;
    for (i, answer) in answers {
        let (status, body) = answer?;
        let n = 1 + i % 10;
        assert_eq!((status, body), (200, format!(r#"{{"id":{n},"title":"note {n}","body":"body {n}"}}"#)));
    }
    let open = pg.connections_of("pg-notes").await;
    assert!((1..=4).contains(&open), "{open} database connections for a pool of 4");
    let (_, stats) = store.run_concurrent(async |a| handle(a, service, "GET", "/stats", vec![]).await).await??;
    let opened = serde_json::from_str::<serde_json::Value>(&stats)?["opened"].as_u64().unwrap();
    assert!((1..=4).contains(&opened), "{stats}");
    close_pool_and_check(&mut store, service, baseline, "1,000 concurrent requests").await?;
    // The server sees the connections go.
    for _ in 0..200 {
        if pg.connections_of("pg-notes").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(pg.connections_of("pg-notes").await, 0);

    // A COPY.
    let rows: String = (0..10_000).map(|i| format!("copied {i}\tbody\n")).collect();
    let (status, body) =
        store.run_concurrent(async |a| handle(a, service, "POST", "/import", rows.into_bytes()).await).await??;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&body)?["imported"], 10_000);
    close_pool_and_check(&mut store, service, baseline, "a COPY").await?;

    // NOTIFY to a request waiting on /events.
    let (events, created) = store
        .run_concurrent(async |a| {
            let listen = handle(a, service, "GET", "/events?count=1", vec![]);
            let notify = async {
                pg.wait_for_listener("notes").await;
                handle(a, service, "POST", "/notes", br#"{"title":"notified","body":""}"#.to_vec()).await
            };
            futures::join!(listen, notify)
        })
        .await?;
    assert_eq!(created?.0, 201);
    assert_eq!(events?, (200, ": listening\n\ndata: notified\n\n".to_string()));
    close_pool_and_check(&mut store, service, baseline, "LISTEN/NOTIFY").await?;

    // The database cut off: 503, then 200 again once it is back.
    let (status, _) = store.run_concurrent(async |a| handle(a, service, "GET", "/notes/1", vec![]).await).await??;
    assert_eq!(status, 200);
    pg.stop();
    let (status, body) = store.run_concurrent(async |a| handle(a, service, "GET", "/notes/1", vec![]).await).await??;
    assert_eq!(status, 503, "{body}");
    pg.start_again();
    let mut status = 0;
    for _ in 0..200 {
        (status, _) = store.run_concurrent(async |a| handle(a, service, "GET", "/notes/1", vec![]).await).await??;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200, "the pool reconnects once the database is back");
    close_pool_and_check(&mut store, service, baseline, "the database restart").await?;
    Ok(())
}

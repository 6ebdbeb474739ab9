//! The `tracing` feature and `wasio::io::stderr_log`, with the
//! `http-tracing` example under `wasmtime serve`, on both builds: every
//! line a spawned task logs carries the span of the request that spawned
//! it, however the requests interleave, and every line reaches stderr.

use wasio_tests::{BACKENDS, Served, http_request};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawned_tasks_log_in_their_requests_span() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let dir = tempfile::tempdir().unwrap();
        let log_path = dir.path().join("stderr.log");
        let log = std::fs::File::create(&log_path).unwrap();
        let served = Served::start_in_with_stderr(b, "http-tracing", &[], log.into());
        let addr = served.addr;
        let tasks: Vec<_> = (0..100u32)
            .map(|i| {
                tokio::spawn(async move {
                    let id = i.to_string();
                    (i, http_request(addr, "GET", "/", &[("x-request-id", &id)], None).await)
                })
            })
            .collect();
        for t in tasks {
            let (i, r) = t.await.unwrap();
            let r = r.unwrap();
            assert_eq!(r.status, 200);
            assert_eq!(String::from_utf8_lossy(&r.body), format!("hello, user-{i}\n"));
        }
        drop(served);
        let log = std::fs::read_to_string(&log_path).unwrap();
        let mut seen = Vec::new();
        for line in log.lines().filter(|l| l.contains("looked up")) {
            // `INFO request{id=7}: http_tracing: looked up user=user-7`
            let span_id = line.split("request{id=").nth(1).and_then(|r| r.split('}').next());
            let user = line.rsplit("user=user-").next();
            assert_eq!(span_id, user, "a spawned task logged outside its request's span: {line}");
            seen.push(user.unwrap().parse::<u32>().unwrap());
        }
        seen.sort();
        assert_eq!(seen, (0..100).collect::<Vec<_>>(), "one line per request from its spawned task\n{log}");
        assert_eq!(log.lines().filter(|l| l.contains(": start")).count(), 100);
        assert_eq!(log.lines().filter(|l| l.ends_with(": done")).count(), 100);
    }
}

//! Task-local values (`wasio::task_local!`) under many interleaved export
//! calls: each request scopes its own ID and reads it back from 10 levels
//! of spawned tasks, on `wasmtime serve`, on both builds.

use wasio_tests::{BACKENDS, Backend, Served, http_request};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_each_read_their_own_id_ten_tasks_deep() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let served = Served::start_in(b, "task_local_probe", &[]);
        let addr = served.addr;
        // WASI 0.3 runs many requests in one instance, where they
        // interleave. WASI 0.2 gives each request its own instance, and the
        // host's pool (1,000 core instances, 3 per instance here) refuses
        // more than about 330 at once with a 500, so 200 there.
        let n = if b == Backend::P3 { 1000 } else { 200 };
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                tokio::spawn(async move {
                    let id = format!("req-{i}");
                    let r = http_request(addr, "GET", "/", &[("x-request-id", &id)], None).await;
                    (id, r)
                })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            let (id, r) = t.await.unwrap();
            let r = r.unwrap();
            assert_eq!(r.status, 200, "{id}");
            assert_eq!(String::from_utf8_lossy(&r.body), format!("{id}\n"));
            ok += 1;
        }
        assert_eq!(ok, n);
        // A request without the header scopes an empty ID, not another's.
        let r = http_request(addr, "GET", "/", &[], None).await.unwrap();
        assert_eq!(String::from_utf8_lossy(&r.body), "\n");
    }
}

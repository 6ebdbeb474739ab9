//! Guest-side tests of the executor API.

#[wasio::test]
async fn spawn_and_join() {
    let h = wasio::spawn(async { 40 + 2 });
    assert_eq!(h.await.unwrap(), 42);
}

#[wasio::test]
async fn abort_reports_cancellation() {
    let h = wasio::spawn(std::future::pending::<()>());
    assert!(!h.is_finished());
    h.abort();
    let err = h.await.unwrap_err();
    assert!(err.is_cancelled());
    assert_eq!(err.to_string(), "task was cancelled");
}

#[wasio::test]
async fn join_set_sums_and_shuts_down() {
    let mut set = wasio::JoinSet::new();
    for i in 0..100u32 {
        set.spawn(async move {
            wasio::yield_now().await;
            i
        });
    }
    assert_eq!(set.len(), 100);
    let mut sum = 0;
    while let Some(r) = set.join_next().await {
        sum += r.unwrap();
    }
    assert_eq!(sum, 4950);
    for _ in 0..10 {
        set.spawn(std::future::pending());
    }
    set.shutdown().await;
    assert!(set.is_empty());
}

#[wasio::test]
async fn a_failing_result_is_an_error() -> Result<(), String> {
    let r: Result<(), String> = async { Err("bad".to_string()) }.await;
    assert_eq!(r.unwrap_err(), "bad");
    Ok(())
}

#[wasio::test]
async fn rand_values_differ() {
    assert_ne!(wasio::rand::secure_bytes(16), wasio::rand::secure_bytes(16));
    assert_eq!(wasio::rand::secure_bytes(100_000).len(), 100_000);
    assert_eq!(wasio::rand::insecure_bytes(7).len(), 7);
}

#[wasio::test]
async fn args_start_with_the_program() {
    assert!(wasio::env::args().len() >= 1);
}

/// A task that yields in a loop does not keep host events out: the timer
/// fires and ends the loop (on WASI 0.2 the executor looks at the host
/// between budgets of ready polls).
#[wasio::test]
async fn a_busy_yielding_task_lets_timers_fire() {
    let fired = std::rc::Rc::new(std::cell::Cell::new(false));
    let f = fired.clone();
    let timer = wasio::spawn(async move {
        wasio::time::sleep(std::time::Duration::from_millis(5)).await;
        f.set(true);
    });
    let mut spins = 0u64;
    while !fired.get() {
        spins += 1;
        assert!(spins < 50_000_000, "the timer never fired while another task kept yielding");
        wasio::yield_now().await;
    }
    timer.await.unwrap();
}

wasio::task_local! {
    static REQUEST_ID: u64;
    static LABEL: String;
}

/// Spawns `depth` nested tasks, each yielding first, and returns what the
/// innermost one reads.
fn nested(depth: u32) -> futures_util::future::LocalBoxFuture<'static, Option<u64>> {
    Box::pin(async move {
        wasio::yield_now().await;
        if depth == 0 {
            return REQUEST_ID.try_with(|id| *id).ok();
        }
        wasio::spawn(nested(depth - 1)).await.unwrap()
    })
}

#[wasio::test]
async fn task_locals_follow_spawned_tasks_ten_levels_deep() {
    assert_eq!(REQUEST_ID.scope(42, nested(10)).await, Some(42));
    // Outside any scope, and in a task spawned outside it, nothing is set.
    assert!(REQUEST_ID.try_with(|id| *id).is_err());
    assert_eq!(wasio::spawn(nested(3)).await.unwrap(), None);
}

#[wasio::test]
async fn interleaved_scopes_each_see_their_own_value() {
    let mut set = wasio::JoinSet::new();
    for i in 0..200u64 {
        set.spawn(REQUEST_ID.scope(i, async move {
            let mut seen = Vec::new();
            for _ in 0..5 {
                wasio::yield_now().await;
                seen.push(REQUEST_ID.get());
                // A task spawned halfway also sees it, after its parent moved on.
                seen.push(wasio::spawn(async { REQUEST_ID.get() }).await.unwrap());
            }
            (i, seen)
        }));
    }
    let mut checked = 0;
    while let Some(r) = set.join_next().await {
        let (i, seen) = r.unwrap();
        assert_eq!(seen, vec![i; 10]);
        checked += 1;
    }
    assert_eq!(checked, 200);
}

#[wasio::test]
async fn inner_scopes_shadow_and_restore() {
    let got = LABEL
        .scope("outer".to_string(), async {
            let inner = LABEL.scope("inner".to_string(), async { LABEL.get() }).await;
            let sync = LABEL.sync_scope("sync".to_string(), || LABEL.get());
            let other = REQUEST_ID.scope(5, async { (LABEL.get(), REQUEST_ID.get()) }).await;
            (inner, sync, other, LABEL.get())
        })
        .await;
    assert_eq!(got, ("inner".into(), "sync".into(), ("outer".into(), 5), "outer".into()));
    let err = LABEL.try_with(|l| l.len()).unwrap_err();
    assert_eq!(err.to_string(), "task-local value not set: read outside its scope");
}

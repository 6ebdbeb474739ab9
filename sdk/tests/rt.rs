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

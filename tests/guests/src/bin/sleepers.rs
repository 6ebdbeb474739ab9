//! `sleepers N MAX_MS [OFFSET_MS]`: N concurrent sleeps with pseudo-random
//! deadlines OFFSET_MS + 0..MAX_MS from now; prints how many fired, whether
//! in deadline order, and the host waits used. With an offset long enough
//! for every sleep to register first, they must fire in deadline order.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

#[wasio::main]
async fn main() -> Result<(), String> {
    let mut args = wasio::env::args().skip(1);
    let n: u32 = args.next().and_then(|a| a.parse().ok()).ok_or("usage: sleepers N MAX_MS")?;
    let max_ms: u64 = args.next().and_then(|a| a.parse().ok()).ok_or("usage: sleepers N MAX_MS")?;
    let offset: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let fired = Rc::new(RefCell::new(Vec::new()));
    let start = wasio::time::Instant::now();
    let mut set = wasio::JoinSet::new();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let ms = x % max_ms.max(1);
        let fired = fired.clone();
        set.spawn(async move {
            wasio::time::sleep_until(start + Duration::from_millis(offset + ms)).await;
            fired.borrow_mut().push(ms);
        });
    }
    let mut joined = 0;
    while set.join_next().await.is_some() {
        joined += 1;
        if std::env::var("SLEEPERS_DEBUG").is_ok() && joined % 500 == 0 {
            eprintln!("joined {joined}, stats {:?}", wasio::time::stats());
        }
    }
    let fired = fired.take();
    let ordered = fired.windows(2).all(|w| w[0] <= w[1]);
    let late = start.elapsed() >= Duration::from_millis(offset + fired.iter().copied().max().unwrap_or(0));
    println!("fired: {}", fired.len());
    println!("in deadline order: {ordered}");
    println!("not early: {late}");
    println!("pending after: {}", wasio::time::stats().pending_timers);
    println!("host waits started: {}", wasio::time::stats().host_waits_started);
    Ok(())
}

//! `timers`: an interval ticking every 20 ms (5 ticks), a timeout that
//! fires (a 1 s sleep under a 30 ms timeout) and one that does not (a 10 ms
//! sleep under a 1 s timeout).
//!
//! ```text
//! wasmtime run target/wasm32-wasip2/release/timers.wasm
//! ```

use std::time::Duration;
use wasio::time::{Instant, interval, sleep, timeout};

#[wasio::main]
async fn main() {
    let start = Instant::now();
    let mut ticks = interval(Duration::from_millis(20));
    for i in 0..5 {
        let at = ticks.tick().await;
        println!("tick {i} scheduled at +{} ms", (at - start).as_millis());
    }

    match timeout(Duration::from_millis(30), sleep(Duration::from_secs(1))).await {
        Ok(()) => println!("slow sleep finished?!"),
        Err(e) => println!("timeout fired: {e}"),
    }
    match timeout(Duration::from_secs(1), sleep(Duration::from_millis(10))).await {
        Ok(()) => println!("fast sleep finished in time"),
        Err(e) => println!("timeout fired?! {e}"),
    }
    let elapsed = start.elapsed();
    println!("elapsed at least 120 ms: {}", elapsed >= Duration::from_millis(120));
    let wall: std::time::SystemTime = wasio::time::SystemTime::now().into();
    let since_epoch = wall.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    println!("wall clock after 2020: {}", since_epoch.as_secs() > 1_577_836_800);
}

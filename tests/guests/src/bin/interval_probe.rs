//! Prints the scheduled times (ms after start) of interval ticks when the
//! ticking task stalls for 70 ms after the first tick, for each
//! missed-tick behaviour.

use std::time::Duration;
use wasio::time::{Instant, MissedTickBehavior, interval_at, sleep};

#[wasio::main]
async fn main() {
    for behavior in [MissedTickBehavior::Burst, MissedTickBehavior::Delay, MissedTickBehavior::Skip] {
        let start = Instant::now();
        let mut iv = interval_at(start, Duration::from_millis(20));
        iv.set_missed_tick_behavior(behavior);
        let mut at = vec![iv.tick().await];
        sleep(Duration::from_millis(70)).await;
        let stalled_until = Instant::now();
        for _ in 0..4 {
            at.push(iv.tick().await);
        }
        let ms: Vec<u128> = at.iter().map(|t| (*t - start).as_millis()).collect();
        println!("{behavior:?}: {ms:?} stalled until {}", (stalled_until - start).as_millis());
    }
}

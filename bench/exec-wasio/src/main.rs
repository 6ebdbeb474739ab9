//! `bench_exec_wasio spawn|pingpong|timers|noop`: executor micro-benchmarks
//! on wasio. Prints `result R` (a checksum the runner compares with the
//! baseline's) and `wall_ns N`. The runner (`bench/exec-host`) counts the
//! guest's instructions with Wasmtime's fuel.

use futures::StreamExt;
use futures::channel::mpsc;
use std::time::Duration;

const TASKS: u64 = 100_000;
const MESSAGES: u64 = 1_000_000;
const TIMERS: u64 = 10_000;

#[wasio::main]
async fn main() -> Result<(), String> {
    let what = wasio::env::args().nth(1).unwrap_or_default();
    let start = wasio::time::Instant::now();
    let result = match what.as_str() {
        "noop" => 0,
        "spawn" => {
            let handles: Vec<_> = (0..TASKS).map(|i| wasio::spawn(async move { i * 2 })).collect();
            let mut sum = 0;
            for h in handles {
                sum += h.await.map_err(|e| e.to_string())?;
            }
            sum
        }
        "pingpong" => {
            let (ping_tx, mut ping_rx) = mpsc::unbounded::<u64>();
            let (pong_tx, mut pong_rx) = mpsc::unbounded::<u64>();
            wasio::spawn(async move {
                while let Some(v) = ping_rx.next().await {
                    let _ = pong_tx.unbounded_send(v + 1);
                }
            });
            let mut sum = 0;
            for i in 0..MESSAGES {
                ping_tx.unbounded_send(i).map_err(|e| e.to_string())?;
                sum += pong_rx.next().await.ok_or("ponger gone")?;
            }
            sum
        }
        "timers" => {
            // Deadlines spread over 0..10 ms in a fixed pseudo-random order.
            let handles: Vec<_> = (0..TIMERS)
                .map(|i| {
                    let us = (i * 7919) % 10_000;
                    wasio::spawn(async move {
                        wasio::time::sleep(Duration::from_micros(us)).await;
                        us
                    })
                })
                .collect();
            let mut sum = 0;
            for h in handles {
                sum += h.await.map_err(|e| e.to_string())?;
            }
            sum
        }
        other => return Err(format!("unknown benchmark {other:?}: use spawn, pingpong, timers or noop")),
    };
    println!("result {result}");
    println!("wall_ns {}", start.elapsed().as_nanos());
    Ok(())
}

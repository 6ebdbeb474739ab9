//! `bench_exec_raw spawn|pingpong|timers|noop`: the executor
//! micro-benchmarks on wit-bindgen's own runtime (`spawn_local`, oneshot
//! channels for joining, one host clock wait per timer). Same output as
//! `bench_exec_wasio`.

use futures::StreamExt;
use futures::channel::{mpsc, oneshot};
use wasip3::clocks::monotonic_clock;

const TASKS: u64 = 100_000;
const MESSAGES: u64 = 1_000_000;
const TIMERS: u64 = 10_000;

struct Bench;

impl wasip3::exports::cli::run::Guest for Bench {
    async fn run() -> Result<(), ()> {
        let args = wasip3::cli::environment::get_arguments();
        let what = args.get(1).cloned().unwrap_or_default();
        let start = monotonic_clock::now();
        let result = match what.as_str() {
            "noop" => 0,
            "spawn" => {
                let joins: Vec<_> = (0..TASKS)
                    .map(|i| {
                        let (tx, rx) = oneshot::channel();
                        wasip3::wit_bindgen::spawn_local(async move {
                            let _ = tx.send(i * 2);
                        });
                        rx
                    })
                    .collect();
                let mut sum = 0;
                for rx in joins {
                    sum += rx.await.map_err(|_| ())?;
                }
                sum
            }
            "pingpong" => {
                let (ping_tx, mut ping_rx) = mpsc::unbounded::<u64>();
                let (pong_tx, mut pong_rx) = mpsc::unbounded::<u64>();
                wasip3::wit_bindgen::spawn_local(async move {
                    while let Some(v) = ping_rx.next().await {
                        let _ = pong_tx.unbounded_send(v + 1);
                    }
                });
                let mut sum = 0;
                for i in 0..MESSAGES {
                    ping_tx.unbounded_send(i).map_err(|_| ())?;
                    sum += pong_rx.next().await.ok_or(())?;
                }
                sum
            }
            "timers" => {
                let joins: Vec<_> = (0..TIMERS)
                    .map(|i| {
                        let us = (i * 7919) % 10_000;
                        let (tx, rx) = oneshot::channel();
                        wasip3::wit_bindgen::spawn_local(async move {
                            monotonic_clock::wait_for(us * 1000).await;
                            let _ = tx.send(us);
                        });
                        rx
                    })
                    .collect();
                let mut sum = 0;
                for rx in joins {
                    sum += rx.await.map_err(|_| ())?;
                }
                sum
            }
            other => {
                eprintln!("unknown benchmark {other:?}: use spawn, pingpong, timers or noop");
                return Err(());
            }
        };
        println!("result {result}");
        println!("wall_ns {}", monotonic_clock::now() - start);
        Ok(())
    }
}

wasip3::cli::command::export!(Bench);

fn main() {}

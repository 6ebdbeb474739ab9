//! Test guest for the cli area: `lines` (stdin through `AsyncBufRead`),
//! `tty` (terminal detection), `env`, and `wasip3` (the `wasip3` crate's
//! bindings and `spawn_local` running on wasio's executor).

use futures_util::io::{AsyncBufReadExt, AsyncWriteExt};
use futures_util::stream::StreamExt;

#[wasio::main]
async fn main() -> Result<(), String> {
    let mode = wasio::env::args().nth(1).unwrap_or_default();
    let mut out = wasio::io::stdout();
    let text = match mode.as_str() {
        "lines" => {
            let mut lines = wasio::io::stdin().lines();
            let mut text = String::new();
            let mut n = 0;
            while let Some(line) = lines.next().await {
                let line = line.map_err(|e| e.to_string())?;
                n += 1;
                text += &format!("{n}: {}\n", line.to_uppercase());
            }
            text + &format!("{n} lines\n")
        }
        "tty" => format!(
            "stdin tty: {}\nstdout tty: {}\nstderr tty: {}\n",
            wasio::io::stdin_is_terminal(),
            wasio::io::stdout_is_terminal(),
            wasio::io::stderr_is_terminal()
        ),
        "env" => {
            let mut vars: Vec<_> = wasio::env::vars().filter(|(k, _)| k.starts_with("PROBE_")).collect();
            vars.sort();
            let missing = wasio::env::var("PROBE_MISSING").unwrap_err();
            format!("{vars:?}\nmissing: {missing}\nargs: {}\n", wasio::env::args().len())
        }
        "wasip3" => {
            // A wit-bindgen `spawn_local` lands on wasio's executor through
            // the `wasip3_task` spawn hook.
            let handle = wasip3::wit_bindgen::spawn_local(async {
                wasip3::clocks::monotonic_clock::wait_for(1_000_000).await;
                7u32
            });
            let spawned = handle.await.ok_or("spawn_local task lost")?;
            // A stream and a future from the wasip3 crate's bindings.
            let (mut tx, rx) = wasip3::wit_stream::new::<u8>();
            let done = wasip3::cli::stdout::write_via_stream(rx);
            let rest = tx.write_all(b"written through wasip3\n".to_vec()).await;
            drop(tx);
            done.await.map_err(|e| format!("{e:?}"))?;
            let before = wasip3::clocks::monotonic_clock::now();
            wasip3::clocks::monotonic_clock::wait_for(5_000_000).await;
            let waited = wasip3::clocks::monotonic_clock::now() - before;
            format!("spawned: {spawned}\nunwritten: {}\nwaited at least 5ms: {}\n", rest.len(), waited >= 5_000_000)
        }
        other => return Err(format!("unknown mode {other:?}")),
    };
    out.write_all(text.as_bytes()).await.map_err(|e| e.to_string())?;
    Ok(())
}

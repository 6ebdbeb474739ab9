//! `hello`: prints a greeting, its arguments and `$GREETING`, copies stdin to
//! stdout, and exits with the code given by `--exit N`. `--fail` makes
//! `main` return an `Err`.
//!
//! ```text
//! echo hi | wasmtime run --env GREETING=hey target/wasm32-wasip2/release/hello.wasm a b --exit 3
//! ```

use futures_util::io::{AsyncWriteExt, copy};

#[wasio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = wasio::env::args().collect();
    let greeting = wasio::env::var("GREETING").unwrap_or_else(|_| "hello".into());
    // std's println! (WASI 0.2) works next to wasio's async stdio.
    println!("{greeting} from wasio!");
    eprintln!("args: {:?}", &args[1..]);
    if args.iter().any(|a| a == "--fail") {
        return Err("asked to fail with --fail".into());
    }
    let exit_code = match args.iter().position(|a| a == "--exit") {
        Some(i) => {
            let raw = args.get(i + 1).ok_or("--exit needs a number")?;
            raw.parse::<i32>().map_err(|e| format!("bad exit code {raw:?}: {e}"))?
        }
        None => 0,
    };
    let mut stdout = wasio::io::stdout();
    let copied = copy(wasio::io::stdin(), &mut stdout).await.map_err(|e| format!("copying stdin: {e}"))?;
    stdout.close().await.map_err(|e| format!("closing stdout: {e}"))?;
    eprintln!("copied {copied} bytes");
    if exit_code != 0 {
        wasio::process::exit(exit_code);
    }
    Ok(())
}

//! `fs-copy SRC DST`: copies a file (streaming, in bounded memory) and
//! prints the number of bytes copied.
//!
//! ```text
//! wasmtime run --dir .::/work target/wasm32-wasip2/release/fs-copy.wasm /work/a.bin /work/b.bin
//! ```

#[wasio::main]
async fn main() -> Result<(), String> {
    let mut args = wasio::env::args().skip(1);
    let (Some(src), Some(dst)) = (args.next(), args.next()) else {
        return Err("usage: fs-copy SRC DST".into());
    };
    let n = wasio::fs::copy(&src, &dst).await.map_err(|e| format!("copying {src} to {dst}: {e}"))?;
    println!("copied {n} bytes");
    Ok(())
}

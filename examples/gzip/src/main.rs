//! `gzip compress|decompress SRC DST`: async-compression, a `futures-io`
//! library, streaming files through gzip on `wasio::fs::File` in bounded
//! memory.
//!
//! ```text
//! wasmtime run --dir .::/data target/wasm32-wasip2/release/gzip.wasm compress /data/big.bin /data/big.bin.gz
//! ```

use async_compression::futures::bufread::GzipDecoder;
use async_compression::futures::write::GzipEncoder;
use futures_util::io::{AsyncWriteExt, copy};
use wasio::fs::File;

async fn run(mode: &str, src: &str, dst: &str) -> std::io::Result<u64> {
    let input = File::open(src).await?;
    let output = File::create(dst).await?;
    match mode {
        "compress" => {
            let mut encoder = GzipEncoder::new(output);
            let n = copy(input, &mut encoder).await?;
            encoder.close().await?; // writes the gzip trailer and flushes the file
            Ok(n)
        }
        "decompress" => {
            let mut output = output;
            let n = copy(GzipDecoder::new(input), &mut output).await?;
            output.close().await?;
            Ok(n)
        }
        other => Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("unknown mode {other:?}"))),
    }
}

#[wasio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = wasio::env::args().collect();
    let [_, mode, src, dst] = args.as_slice() else {
        return Err("usage: gzip compress|decompress SRC DST".into());
    };
    let n = run(mode, src, dst).await.map_err(|e| format!("{mode} {src} -> {dst}: {e}"))?;
    println!("{mode}: {n} bytes in");
    Ok(())
}

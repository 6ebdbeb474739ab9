//! The hello CLI benchmark on wasio: one line to stdout through WASI 0.3.

use futures_util::io::AsyncWriteExt;

#[wasio::main]
async fn main() -> std::io::Result<()> {
    let mut out = wasio::io::stdout();
    out.write_all(b"Hello, WASI!\n").await?;
    out.close().await
}

//! The hello CLI benchmark on wstd 0.6 (WASI 0.2): one line to stdout.

use wstd::io::AsyncWrite;

#[wstd::main]
async fn main() -> std::io::Result<()> {
    let mut out = wstd::io::stdout();
    out.write_all(b"Hello, WASI!\n").await?;
    out.flush().await
}

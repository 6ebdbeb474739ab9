//! A command-line component on wasio.

use futures_util::io::AsyncWriteExt;

/// The greeting for `name`.
fn greeting(name: &str) -> String {
    format!("Hello, {name}, from {{project-name}}!\n")
}

#[wasio::main]
async fn main() -> std::io::Result<()> {
    let name = wasio::env::args().nth(1).unwrap_or_else(|| "world".into());
    // Work can run concurrently on wasio's executor.
    let task = wasio::spawn(async move { greeting(&name) });
    let mut out = wasio::io::stdout();
    out.write_all(task.await.expect("task panicked").as_bytes()).await?;
    out.flush().await
}

#[wasio::test]
async fn greets_by_name() {
    assert_eq!(greeting("Ferris"), "Hello, Ferris, from {{project-name}}!\n");
}

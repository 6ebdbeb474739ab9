//! An HTTP client component on wasio: fetches the URL given as the first
//! argument and prints the status and body.

use futures_util::io::AsyncWriteExt;
use std::time::Duration;
use wasio::http::{Body, Client, Request};

/// Fetches `url`; the status line and the body as text.
async fn fetch(url: &str) -> Result<(u16, String), wasio::http::Error> {
    let client = Client::new().connect_timeout(Duration::from_secs(5));
    let res = client.send(Request::get(url).body(Body::empty())?).await?;
    let status = res.status().as_u16();
    Ok((status, res.into_body().text().await?))
}

#[wasio::main]
async fn main() -> Result<(), wasio::http::Error> {
    let url = wasio::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:8080/".into());
    let (status, body) = fetch(&url).await?;
    let mut out = wasio::io::stdout();
    out.write_all(format!("status {status}\n{body}").as_bytes()).await?;
    out.flush().await?;
    Ok(())
}

#[wasio::test]
async fn a_refused_connection_is_an_error() {
    let err = fetch("http://127.0.0.1:1/").await.unwrap_err();
    assert_eq!(err.code_name(), Some("connection-refused"), "{err}");
}

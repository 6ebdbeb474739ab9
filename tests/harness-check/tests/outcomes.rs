//! One passing and one failing `#[wasio::test]`. `WASIO_CHECK` picks which
//! run: `pass`, `fail` (an assertion) or `err` (an `Err` result).

#[wasio::test]
async fn passes() {
    wasio::time::sleep(std::time::Duration::from_millis(1)).await;
}

#[wasio::test]
async fn fails_when_asked() {
    let mode = wasio::env::var("WASIO_CHECK").unwrap_or_default();
    wasio::yield_now().await;
    assert_ne!(mode, "fail", "failing on purpose");
}

#[wasio::test]
async fn errs_when_asked() -> Result<(), String> {
    let mode = wasio::env::var("WASIO_CHECK").unwrap_or_default();
    if mode == "err" { Err("erring on purpose".into()) } else { Ok(()) }
}

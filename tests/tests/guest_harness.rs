//! `#[wasio::test]` under `cargo test --target wasm32-wasip2`: passing
//! tests pass, and a failing one fails the run.

use std::process::Command;
use wasio_tests::{wasmtime_cli, workspace_root};

fn cargo_test_harness_check(mode: &str) -> std::process::Output {
    let root = workspace_root();
    Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["test", "--target", "wasm32-wasip2", "-p", "wasio-harness-check"])
        // Its own target dir: the outer cargo may still hold the main one.
        .env("CARGO_TARGET_DIR", root.join("target/harness-check"))
        .env("CARGO_TARGET_WASM32_WASIP2_RUNNER", format!("{} run --env WASIO_CHECK={mode}", wasmtime_cli().display()))
        .output()
        .expect("running cargo")
}

#[test]
fn wasio_tests_pass_and_fail_as_they_should() {
    let out = cargo_test_harness_check("pass");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("test result: ok. 3 passed; 0 failed"), "{stdout}");

    let out = cargo_test_harness_check("fail");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a failing assertion must fail `cargo test`");
    assert!(stderr.contains("failing on purpose"), "the panic message is shown: {stderr}");

    let out = cargo_test_harness_check("err");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "an `Err` result must fail `cargo test`");
    assert!(stderr.contains("test returned Error: \"erring on purpose\""), "{stderr}");
}

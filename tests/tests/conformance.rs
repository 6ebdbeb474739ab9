//! The conformance guest (`tests/guests/src/bin/conformance.rs`): behaviour
//! checks modelled on Wasmtime's WASI 0.3 test programs, run group by group
//! on the wasmtime CLI (and the filesystem group on the embedded host, which
//! can make a preopen read-only). Every check prints `ok NAME`; the table in
//! tests/CONFORMANCE.md maps them to Wasmtime's programs.

use std::io::Write;
use wasio_tests::{BACKENDS, Backend, host_server, read_request, run_cli, run_command, store};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

/// Asserts the group passed and printed exactly `checks` (in order).
fn assert_checks(group: &str, success: bool, stdout: &str, stderr: &str, checks: &[&str]) {
    let got: Vec<&str> = stdout.lines().filter(|l| l.starts_with("ok ") || l.starts_with("FAIL ")).collect();
    let want: Vec<String> = checks.iter().map(|c| format!("ok {c}")).collect();
    assert_eq!(got, want, "{group}: stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(success, "{group} failed:\n{stderr}");
}

fn cli_group(group: &str, flags: &[&str], args: &[&str], checks: &[&str]) {
    let mut all = vec![group];
    all.extend_from_slice(args);
    let out = run_cli("conformance", flags, &all, b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_checks(group, out.status.success(), &stdout, &String::from_utf8_lossy(&out.stderr), checks);
}

#[test]
fn clocks() {
    cli_group(
        "clocks",
        &["-Shttp"],
        &[],
        &["monotonic-clock-advances", "wall-clock-is-recent", "zero-and-past-sleeps-complete"],
    );
}

#[test]
fn random() {
    cli_group(
        "random",
        &["-Shttp"],
        &[],
        &["secure-bytes-large-buffer", "secure-values-differ", "insecure-values-and-seed", "zero-length-request"],
    );
}

#[test]
fn cli() {
    cli_group(
        "cli",
        &["-Shttp", "--env", "CONFORMANCE=1"],
        &[],
        &["args-start-with-program", "env-var-visible", "empty-stdin-reads-eof", "much-stdout-and-flush"],
    );
    // All 4 MiB of stdout arrived.
    let out = run_cli("conformance", &["-Shttp", "--env", "CONFORMANCE=1"], &["cli"], b"");
    assert_eq!(out.stdout.iter().filter(|b| **b == b'.').count(), 4096 * 1023);
}

#[test]
fn tcp() {
    cli_group(
        "tcp",
        &["-Shttp", "-Sinherit-network"],
        &[],
        &[
            "bind-ephemeral-port",
            "bind-address-in-use",
            "bind-non-local-address",
            "connect-to-port-zero-is-invalid",
            "connect-refused",
            "accept-addresses-match",
            "streams-half-close-and-bytes",
            "socket-options-round-trip",
        ],
    );
}

#[test]
fn udp() {
    cli_group(
        "udp",
        &["-Shttp", "-Sinherit-network"],
        &[],
        &[
            "udp-bind-ephemeral-and-in-use",
            "udp-send-to-recv-from",
            "udp-connected-send-recv",
            "udp-empty-datagram",
            "udp-socket-options",
            "udp-disconnect",
        ],
    );
}

#[test]
fn lookup() {
    cli_group(
        "lookup",
        &["-Shttp", "-Sinherit-network", "-Sallow-ip-name-lookup"],
        &[],
        &["lookup-localhost", "lookup-ip-literal", "lookup-invalid-name-is-an-error"],
    );
}

#[test]
fn http() {
    // Answers every request with "<METHOD> <body length>".
    let addr = host_server(|mut s| {
        while let Ok(req) = read_request(&mut s) {
            let body = format!("{} {}", req.method, req.body.len());
            if write!(s, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}", body.len()).is_err() {
                break;
            }
        }
        wasio_tests::finish(s);
    });
    cli_group(
        "http",
        &["-Shttp", "-Sinherit-network"],
        &[&format!("http://{addr}")],
        &[
            "http-method-GET",
            "http-method-POST",
            "http-method-PUT",
            "http-method-DELETE",
            "http-method-CUSTOM",
            "http-large-post",
            "http-invalid-port",
            "http-invalid-dns-name",
            "http-unsupported-scheme",
            "http-forbidden-header-is-an-error",
            "http-content-length-mismatch-is-an-error",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filesystem_on_the_embedded_host() -> anyhow::Result<()> {
    for b in BACKENDS {
        filesystem_group(b).await.map_err(|e| e.context(format!("{b:?} build")))?;
    }
    Ok(())
}

/// The `fs` group of the `b` build, with a writable `/data` and a
/// read-only `/ro`.
async fn filesystem_group(b: Backend) -> anyhow::Result<()> {
    let (data, ro) = (tempfile::tempdir()?, tempfile::tempdir()?);
    std::fs::write(ro.path().join("readme.txt"), "read only")?;
    let stdout = wasmtime_wasi::p2::pipe::MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.args(&["conformance", "fs"]).stdout(stdout.clone()).inherit_stderr();
    ctx.preopened_dir(data.path(), "/data", FsPerms::ReadWrite)?;
    ctx.preopened_dir(ro.path(), "/ro", FsPerms::ReadOnly)?;
    let mut store = store(ctx);
    let (baseline, status) = run_command(&mut store, b, "conformance").await?;
    assert_checks(
        "fs",
        status.is_ok(),
        &String::from_utf8_lossy(&stdout.contents()),
        "",
        &[
            "file-read-write-at-offsets",
            "chunked-writes-add-up",
            "append-mode-appends",
            "readdir-lists-entries-with-types",
            "truncation-of-a-read-only-file-fails",
            "rename-out-of-a-read-only-preopen-fails",
            "hard-link-across-preopens-fails",
            "missing-file-is-not-found",
        ],
    );
    assert_eq!(std::fs::read_to_string(ro.path().join("readme.txt"))?, "read only", "the read-only file changed");
    // What stays: the two preopens, which `wasio::fs` keeps for the
    // instance's life.
    wasio_tests::assert_no_leaks(&mut store, baseline + 2).await
}

//! The examples under the `wasmtime` CLI, as a user runs them, driven through
//! real pipes, each built twice — for WASI 0.3 and with wasio's `p2` feature
//! for WASI 0.2 — and checked with the same assertions; and the WASI 0.3
//! components on the embedded host's p3 `run`.

use wasio_tests::{BACKENDS, Backend, random_bytes, run_cli, run_cli_in, run_command, store};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};

#[test]
fn hello_copies_1_mib_of_stdin_byte_for_byte() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let input = random_bytes(1 << 20, 0x9e37_79b9_7f4a_7c15);
        let out = run_cli("hello", &["--env", "GREETING=hey"], &["a", "b c"], &input);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "status {:?}, stderr: {stderr}", out.status);
        let greeting = b"hey from wasio!\n";
        assert!(out.stdout.starts_with(greeting), "stdout starts with the greeting");
        assert_eq!(out.stdout.len(), greeting.len() + input.len(), "stdout length");
        assert!(out.stdout[greeting.len()..] == input[..], "stdin came back byte for byte");
        assert!(stderr.contains(r#"args: ["a", "b c"]"#), "stderr: {stderr}");
        assert!(stderr.contains("copied 1048576 bytes"), "stderr: {stderr}");
    }
}

#[test]
fn hello_without_the_env_var_uses_the_default_greeting() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("hello", &[], &[], b"");
        assert!(out.status.success());
        assert_eq!(out.stdout, b"hello from wasio!\n");
    }
}

#[test]
fn hello_exits_with_the_code_asked_for() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        for code in [0, 3, 7, 255] {
            let out = run_cli("hello", &[], &["--exit", &code.to_string()], b"x");
            assert_eq!(
                out.status.code(),
                Some(b.exit_status(code)),
                "stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            // Output written before exiting reached the host.
            assert_eq!(out.stdout, b"hello from wasio!\nx");
        }
    }
}

#[test]
fn an_err_from_main_exits_non_zero_with_the_error_on_stderr() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("hello", &[], &["--fail"], b"");
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(r#"Error: "asked to fail with --fail""#), "stderr: {stderr}");

        let out = run_cli("hello", &[], &["--exit", "nope"], b"");
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("bad exit code \\\"nope\\\""), "stderr: {stderr}");
    }
}

#[test]
fn tasks_prints_the_sum_and_reports_the_abort() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("tasks", &[], &[], b"");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            stdout,
            "tasks joined: 1000\nsum through channels: 499500\nsum of task outputs: 499500\nlong task cancelled: true\n"
        );
        let out = run_cli("tasks", &[], &["20000"], b"");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("sum through channels: 199990000\n"), "{stdout}");
    }
}

#[test]
fn tasks_rejects_a_bad_count() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("tasks", &[], &["many"], b"");
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("bad task count \\\"many\\\""));
    }
}

/// Runs `example` through the embedded host's `wasi:cli/run@0.3` export.
async fn run_embedded(
    example: &str,
    args: &[&str],
    stdin: &[u8],
) -> (anyhow::Result<Result<(), ()>>, Vec<u8>, Vec<u8>) {
    let stdout = MemoryOutputPipe::new(usize::MAX);
    let stderr = MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.arg(example).args(args).env("GREETING", "embedded").stdin(MemoryInputPipe::new(stdin.to_vec()));
    ctx.stdout(stdout.clone()).stderr(stderr.clone());
    let mut store = store(ctx);
    let result = async {
        let (baseline, status) = run_command(&mut store, Backend::P3, example).await?;
        // An exit (above, an `Err`) ends the instance without running any
        // destructor; a return from `main` must leave nothing behind.
        wasio_tests::assert_no_leaks(&mut store, baseline).await?;
        Ok::<_, anyhow::Error>(status)
    }
    .await;
    drop(store);
    (result, stdout.contents().to_vec(), stderr.contents().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hello_on_the_embedded_host() {
    let input = random_bytes(256 * 1024, 7);
    let (result, stdout, stderr) = run_embedded("hello", &["x"], &input).await;
    assert_eq!(result.unwrap(), Ok(()), "stderr: {}", String::from_utf8_lossy(&stderr));
    let greeting = b"embedded from wasio!\n";
    assert!(stdout.starts_with(greeting));
    assert!(stdout[greeting.len()..] == input[..], "stdin came back byte for byte");

    let (result, _, _) = run_embedded("hello", &["--exit", "9"], b"").await;
    let err = result.unwrap_err();
    let exit = err.downcast_ref::<wasmtime_wasi::I32Exit>().expect("an exit, not a trap");
    assert_eq!(exit.0, 9);

    let (result, _, stderr) = run_embedded("hello", &["--fail"], b"").await;
    assert_eq!(result.unwrap(), Err(()));
    assert!(String::from_utf8_lossy(&stderr).contains("Error: \"asked to fail with --fail\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_on_the_embedded_host() {
    let (result, stdout, stderr) = run_embedded("tasks", &["5000"], b"").await;
    assert_eq!(result.unwrap(), Ok(()), "stderr: {}", String::from_utf8_lossy(&stderr));
    let stdout = String::from_utf8(stdout).unwrap();
    assert!(stdout.contains("sum through channels: 12497500\n"), "{stdout}");
    assert!(stdout.contains("long task cancelled: true\n"), "{stdout}");
}

#[test]
fn env_vars_and_var() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("stdio_probe", &["--env", "PROBE_B=two", "--env", "PROBE_A=1"], &["env", "x"], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "[(\"PROBE_A\", \"1\"), (\"PROBE_B\", \"two\")]\nmissing: environment variable not found\nargs: 3\n"
        );
    }
}

#[test]
fn wasip3_crate_bindings_and_spawn_local_run_on_wasio() {
    let out = run_cli("stdio_probe", &[], &["wasip3"], b"");
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "written through wasip3\nspawned: 7\nunwritten: 0\nwaited at least 5ms: true\n"
    );
}

#[test]
fn an_unknown_mode_is_an_error_not_a_trap() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("stdio_probe", &[], &["bogus"], b"");
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("Error: \"unknown mode \\\"bogus\\\"\""));
    }
}

/// The `p2` builds are WASI 0.2 components: they export `wasi:cli/run@0.2`
/// and import no WASI 0.3 interface, so 0.2-only hosts can run them.
#[test]
fn p2_builds_import_and_export_only_wasi_0_2() {
    for name in ["hello", "tasks", "timers", "fs-copy", "gzip", "sleepers", "interval_probe", "rand_probe", "fs_probe"]
    {
        let bytes = std::fs::read(Backend::P2.wasm(name)).unwrap();
        let has = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
        assert!(has("wasi:cli/run@0.2."), "{name} exports wasi:cli/run@0.2");
        assert!(!has("@0.3."), "{name} mentions a WASI 0.3 interface");
        let p3 = std::fs::read(wasio_tests::wasm_path(name)).unwrap();
        assert!(p3.windows(5).any(|w| w == b"@0.3."), "{name}'s default build is a WASI 0.3 component");
    }
}

/// A WASI 0.3 build started through the WASI 0.2 command entry point
/// (`wasi:cli/run@0.2.0`, which the `wasm32-wasip2` target always exports)
/// does not succeed silently: it names the export to call on stderr and
/// exits with status 1 — a `#[wasio::main]` program on the embedded host,
/// an HTTP handler under `wasmtime run -Shttp`, and a library component.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wasi_0_3_build_run_through_its_wasi_0_2_entry_point_names_the_export_and_fails() {
    let stderr = MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.arg("hello").stderr(stderr.clone());
    let mut store = store(ctx);
    let (c, l) = (Backend::P3.component("hello").unwrap(), wasio_tests::linker().unwrap());
    let command = wasmtime_wasi::p2::bindings::Command::instantiate_async(&mut store, &c, &l).await.unwrap();
    let err = command.wasi_cli_run().call_run(&mut store).await.unwrap_err();
    assert_eq!(err.downcast_ref::<wasmtime_wasi::I32Exit>().map(|e| e.0), Some(1), "{err:?}");
    let text = String::from_utf8_lossy(&stderr.contents()).into_owned();
    assert!(text.contains("`wasi:cli/run@0.3.0#run` export") && text.contains("wasi:cli/run@0.2.0"), "{text}");

    for (name, flags, export) in [
        ("http-hello", &["-Shttp"][..], "`wasi:http/handler@0.3.0#handle` export"),
        ("kv-store", &[][..], "`example:kv/cache@0.1.0` export"),
    ] {
        let out = run_cli_in(Backend::P3, name, flags, &[], b"");
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        assert!(text.contains(export) && text.contains("wasi:cli/run@0.2.0"), "{name}: {text}");
    }
}

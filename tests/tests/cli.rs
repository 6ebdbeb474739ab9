//! The examples under the `wasmtime` CLI, as a user runs them, driven through
//! real pipes, each built twice — for WASI 0.3 and with wasio's `p2` feature
//! for WASI 0.2 — and checked with the same assertions; and the WASI 0.3
//! components on the embedded host's p3 `run`.

use std::process::{Command, Stdio};
use wasio_tests::{BACKENDS, Backend, random_bytes, run_cli, run_cli_in, run_command, store, wasmtime_cli};
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
fn stdin_lines_through_async_buf_read() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        // 20,000 lines (~230 KiB) span several host reads; the last has no newline.
        let input: String = (0..20_000).map(|i| format!("line {i}\n")).collect::<String>() + "tail";
        let out = run_cli("stdio_probe", &[], &["lines"], input.as_bytes());
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        let expected: String =
            (0..20_000).map(|i| format!("{}: LINE {i}\n", i + 1)).collect::<String>() + "20001: TAIL\n20001 lines\n";
        assert!(stdout == expected, "stdout differs ({} vs {} bytes)", stdout.len(), expected.len());
    }
}

#[test]
fn terminal_detection_sees_pipes_and_ptys() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("stdio_probe", &[], &["tty"], b"");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "stdin tty: false\nstdout tty: false\nstderr tty: false\n");

        // Under a pseudo-terminal (util-linux `script`), all three are terminals.
        let cmd = format!("{} run {} tty", wasmtime_cli().display(), b.wasm("stdio_probe").display());
        let out = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .stdin(Stdio::null())
            .output()
            .expect("running `script` (util-linux) for a pty");
        let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
        assert_eq!(text, "stdin tty: true\nstdout tty: true\nstderr tty: true\n");
    }
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

#[test]
fn ten_thousand_sleeps_under_the_cli_fire_in_order() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("sleepers", &[], &["10000", "1000", "500"], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.starts_with("fired: 10000\nin deadline order: true\nnot early: true\npending after: 0\n"),
            "{stdout}"
        );
        let waits: u64 = stdout.lines().last().unwrap().trim_start_matches("host waits started: ").parse().unwrap();
        assert!(waits < 10_000, "host waits coalesced: {waits}");
    }
}

#[test]
fn interval_missed_tick_behaviours() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("interval_probe", &[], &[], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let parse = |name: &str| -> (Vec<u64>, u64) {
            let line = stdout.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name} in {stdout}"));
            let list = &line[line.find('[').unwrap() + 1..line.find(']').unwrap()];
            let ticks = list.split(", ").map(|v| v.parse().unwrap()).collect();
            let stalled = line.rsplit(' ').next().unwrap().parse().unwrap();
            (ticks, stalled)
        };
        // Burst: the missed ticks come back to back on the original schedule.
        let (burst, _) = parse("Burst");
        assert_eq!(burst, vec![0, 20, 40, 60, 80]);
        // Delay: after the late tick, the schedule restarts from it.
        let (delay, stalled) = parse("Delay");
        assert_eq!(&delay[..2], &[0, 20]);
        assert!(delay[2] >= stalled + 20, "{delay:?} stalled {stalled}");
        assert!(delay.windows(2).skip(2).all(|w| w[1] >= w[0] + 20), "{delay:?}");
        // Skip: next tick on the original grid after the stall.
        let (skip, stalled) = parse("Skip");
        assert_eq!(&skip[..2], &[0, 20]);
        assert!(skip.iter().all(|t| t % 20 == 0), "{skip:?}");
        assert!(skip[2] > stalled && skip[2] <= stalled + 20, "{skip:?} stalled {stalled}");
        assert_eq!(skip[3], skip[2] + 20);
    }
}

#[test]
fn timers_example_runs() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("timers", &[], &[], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "tick 0 scheduled at +0 ms\ntick 1 scheduled at +20 ms\ntick 2 scheduled at +40 ms\n\
         tick 3 scheduled at +60 ms\ntick 4 scheduled at +80 ms\ntimeout fired: deadline has elapsed\n\
         fast sleep finished in time\nelapsed at least 120 ms: true\nwall clock after 2020: true\n"
        );
    }
}

#[test]
fn random_values_from_wasio_and_getrandom() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("rand_probe", &[], &[], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "secure 1 MiB len: 1048576, bits balanced: true\nsecure distinct 16-byte draws: 100/100\n\
         secure distinct u64: 100/100\ninsecure distinct 16-byte draws: 100/100\ninsecure distinct u64: 100/100\n\
         seed stable: true\nempty: 0\ngetrandom 0.2 nonzero: true\ngetrandom 0.3 distinct: true\n"
        );
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

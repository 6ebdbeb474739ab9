//! `wasio::io`'s stdio under the `wasmtime` CLI with real pipes and a pty,
//! both builds (WASI 0.3 and wasio's `p2`).

use std::process::{Command, Stdio};
use wasio_tests::{BACKENDS, run_cli_in, wasmtime_cli};

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

//! The cargo-generate templates in `templates/`: each is generated with the
//! real `cargo-generate` (scripts/test.sh installs it), built against this
//! workspace's wasio (a `[patch.crates-io]` path override) with the
//! template's own `.cargo/config.toml`, run on the wasmtime CLI the way its
//! README says, and its own `#[wasio::test]`s are run with `cargo test`.
//! Each is also built with its `p2` feature (for WASI 0.2 hosts) and run
//! with the same assertions.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use wasio_tests::{Served, host_server, read_request, wasmtime_cli, workspace_root};

/// One target dir for every generated project, so wasio and its
/// dependencies compile once.
fn shared_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
        .join("templates")
}

fn ok(out: Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed: {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Generates `template` as project `name` under a fresh temp dir, patched
/// to this workspace's wasio; builds it (release) and runs its tests, then
/// builds it again with `--features p2`. Returns the project dir (kept
/// alive by the returned guard) and the two built `.wasm`s: WASI 0.3, then
/// WASI 0.2.
fn generate_and_build(template: &str, name: &str) -> (tempfile::TempDir, [PathBuf; 2]) {
    let root = workspace_root();
    let dir = tempfile::tempdir().unwrap();
    ok(
        Command::new("cargo")
            .args(["generate", "--path"])
            .arg(root.join("templates").join(template))
            .args(["--name", name, "--vcs", "none", "--silent", "--destination"])
            .arg(dir.path())
            .output()
            .expect("running cargo generate (scripts/test.sh installs cargo-generate)"),
        "cargo generate",
    );
    let project = dir.path().join(name);
    let manifest = project.join("Cargo.toml");
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    assert!(toml.contains(&format!("name = \"{name}\"")), "project name not substituted:\n{toml}");
    toml.push_str(&format!(
        "\n[patch.crates-io]\nwasio = {{ path = {:?} }}\nwasio-macros = {{ path = {:?} }}\n",
        root.join("sdk"),
        root.join("macros")
    ));
    std::fs::write(&manifest, toml).unwrap();
    let cargo_in = |target: PathBuf, args: &[&str]| {
        Command::new("cargo")
            .args(args)
            .current_dir(&project)
            .env("CARGO_TARGET_DIR", target)
            // The template's runner names `wasmtime` on PATH; use ours.
            .env(
                "CARGO_TARGET_WASM32_WASIP2_RUNNER",
                format!("{} run -Shttp -Sinherit-network", wasmtime_cli().display()),
            )
            .output()
            .unwrap()
    };
    let cargo = |args: &[&str]| cargo_in(shared_target(), args);
    // The README's build command (the target comes from .cargo/config.toml).
    ok(cargo(&["build", "--release"]), "cargo build --release");
    // The template's own #[wasio::test] runs on wasmtime and passes.
    let tests = ok(cargo(&["test"]), "cargo test");
    assert!(tests.contains("test result: ok. 1 passed"), "cargo test output:\n{tests}");
    let wasm = shared_target().join("wasm32-wasip2/release").join(format!("{name}.wasm"));
    assert!(wasm.exists(), "{} was not built", wasm.display());
    // The README's WASI 0.2 build, in a target dir of its own.
    let p2 = shared_target().join("p2");
    ok(cargo_in(p2.clone(), &["build", "--release", "--features", "p2"]), "cargo build --release --features p2");
    let wasm_p2 = p2.join("wasm32-wasip2/release").join(format!("{name}.wasm"));
    let bytes = std::fs::read(&wasm_p2).unwrap();
    assert!(!bytes.windows(5).any(|w| w == b"@0.3."), "the p2 build of {name} mentions a WASI 0.3 interface");
    (dir, [wasm, wasm_p2])
}

/// The raw answer to `GET path` (HTTP/1.1, `Connection: close`).
fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text
}

fn wasmtime(args: &[&str], wasm: &Path, rest: &[&str]) -> Output {
    Command::new(wasmtime_cli()).arg("run").args(args).arg(wasm).args(rest).output().unwrap()
}

#[test]
fn cli_template() {
    let (_dir, wasms) = generate_and_build("cli", "hello-cli");
    for wasm in wasms {
        let out = ok(wasmtime(&[], &wasm, &["Ferris"]), "wasmtime run");
        assert_eq!(out, "Hello, Ferris, from hello-cli!\n", "{}", wasm.display());
    }
}

#[test]
fn http_server_template() {
    let (_dir, wasms) = generate_and_build("http-server", "hello-server");
    for wasm in wasms {
        let served = Served::start_wasm(&wasm, &[], Stdio::inherit());
        let get = |path: &str| http_get(served.addr, path);
        let hello = get("/");
        assert!(hello.starts_with("HTTP/1.1 200"), "{hello}");
        assert!(hello.contains("content-length: 25\r\n"), "{hello}");
        assert!(hello.ends_with("\r\n\r\nHello from hello-server!\n"), "{hello}");
        assert!(get("/missing").starts_with("HTTP/1.1 404"));
    }
}

#[test]
fn axum_template() {
    let (_dir, wasms) = generate_and_build("axum", "hello-axum");
    for wasm in wasms {
        let served = Served::start_wasm(&wasm, &[], Stdio::inherit());
        let get = |path: &str| http_get(served.addr, path);
        let hello = get("/");
        assert!(hello.starts_with("HTTP/1.1 200"), "{hello}");
        assert!(hello.contains("content-length: 23\r\n"), "{hello}");
        assert!(hello.ends_with("\r\n\r\nHello from hello-axum!\n"), "{hello}");
        let user = get("/users/7");
        assert!(user.contains("content-type: application/json\r\n"), "{user}");
        assert!(user.ends_with("\r\n\r\n{\"id\":7,\"name\":\"user-7\"}"), "{user}");
        let visits = get("/visits");
        assert!(visits.starts_with("HTTP/1.1 200"), "{visits}");
        assert!(get("/users/x").starts_with("HTTP/1.1 400"));
        assert!(get("/missing").starts_with("HTTP/1.1 404"));
    }
}

#[test]
fn http_client_template() {
    let (_dir, wasms) = generate_and_build("http-client", "hello-client");
    for wasm in wasms {
        let addr = host_server(|mut s| {
            let req = read_request(&mut s).unwrap();
            let body = format!("you asked for {}", req.path);
            write!(s, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}", body.len()).unwrap();
            wasio_tests::finish(s);
        });
        let out = ok(wasmtime(&["-Shttp"], &wasm, &[&format!("http://{addr}/page")]), "wasmtime run");
        assert_eq!(out, "status 200\nyou asked for /page", "{}", wasm.display());
    }
}

#[test]
fn tcp_server_template() {
    let (_dir, wasms) = generate_and_build("tcp-server", "echo-server");
    for wasm in wasms {
        let addr = wasio_tests::free_addr();
        let _server = Served::run_listening(&wasm, &["-Sinherit-network"], &[&addr.to_string()], addr);
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"hello template").unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let mut back = Vec::new();
        s.read_to_end(&mut back).unwrap();
        assert_eq!(back, b"hello template", "{}", wasm.display());
    }
}

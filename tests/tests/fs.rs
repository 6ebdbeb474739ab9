//! `wasio::fs` on real hosts: the `fs_probe` guest and the `fs-copy`
//! example under `wasmtime run --dir`, built for WASI 0.3 and for 0.2 with
//! the same assertions, and the embedded host for a read-only preopen and
//! the resource table.

use std::path::Path;
use wasio_tests::{BACKENDS, Backend, random_bytes, run_cli_in, run_command, store};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

/// Runs the `b` build of `fs_probe MODE ARGS` with `dir` preopened as
/// `/data`; returns stdout, failing the test on a non-zero exit.
fn probe(b: Backend, dir: &Path, args: &[&str]) -> String {
    let preopen = format!("{}::/data", dir.display());
    let out = run_cli_in(b, "fs_probe", &["--dir", &preopen], args, b"");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{b:?} fs_probe {args:?}: stdout {stdout} stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn pattern(i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// The guest's memory after the run, from its `memory N` line.
fn memory(stdout: &str) -> usize {
    stdout.lines().find_map(|l| l.strip_prefix("memory ")).unwrap().parse().unwrap()
}

#[test]
fn round_trips_byte_for_byte_in_bounded_memory() {
    for b in BACKENDS {
        for size in [0u64, 1, 65_536, 100 * 1024 * 1024] {
            let dir = tempfile::tempdir().unwrap();
            let out = probe(b, dir.path(), &["roundtrip", &size.to_string()]);
            assert!(out.starts_with(&format!("roundtrip {size} {size}\n")), "{out}");
            // The host checks the bytes on disk itself.
            let on_disk = std::fs::read(dir.path().join("rt.bin")).unwrap();
            assert_eq!(on_disk.len() as u64, size);
            assert!(on_disk.iter().enumerate().all(|(i, b)| *b == pattern(i as u64)), "content on disk");
            assert!(memory(&out) < 4 << 20, "guest memory {} for {size} bytes", memory(&out));
        }
    }
}

#[test]
fn fs_copy_example_copies_100_mib_and_the_probe_stays_small() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let data = random_bytes(100 << 20, 42);
        std::fs::write(dir.path().join("src.bin"), &data).unwrap();
        let preopen = format!("{}::/work", dir.path().display());
        let out = run_cli_in(b, "fs-copy", &["--dir", &preopen], &["/work/src.bin", "/work/dst.bin"], b"");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("copied {} bytes\n", data.len()));
        assert!(std::fs::read(dir.path().join("dst.bin")).unwrap() == data, "copy is byte for byte");

        let out = probe(b, dir.path(), &["copy", "/data/src.bin", "/data/again.bin"]);
        assert!(out.starts_with(&format!("copied {}\n", data.len())), "{out}");
        assert!(memory(&out) < 4 << 20, "guest memory {}", memory(&out));
        assert!(std::fs::read(dir.path().join("again.bin")).unwrap() == data);

        let out = run_cli_in(b, "fs-copy", &["--dir", &preopen], &["/work/missing", "/work/x"], b"");
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("copying /work/missing to /work/x: open /work/missing"));
    }
}

#[test]
fn seek_append_truncate_create_new() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            probe(b, dir.path(), &["seek"]),
            "at 3: 3456\nend-2 = 8: 89\nafter write at 3: 012XY56789\nnegative seek: InvalidInput\n"
        );
        assert_eq!(std::fs::read_to_string(dir.path().join("seek.txt")).unwrap(), "012XY56789");
        assert_eq!(probe(b, dir.path(), &["append"]), "append: abb new\n");
        assert_eq!(probe(b, dir.path(), &["truncate"]), "after truncate: 0\nset_len: hello\nmtime set: true\n");
        let mtime = std::fs::metadata(dir.path().join("t.txt")).unwrap().modified().unwrap();
        assert_eq!(mtime, std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000));
        assert_eq!(probe(b, dir.path(), &["create_new"]), "create_new: ok then AlreadyExists\n");
    }
}

#[test]
fn directories_listing_removal_rename_links() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(probe(b, dir.path(), &["listing", "1000"]), "listing: 1001 entries, 1 dir, names match: true\n");
        assert_eq!(std::fs::read_dir(dir.path().join("list")).unwrap().count(), 1001);
        assert_eq!(
            probe(b, dir.path(), &["remove_tree"]),
            "created 18 files\nremove_dir non-empty: DirectoryNotEmpty\nexists after remove_dir_all: false\n"
        );
        assert!(!dir.path().join("tree").exists());
        assert_eq!(probe(b, dir.path(), &["rename"]), "rename: old exists false, new moved\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("rb/y.txt")).unwrap(), "moved");
        assert_eq!(
            probe(b, dir.path(), &["links"]),
            "read_link: target.txt\nsymlink_metadata is_symlink: true\nmetadata through link is_file: true\n\
             hard link count: 2\ncanonicalize: /data/target.txt\n"
        );
    }
}

#[test]
fn every_error_kind_is_an_err_not_a_trap() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            probe(b, dir.path(), &["errors"]),
            "NotFound: NotFound\nAlreadyExists: AlreadyExists\nIsADirectory: IsADirectory\n\
             NotADirectory: NotADirectory\nDirectoryNotEmpty: DirectoryNotEmpty\noutside: PermissionDenied\n\
             escape: PermissionDenied\nrelative escape: PermissionDenied\nbad options: InvalidInput\n\
             source code: no-entry\nmessage: open /data/missing: entity not found (wasi error-code `no-entry`)\n"
        );
    }
}

#[test]
fn many_files_read_concurrently() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let n = 50u64;
        let expected: u64 = (0..n).map(|i| 10_000 + i * 100).sum();
        assert_eq!(probe(b, dir.path(), &["concurrent", &n.to_string()]), format!("concurrent: {expected}\n"));
    }
}

/// A task copying a large file leaves turns to the others (on WASI 0.2,
/// where a file is always ready, by yielding between chunks).
#[test]
fn a_large_copy_lets_other_tasks_run() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(probe(b, dir.path(), &["fair"]), "copied 16777216, other task ran during the copy: true\n");
    }
}

#[test]
fn relative_paths_use_the_dot_preopen() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        let preopen = format!("{}::.", dir.path().display());
        let out = run_cli_in(b, "fs_probe", &["--dir", &preopen], &["relative"], b"");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "relative: relative\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("rel.txt")).unwrap(), "relative");
    }
}

/// Runs the `b` build of `fs_probe` on the embedded host with `dir`
/// preopened as `/data`; returns (exit, stdout). A run that succeeds must
/// leave nothing behind in the host but the one preopen `wasio::fs` keeps
/// for the instance.
async fn embedded(b: Backend, dir: &Path, perms: FsPerms, args: &[&str]) -> (anyhow::Result<()>, String) {
    let stdout = wasmtime_wasi::p2::pipe::MemoryOutputPipe::new(usize::MAX);
    let mut ctx = WasiCtxBuilder::new();
    ctx.arg("fs_probe").args(args).stdout(stdout.clone()).inherit_stderr();
    ctx.preopened_dir(dir, "/data", perms).unwrap();
    let mut store = store(ctx);
    let result = async {
        let (baseline, status) = run_command(&mut store, b, "fs_probe").await?;
        status.map_err(|()| anyhow::anyhow!("{b:?} guest returned an error"))?;
        wasio_tests::assert_no_leaks(&mut store, baseline + 1).await
    }
    .await;
    (result, String::from_utf8_lossy(&stdout.contents()).to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_preopen_refuses_writes_with_an_err() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("existing.txt"), "x").unwrap();
        let (res, out) = embedded(b, dir.path(), FsPerms::ReadOnly, &["readonly"]).await;
        res.unwrap();
        assert_eq!(out, "read: ok\nwrite: PermissionDenied\ncreate_dir: PermissionDenied\nremove: PermissionDenied\n");
        assert!(dir.path().join("existing.txt").exists());
        assert!(!dir.path().join("new.txt").exists());
    }
}

/// On WASI 0.2 the file streams count as plain streams, which the table
/// check leaves out (see `State::table_len`); a leaked stream would still
/// show, as its descriptor (a parent) could not be dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_reads_and_writes_in_flight_release_their_handles() {
    for b in BACKENDS {
        let dir = tempfile::tempdir().unwrap();
        for n in ["1", "200"] {
            // `embedded` checks the resource table after the run.
            let (res, out) = embedded(b, dir.path(), FsPerms::ReadWrite, &["drop_inflight", n]).await;
            res.unwrap();
            assert_eq!(out, format!("dropped {n}\n"));
        }
    }
}

//! Filesystem checks driven by the test suite: `fs_probe MODE [ARGS]`,
//! run with a temp dir preopened as `/data`. Each mode prints facts the
//! host test compares with what it computed itself.

use futures_util::StreamExt;
use futures_util::io::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use std::io::SeekFrom;
use std::time::Duration;
use wasio::fs::{self, File, OpenOptions};

#[path = "../common/mod.rs"]
mod common;
use common::{kind_of, memory_bytes};

/// Deterministic content: byte `i` of a file is `pattern(i)`.
fn pattern(i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

async fn write_pattern(path: &str, size: u64) -> std::io::Result<()> {
    let mut f = File::create(path).await?;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut off = 0u64;
    while off < size {
        let n = ((size - off) as usize).min(chunk.len());
        for (i, b) in chunk[..n].iter_mut().enumerate() {
            *b = pattern(off + i as u64);
        }
        f.write_all(&chunk[..n]).await?;
        off += n as u64;
    }
    f.close().await
}

/// Reads `path` back and checks it against the pattern; returns its length.
async fn check_pattern(path: &str) -> std::io::Result<u64> {
    let mut f = File::open(path).await?;
    let mut off = 0u64;
    loop {
        let buf = f.fill_buf().await?;
        if buf.is_empty() {
            return Ok(off);
        }
        for (i, b) in buf.iter().enumerate() {
            if *b != pattern(off + i as u64) {
                return Err(std::io::Error::other(format!("byte {} differs", off + i as u64)));
            }
        }
        let n = buf.len();
        f.consume_unpin(n);
        off += n as u64;
    }
}

#[wasio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = wasio::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    run(&arg(0), &arg(1), &arg(2)).await.map_err(|e| format!("{e} ({:?})", e.kind()))
}

async fn run(mode: &str, a: &str, b: &str) -> std::io::Result<()> {
    match mode {
        "preopens" => {
            for p in fs::preopens() {
                println!("{}", p.display());
            }
        }
        "roundtrip" => {
            let size: u64 = a.parse().unwrap();
            write_pattern("/data/rt.bin", size).await?;
            let len = check_pattern("/data/rt.bin").await?;
            let meta = fs::metadata("/data/rt.bin").await?;
            println!("roundtrip {len} {}", meta.len());
            println!("memory {}", memory_bytes());
        }
        "pattern" => {
            // Writes a pattern file for the host to check.
            write_pattern(a, b.parse().unwrap()).await?;
        }
        "copy" => {
            let n = fs::copy(a, b).await?;
            println!("copied {n}");
            println!("memory {}", memory_bytes());
        }
        "seek" => {
            fs::write("/data/seek.txt", "0123456789").await?;
            let mut f = OpenOptions::new().read(true).write(true).open("/data/seek.txt").await?;
            let mut buf = [0u8; 4];
            f.seek(SeekFrom::Start(3)).await?;
            f.read_exact(&mut buf).await?;
            println!("at 3: {}", String::from_utf8_lossy(&buf));
            let end = f.seek(SeekFrom::End(-2)).await?;
            let mut rest = String::new();
            f.read_to_string(&mut rest).await?;
            println!("end-2 = {end}: {rest}");
            f.seek(SeekFrom::Start(1)).await?;
            f.seek(SeekFrom::Current(2)).await?;
            f.write_all(b"XY").await?;
            f.flush().await?;
            f.seek(SeekFrom::Start(0)).await?;
            let mut all = String::new();
            f.read_to_string(&mut all).await?;
            println!("after write at 3: {all}");
            println!("negative seek: {}", kind_of(f.seek(SeekFrom::Current(-100)).await));
        }
        "append" => {
            fs::write("/data/app.txt", "a").await?;
            for _ in 0..2 {
                let mut f = OpenOptions::new().append(true).open("/data/app.txt").await?;
                f.write_all(b"b").await?;
                f.close().await?;
            }
            let mut f = OpenOptions::new().append(true).create(true).open("/data/app2.txt").await?;
            f.write_all(b"new").await?;
            f.close().await?;
            println!(
                "append: {} {}",
                fs::read_to_string("/data/app.txt").await?,
                fs::read_to_string("/data/app2.txt").await?
            );
        }
        "truncate" => {
            fs::write("/data/t.txt", "hello world").await?;
            let f = OpenOptions::new().write(true).truncate(true).open("/data/t.txt").await?;
            drop(f);
            println!("after truncate: {}", fs::metadata("/data/t.txt").await?.len());
            fs::write("/data/t.txt", "hello world").await?;
            let mut f = OpenOptions::new().write(true).open("/data/t.txt").await?;
            f.set_len(5).await?;
            f.sync_all().await?;
            f.sync_data().await?;
            println!("set_len: {}", fs::read_to_string("/data/t.txt").await?);
            let t = std::time::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
            f.set_times(fs::FileTimes::new().set_modified(t).set_accessed(t)).await?;
            let m = f.metadata().await?;
            println!("mtime set: {}", m.modified()? == t);
        }
        "create_new" => {
            let first = File::create_new("/data/once.txt").await;
            let second = File::create_new("/data/once.txt").await;
            println!("create_new: {} then {}", kind_of(first), kind_of(second));
        }
        "listing" => {
            let n: usize = a.parse().unwrap();
            fs::create_dir_all("/data/list").await?;
            for i in 0..n {
                fs::write(format!("/data/list/f{i:04}"), i.to_string()).await?;
            }
            fs::create_dir("/data/list/sub").await?;
            let mut names = Vec::new();
            let mut dirs = 0;
            let mut entries = fs::read_dir("/data/list").await?;
            while let Some(e) = entries.next().await {
                let e = e?;
                if e.file_type().is_dir() {
                    dirs += 1;
                } else {
                    assert_eq!(
                        e.metadata().await?.len() as usize,
                        e.file_name()[1..].parse::<usize>().unwrap().to_string().len()
                    );
                }
                names.push(e.file_name());
            }
            names.sort();
            let expected: Vec<String> =
                (0..n).map(|i| format!("f{i:04}")).chain(std::iter::once("sub".to_string())).collect();
            println!("listing: {} entries, {dirs} dir, names match: {}", names.len(), names == expected);
        }
        "remove_tree" => {
            let mut files = 0;
            for x in 0..3 {
                for y in 0..3 {
                    let d = format!("/data/tree/{x}/{y}/z");
                    fs::create_dir_all(&d).await?;
                    fs::write(format!("{d}/file"), "x").await?;
                    fs::write(format!("/data/tree/{x}/{y}/file"), "y").await?;
                    files += 2;
                }
            }
            fs::symlink("0", "/data/tree/link").await?;
            println!("created {files} files");
            println!("remove_dir non-empty: {}", kind_of(fs::remove_dir("/data/tree").await));
            fs::remove_dir_all("/data/tree").await?;
            println!("exists after remove_dir_all: {}", fs::try_exists("/data/tree").await?);
        }
        "rename" => {
            fs::create_dir_all("/data/ra").await?;
            fs::create_dir_all("/data/rb").await?;
            fs::write("/data/ra/x.txt", "moved").await?;
            fs::rename("/data/ra/x.txt", "/data/rb/y.txt").await?;
            println!(
                "rename: old exists {}, new {}",
                fs::try_exists("/data/ra/x.txt").await?,
                fs::read_to_string("/data/rb/y.txt").await?
            );
        }
        "links" => {
            fs::write("/data/target.txt", "T").await?;
            fs::symlink("target.txt", "/data/sym").await?;
            fs::hard_link("/data/target.txt", "/data/hard").await?;
            println!("read_link: {}", fs::read_link("/data/sym").await?.display());
            println!("symlink_metadata is_symlink: {}", fs::symlink_metadata("/data/sym").await?.is_symlink());
            println!("metadata through link is_file: {}", fs::metadata("/data/sym").await?.is_file());
            println!("hard link count: {}", fs::metadata("/data/hard").await?.link_count());
            fs::create_dir_all("/data/c/d").await?;
            println!("canonicalize: {}", fs::canonicalize("/data/c/d/../../sym").await?.display());
        }
        "errors" => {
            fs::create_dir_all("/data/dir/inner").await?;
            fs::write("/data/file.txt", "x").await?;
            println!("NotFound: {}", kind_of(fs::read("/data/missing").await));
            println!("AlreadyExists: {}", kind_of(fs::create_dir("/data/dir").await));
            println!("IsADirectory: {}", kind_of(File::open("/data/dir").await));
            println!("NotADirectory: {}", kind_of(fs::read_dir("/data/file.txt").await));
            println!("DirectoryNotEmpty: {}", kind_of(fs::remove_dir("/data/dir").await));
            println!("outside: {}", kind_of(fs::read("/etc/passwd").await));
            println!("escape: {}", kind_of(fs::read("/data/../../etc/passwd").await));
            println!("relative escape: {}", kind_of(fs::read("../x").await));
            println!("bad options: {}", kind_of(OpenOptions::new().open("/data/file.txt").await));
            let e = fs::read("/data/missing").await.unwrap_err();
            let src = e.get_ref().and_then(|s| s.downcast_ref::<fs::FsError>()).map(|f| f.code_name());
            println!("source code: {}", src.unwrap_or_default());
            println!("message: {e}");
        }
        "readonly" => {
            println!("read: {}", kind_of(fs::read("/data/existing.txt").await));
            println!("write: {}", kind_of(fs::write("/data/new.txt", "x").await));
            println!("create_dir: {}", kind_of(fs::create_dir("/data/newdir").await));
            println!("remove: {}", kind_of(fs::remove_file("/data/existing.txt").await));
        }
        "concurrent" => {
            let n: usize = a.parse().unwrap();
            fs::create_dir_all("/data/many").await?;
            for i in 0..n {
                write_pattern(&format!("/data/many/{i}"), 10_000 + i as u64 * 100).await?;
            }
            let mut set = wasio::JoinSet::new();
            for i in 0..n {
                set.spawn(async move { check_pattern(&format!("/data/many/{i}")).await });
            }
            let mut total = 0;
            while let Some(r) = set.join_next().await {
                total += r.unwrap()?;
            }
            println!("concurrent: {total}");
        }
        "drop_inflight" => {
            let n: usize = a.parse().unwrap();
            write_pattern("/data/big.bin", 1 << 20).await?;
            for _ in 0..n {
                // A read in flight, dropped; then the file.
                let mut f = File::open("/data/big.bin").await?;
                let mut buf = [0u8; 16];
                let read = f.read(&mut buf);
                let _ = wasio::time::timeout(Duration::ZERO, read).await;
                drop(f);
                // A write in flight, dropped.
                let mut f = File::create("/data/w.bin").await?;
                let big = vec![1u8; 1 << 20];
                let _ = wasio::time::timeout(Duration::ZERO, f.write_all(&big)).await;
                drop(f);
            }
            println!("dropped {n}");
        }
        "fair" => {
            // Another task must get turns while a large copy runs.
            write_pattern("/data/fair.bin", 16 << 20).await?;
            let turns = std::rc::Rc::new(std::cell::Cell::new(0u64));
            let done = std::rc::Rc::new(std::cell::Cell::new(false));
            let (t, d) = (turns.clone(), done.clone());
            let other = wasio::spawn(async move {
                while !d.get() {
                    t.set(t.get() + 1);
                    wasio::yield_now().await;
                }
            });
            let n = fs::copy("/data/fair.bin", "/data/fair2.bin").await?;
            let during = turns.get();
            done.set(true);
            other.await.unwrap();
            println!("copied {n}, other task ran during the copy: {}", during >= 16);
        }
        "relative" => {
            fs::write("rel.txt", "relative").await?;
            println!("relative: {}", fs::read_to_string("./rel.txt").await?);
        }
        other => return Err(std::io::Error::other(format!("unknown mode {other}"))),
    }
    Ok(())
}

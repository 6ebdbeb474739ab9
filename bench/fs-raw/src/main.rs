//! `bench_fs_raw PATH MIB`: the baseline for `bench_fs_wasio`, written on
//! the raw `wasip3` bindings with wit-bindgen's own executor. PATH must be
//! `/data/<name>` with a preopen at `/data`.

use wasip3::clocks::monotonic_clock;
use wasip3::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};

struct Bench;

impl wasip3::exports::cli::run::Guest for Bench {
    async fn run() -> Result<(), ()> {
        match bench().await {
            Ok(()) => Ok(()),
            Err(e) => {
                eprintln!("error: {e}");
                Err(())
            }
        }
    }
}

wasip3::cli::command::export!(Bench);

async fn bench() -> Result<(), String> {
    let args = wasip3::cli::environment::get_arguments();
    let path = args.get(1).ok_or("usage: bench_fs_raw PATH MIB")?;
    let mib: usize = args.get(2).and_then(|a| a.parse().ok()).ok_or("usage: bench_fs_raw PATH MIB")?;
    let name = path.strip_prefix("/data/").ok_or("PATH must be under /data")?.to_string();
    let dirs = wasip3::filesystem::preopens::get_directories();
    let (dir, _) = dirs.iter().find(|(_, p)| p == "/data").ok_or("no /data preopen")?;

    let start = monotonic_clock::now();
    let fd = dir
        .open_at(PathFlags::empty(), name.clone(), OpenFlags::CREATE | OpenFlags::TRUNCATE, DescriptorFlags::WRITE)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let (mut tx, rx) = wasip3::wit_stream::new::<u8>();
    let done = fd.write_via_stream(rx, 0);
    for _ in 0..mib * 16 {
        let rest = tx.write_all(vec![0x5au8; 64 * 1024]).await;
        if !rest.is_empty() {
            return Err("short write".into());
        }
    }
    drop(tx);
    done.await.map_err(|e| format!("{e:?}"))?;
    let write = monotonic_clock::now() - start;

    let start = monotonic_clock::now();
    let fd = dir
        .open_at(PathFlags::empty(), name, OpenFlags::empty(), DescriptorFlags::READ)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let (mut rx, done) = fd.read_via_stream(0);
    let mut total = 0;
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        buf.clear();
        let (result, b) = rx.read(buf).await;
        buf = b;
        total += buf.len();
        if !matches!(result, wasip3::wit_bindgen::StreamResult::Complete(_)) {
            break;
        }
    }
    drop(rx);
    done.await.map_err(|e| format!("{e:?}"))?;
    let read = monotonic_clock::now() - start;
    if total != mib << 20 {
        return Err(format!("read {total} bytes"));
    }
    println!("write_ns {write}");
    println!("read_ns {read}");
    Ok(())
}

fn main() {}

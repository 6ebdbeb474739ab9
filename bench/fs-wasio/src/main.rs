//! `bench_fs_wasio PATH MIB`: writes MIB MiB to PATH in 64 KiB chunks, then
//! reads it back with `read` and with `fill_buf`; prints `write_ns N`,
//! `read_ns N` and `read_buf_ns N` (monotonic clock).

use futures_util::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use wasio::fs::File;
use wasio::time::Instant;

#[wasio::main]
async fn main() -> Result<(), String> {
    let mut args = wasio::env::args().skip(1);
    let path = args.next().ok_or("usage: bench_fs_wasio PATH MIB")?;
    let mib: usize = args.next().and_then(|a| a.parse().ok()).ok_or("usage: bench_fs_wasio PATH MIB")?;
    let chunk = vec![0x5au8; 64 * 1024];

    let start = Instant::now();
    let mut f = File::create(&path).await.map_err(|e| e.to_string())?;
    for _ in 0..mib * 16 {
        f.write_all(&chunk).await.map_err(|e| e.to_string())?;
    }
    f.close().await.map_err(|e| e.to_string())?;
    let write = start.elapsed();

    let start = Instant::now();
    let mut f = File::open(&path).await.map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0;
    loop {
        let n = f.read(&mut buf).await.map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        total += n;
    }
    let read = start.elapsed();
    if total != mib << 20 {
        return Err(format!("read {total} bytes, wrote {}", mib << 20));
    }
    // The same read through `AsyncBufRead` (no copy into a caller buffer).
    let start = Instant::now();
    let mut f = File::open(&path).await.map_err(|e| e.to_string())?;
    let mut total = 0;
    loop {
        let n = f.fill_buf().await.map_err(|e| e.to_string())?.len();
        if n == 0 {
            break;
        }
        total += n;
        f.consume_unpin(n);
    }
    let read_buf = start.elapsed();
    if total != mib << 20 {
        return Err(format!("buffered read {total} bytes"));
    }
    println!("write_ns {}", write.as_nanos());
    println!("read_ns {}", read.as_nanos());
    println!("read_buf_ns {}", read_buf.as_nanos());
    #[cfg(not(feature = "p2"))]
    raw_read(&path, mib).await?;
    Ok(())
}

/// The raw stream loop (as the baseline does it) on wasio's executor:
/// isolates the executor's share of the cost.
#[cfg(not(feature = "p2"))]
async fn raw_read(path: &str, mib: usize) -> Result<(), String> {
    let start = Instant::now();
    let dirs = wasio::bindings::wasi::filesystem::preopens::get_directories();
    let (dir, _) = dirs.iter().find(|(_, p)| p == "/data").ok_or("no /data")?;
    let name = path.strip_prefix("/data/").ok_or("PATH must be under /data")?.to_string();
    use wasio::bindings::wasi::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
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
        if !matches!(result, wit_bindgen::StreamResult::Complete(_)) {
            break;
        }
    }
    drop(rx);
    done.await.map_err(|e| format!("{e:?}"))?;
    let read_raw = start.elapsed();
    if total != mib << 20 {
        return Err(format!("raw read {total} bytes"));
    }
    println!("read_raw_on_wasio_ns {}", read_raw.as_nanos());
    Ok(())
}

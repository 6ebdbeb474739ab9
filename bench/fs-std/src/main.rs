//! `bench_fs_std PATH MIB`: the file benchmark of `bench_fs_wasio` written
//! with blocking `std::fs` (wasi-libc over WASI 0.2), the baseline for
//! wasio's `p2` build: writes MIB MiB in 64 KiB chunks, reads it back;
//! prints `write_ns N` and `read_ns N`.

use std::io::{Read, Write};
use std::time::Instant;

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: bench_fs_std PATH MIB")?;
    let mib: usize = args.next().and_then(|a| a.parse().ok()).ok_or("usage: bench_fs_std PATH MIB")?;
    let chunk = vec![0x5au8; 64 * 1024];

    let start = Instant::now();
    let mut f = std::fs::File::create(&path).map_err(|e| e.to_string())?;
    for _ in 0..mib * 16 {
        f.write_all(&chunk).map_err(|e| e.to_string())?;
    }
    f.flush().map_err(|e| e.to_string())?;
    drop(f);
    let write = start.elapsed();

    let start = Instant::now();
    let mut f = std::fs::File::open(&path).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0;
    loop {
        let n = f.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        total += n;
    }
    let read = start.elapsed();
    if total != mib << 20 {
        return Err(format!("read {total} bytes, wrote {}", mib << 20));
    }
    println!("write_ns {}", write.as_nanos());
    println!("read_ns {}", read.as_nanos());
    Ok(())
}

//! Helpers shared by the test guests (included with `#[path]`).

/// The guest's linear memory size in bytes.
pub fn memory_bytes() -> usize {
    core::arch::wasm32::memory_size::<0>() * 65536
}

/// `ok` or the error's `ErrorKind`, for printing.
pub fn kind_of<T>(r: std::io::Result<T>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => format!("{:?}", e.kind()),
    }
}

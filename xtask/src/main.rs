//! `cargo run -p xtask -- bindings [--check]`: regenerate (or check) the
//! checked-in bindings; `cargo run -p xtask -- compose`: compose the
//! `examples/components` pair into one runnable component.

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["bindings"] => xtask::write_bindings(),
        ["bindings", "--check"] => {
            let stale = xtask::stale_bindings()?;
            if !stale.is_empty() {
                bail!(
                    "stale bindings: {}; run `cargo run -p xtask -- bindings` and commit the result",
                    stale.join(", ")
                );
            }
            println!("bindings are up to date");
            Ok(())
        }
        ["compose"] => {
            let target =
                std::env::var_os("CARGO_TARGET_DIR").map(Into::into).unwrap_or_else(|| xtask::root().join("target"));
            let out = target.join("wasm32-wasip2/release/kv-app.wasm");
            std::fs::write(&out, xtask::compose_kv(&target)?)?;
            println!("wrote {}", out.display());
            Ok(())
        }
        _ => bail!("usage: cargo run -p xtask -- bindings [--check] | compose"),
    }
}

//! `cargo run -p xtask -- bindings [--check]`: regenerate (or check) the
//! checked-in WASI bindings in `sdk/src/bindings/`.

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
        _ => bail!("usage: cargo run -p xtask -- bindings [--check]"),
    }
}

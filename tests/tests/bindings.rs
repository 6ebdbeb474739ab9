//! The checked-in bindings match what `wit/` generates.

#[test]
fn bindings_are_not_stale() {
    let stale = xtask::stale_bindings().expect("generating bindings");
    assert!(stale.is_empty(), "stale bindings: {stale:?}; run `cargo run -p xtask -- bindings` and commit the result");
}

#[test]
fn wit_deps_are_wasi_0_3_imported_as_0_3_0() {
    let deps = xtask::root().join("wit/deps");
    for area in ["cli", "clocks", "filesystem", "http", "random", "sockets"] {
        let text = std::fs::read_to_string(deps.join(format!("{area}.wit"))).unwrap();
        let first = text.lines().next().unwrap();
        assert_eq!(first, format!("package wasi:{area}@0.3.0;"));
    }
}

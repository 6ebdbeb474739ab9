//! `wasio::rand` and the `getrandom` crates under the `wasmtime` CLI, both
//! builds.

use wasio_tests::{BACKENDS, run_cli_in};

#[test]
fn random_values_from_wasio_and_getrandom() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("rand_probe", &[], &[], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "secure 1 MiB len: 1048576, bits balanced: true\nsecure distinct 16-byte draws: 100/100\n\
         secure distinct u64: 100/100\ninsecure distinct 16-byte draws: 100/100\ninsecure distinct u64: 100/100\n\
         seed stable: true\nempty: 0\ngetrandom 0.2 nonzero: true\ngetrandom 0.3 distinct: true\n"
        );
    }
}

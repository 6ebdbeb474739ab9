#!/usr/bin/env bash
# The whole test suite: guest-side #[wasio::test]s on the wasmtime CLI, then
# the host-side tests (bindings staleness, every component on the embedded
# Wasmtime host and under the wasmtime CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "== building guest components (wasm32-wasip2, release)" >&2
cargo build --locked --target wasm32-wasip2 --release -p hello -p tasks -p timers -p fs-copy -p tcp-echo -p http-hello -p http-echo -p http-proxy -p kv-store -p kv-client -p wasio-test-guests

echo "== guest-side tests (#[wasio::test] on the wasmtime CLI) and doc examples" >&2
cargo test --locked --target wasm32-wasip2 -p wasio --all-features

echo "== host-side tests (embedded Wasmtime + wasmtime CLI)" >&2
cargo test --locked -p wasio-tests "$@"

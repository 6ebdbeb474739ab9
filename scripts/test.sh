#!/usr/bin/env bash
# The whole test suite: bindings staleness, then every component built and
# run on the embedded Wasmtime host and under the wasmtime CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "== building guest components (wasm32-wasip2, release)" >&2
cargo build --locked --target wasm32-wasip2 --release -p hello -p tasks -p timers -p wasio-test-guests

echo "== host-side tests (embedded Wasmtime + wasmtime CLI)" >&2
cargo test --locked -p wasio-tests "$@"

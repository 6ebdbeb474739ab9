#!/usr/bin/env bash
# The demo: build the examples and run them on the wasmtime CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --locked --target wasm32-wasip2 --release -p hello -p tasks -p timers
W=target/wasm32-wasip2/release

echo
echo '$ echo "piped through stdin" | wasmtime run --env GREETING=hi hello.wasm Ferris --exit 3'
set +e
echo "piped through stdin" | "$WASMTIME" run --env GREETING=hi "$W/hello.wasm" Ferris --exit 3
echo "(exit code $?)"
set -e

echo
echo '$ wasmtime run tasks.wasm 1000'
"$WASMTIME" run "$W/tasks.wasm" 1000

echo
echo '$ wasmtime run timers.wasm'
"$WASMTIME" run "$W/timers.wasm"

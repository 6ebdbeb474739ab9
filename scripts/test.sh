#!/usr/bin/env bash
# The whole test suite: guest-side #[wasio::test]s on the wasmtime CLI, then
# the host-side tests (bindings staleness, every component on the embedded
# Wasmtime host and under the wasmtime CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# The template tests generate projects with the real cargo-generate.
if [ "$(cargo generate --version 2>/dev/null | awk '{print $NF}')" != "$CARGO_GENERATE_VERSION" ]; then
    echo "setup: installing cargo-generate $CARGO_GENERATE_VERSION (~5 min)" >&2
    cargo install --locked --quiet cargo-generate --version "$CARGO_GENERATE_VERSION" --no-default-features >&2
fi

# Every feature but `p2`, which selects the other backend.
FEATURES="json,bindgen,tokio-io,hyper,tower,tracing"

echo "== house rules: rustfmt, clippy -D warnings (both backends, host crates)" >&2
cargo fmt --all --check
cargo clippy --locked --quiet --target wasm32-wasip2 --workspace --exclude wasio-tests --exclude xtask \
    --exclude bench-loadgen --exclude bench-pg-native -- -D warnings
cargo clippy --locked --quiet --target wasm32-wasip2 -p wasio --features "$FEATURES" --all-targets -- -D warnings
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/p2" cargo clippy --locked --quiet --target wasm32-wasip2 -p wasio \
    --features p2,json,tokio-io,hyper,tower,tracing --lib --test rt --test time --test http_body --test send -- -D warnings
cargo clippy --locked --quiet -p wasio-tests -p xtask -p bench-loadgen -p bench-pg-native --all-targets -- -D warnings
# The crates users depend on package and build from their packaged sources.
cargo package --locked --quiet -p wasio-macros -p wasio --allow-dirty --target wasm32-wasip2

echo "== building guest components (wasm32-wasip2, release)" >&2
cargo build --locked --target wasm32-wasip2 --release -p hello -p tasks -p timers -p fs-copy -p tcp-echo -p http-hello -p axum-app -p http-echo -p http-proxy -p kv-store -p kv-client -p hyper-hello -p gzip -p ws-echo -p pg-notes -p wasio-test-guests

echo "== the same programs for WASI 0.2 hosts (wasio's p2 feature, into target/p2)" >&2
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/p2" cargo build --locked --target wasm32-wasip2 --release \
    -p hello -p tasks -p timers -p fs-copy -p http-hello -p axum-app -p http-echo -p http-proxy -p tcp-echo -p hyper-hello \
    -p gzip -p ws-echo -p pg-notes -p wasio-test-guests --features wasio/p2,pg-notes/p2 \
    --bin hello --bin tasks --bin timers --bin fs-copy --bin http-hello --bin axum-app --bin http-echo --bin http-proxy \
    --bin tcp-echo --bin hyper-hello --bin gzip --bin ws-echo --bin pg-notes --bin pg-probe \
    --bin sleepers --bin interval_probe --bin rand_probe --bin stdio_probe --bin http_client_probe --bin net_probe \
    --bin fs_probe --bin conformance --bin task_local_probe

# The tracing example enables wasio's `tracing` feature: built on its own,
# so the other guests keep the features they ask for.
cargo build --locked --target wasm32-wasip2 --release -p http-tracing
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/p2" cargo build --locked --target wasm32-wasip2 --release \
    -p http-tracing --features wasio/p2

echo "== guest-side tests (#[wasio::test] on the wasmtime CLI) and doc examples" >&2
cargo test --locked --target wasm32-wasip2 -p wasio --features "$FEATURES"

# The database example's helpers (config, pool, errors) and their examples.
cargo test --locked --target wasm32-wasip2 -p pg-notes --doc

echo "== the p2 backend: its guest-side unit tests" >&2
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/p2" cargo test --locked --target wasm32-wasip2 -p wasio --features p2,json \
    --test rt --test time --test http_body --test send

echo "== rustdoc without warnings, both builds" >&2
RUSTDOCFLAGS="-D warnings" cargo doc --locked --target wasm32-wasip2 -p wasio --features "$FEATURES" --no-deps
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/p2" RUSTDOCFLAGS="-D warnings" \
    cargo doc --locked --target wasm32-wasip2 -p wasio --features p2,tokio-io,hyper,json,tower,tracing --no-deps

echo "== host-side tests (embedded Wasmtime + wasmtime CLI)" >&2
cargo test --locked -p wasio-tests "$@"

echo "== the oldest supported wasmtime CLI: the CLI, HTTP and socket tests again" >&2
[ -x "$WASMTIME_OLDEST" ] || { echo "no wasmtime CLI $WASMTIME_OLDEST_PYPI_VERSION at $WASMTIME_OLDEST" >&2; exit 1; }
"$WASMTIME_OLDEST" --version >&2
WASMTIME="$WASMTIME_OLDEST" cargo test --locked -p wasio-tests --test cli --test time_cli --test axum --test net "$@"

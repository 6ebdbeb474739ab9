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

echo
cargo build --locked --target wasm32-wasip2 --release -p http-hello -p tcp-echo
PORT="$(free_port)"
echo "\$ wasmtime serve -Scli -Shttp --addr 127.0.0.1:$PORT http-hello.wasm"
"$WASMTIME" serve -Scli -Shttp --addr "127.0.0.1:$PORT" "$W/http-hello.wasm" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
fetch() { python3 - "$@" <<'PY'
import sys, time, urllib.request
url, data = sys.argv[1], (sys.argv[2].encode() if len(sys.argv) > 2 else None)
for _ in range(100):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data)) as r:
            print(r.status, r.reason)
            for k, v in r.headers.items():
                print(f"{k}: {v}")
            print()
            sys.stdout.write(r.read().decode())
            break
    except OSError:
        time.sleep(0.1)
PY
}
echo "\$ GET http://127.0.0.1:$PORT/"
fetch "http://127.0.0.1:$PORT/"
echo "\$ GET http://127.0.0.1:$PORT/stream   # streamed by a task after the handler returned"
fetch "http://127.0.0.1:$PORT/stream"
echo "\$ POST 'echo me' to http://127.0.0.1:$PORT/echo"
fetch "http://127.0.0.1:$PORT/echo" "echo me"; echo

echo
echo "# The same handler built for WASI 0.2 hosts (wasio's p2 feature, into target/p2)"
CARGO_TARGET_DIR=target/p2 cargo build --locked --target wasm32-wasip2 --release -p http-hello --features wasio/p2
PORT2="$(free_port)"
echo "\$ wasmtime serve -Scli --addr 127.0.0.1:$PORT2 target/p2/.../http-hello.wasm   # wasi:http/incoming-handler@0.2"
"$WASMTIME" serve -Scli --addr "127.0.0.1:$PORT2" target/p2/wasm32-wasip2/release/http-hello.wasm >/dev/null 2>&1 &
SERVER2=$!
trap 'kill $SERVER $SERVER2 2>/dev/null || true' EXIT
echo "\$ GET http://127.0.0.1:$PORT2/stream"
fetch "http://127.0.0.1:$PORT2/stream"

echo
echo "# An axum Router served by wasio (examples/axum-app, feature tower)"
cargo build --locked --target wasm32-wasip2 --release -p axum-app
FILES="$(mktemp -d)"
echo "hello from a preopened directory" > "$FILES/note.txt"
PORT3="$(free_port)"
echo "\$ wasmtime serve -Scli --dir $FILES::/files --addr 127.0.0.1:$PORT3 axum-app.wasm"
"$WASMTIME" serve -Scli --dir "$FILES::/files" --addr "127.0.0.1:$PORT3" "$W/axum-app.wasm" >/dev/null 2>&1 &
SERVER3=$!
trap 'kill $SERVER $SERVER2 $SERVER3 2>/dev/null || true; rm -rf "$FILES"' EXIT
echo "\$ GET http://127.0.0.1:$PORT3/users/7"
fetch "http://127.0.0.1:$PORT3/users/7"; echo
echo "\$ GET http://127.0.0.1:$PORT3/files/note.txt   # streamed from the file by wasio::fs"
fetch "http://127.0.0.1:$PORT3/files/note.txt"

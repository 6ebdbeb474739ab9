#!/usr/bin/env bash
# Benchmarks wasio against its baselines in one run and prints ratios.
# Not part of the test command. Usage: bench/run.sh [ROUNDS] (default 5).
# Results also go to bench/results/<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ROUNDS="${1:-5}"

cargo build --locked --target wasm32-wasip2 --release -p bench-fs-wasio -p bench-fs-raw -p tcp-echo -p bench-tcp-raw >&2
cargo build --locked --release -p bench-loadgen >&2
LOADGEN=target/release/bench-loadgen
W=target/wasm32-wasip2/release
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Alternate the contenders round by round so machine noise hits both alike.
: > "$TMP/fs.txt"
for round in $(seq "$ROUNDS"); do
    for who in wasio raw; do
        "$WASMTIME" run --dir "$TMP::/data" "$W/bench_fs_$who.wasm" /data/bench.bin 256 \
            | sed "s/^/$who /" >> "$TMP/fs.txt"
        rm -f "$TMP/bench.bin"
    done
done

# TCP echo: wasio vs raw wasip3 vs a native tokio server (the ceiling).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_server() { # who addr
    case "$1" in
        wasio) "$WASMTIME" run -Sinherit-network "$W/tcp-echo.wasm" "$2" ;;
        raw) "$WASMTIME" run -Sinherit-network "$W/bench_tcp_raw.wasm" "$2" ;;
        tokio) "$LOADGEN" serve "$2" ;;
    esac
}
for round in $(seq "$ROUNDS"); do
    for who in wasio raw tokio; do
        addr="127.0.0.1:$(free_port)"
        start_server "$who" "$addr" > "$TMP/server.out" 2>/dev/null &
        pid=$!
        for _ in $(seq 100); do grep -q listening "$TMP/server.out" 2>/dev/null && break; sleep 0.1; done
        "$LOADGEN" throughput "$addr" 8 32 | sed "s/^/$who /" >> "$TMP/fs.txt"
        "$LOADGEN" connections "$addr" 8 2 | sed "s/^/$who /" >> "$TMP/fs.txt"
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    done
done

python3 - "$TMP/fs.txt" "$ROUNDS" <<'PY'
import statistics, sys, datetime, os, platform
rows = [l.split() for l in open(sys.argv[1])]
rounds = sys.argv[2]
def med(who, what):
    return statistics.median(float(n) for w, k, n in rows if w == who and k == what)
mib = 256
lines = [
    f"# wasio benchmarks — {datetime.date.today()}",
    "",
    f"Machine: {os.cpu_count()} cores, {platform.machine()}; {rounds} alternating rounds, medians.",
    "",
    "| benchmark | wasio | raw wasip3 | wasio / raw |",
    "| --- | --- | --- | --- |",
]
for what, label in [("write_ns", "file write 256 MiB (MB/s)"), ("read_ns", "file read 256 MiB (MB/s)")]:
    w = mib * 1048576 / (med("wasio", what) / 1e9) / 1e6
    r = mib * 1048576 / (med("raw", what) / 1e9) / 1e6
    lines.append(f"| {label} | {w:.0f} | {r:.0f} | {w / r:.2f}× |")
w = mib * 1048576 / (med("wasio", "read_buf_ns") / 1e9) / 1e6
r = mib * 1048576 / (med("raw", "read_ns") / 1e9) / 1e6
lines.append(f"| file read 256 MiB via `AsyncBufRead` (MB/s) | {w:.0f} | {r:.0f} | {w / r:.2f}× |")
w = mib * 1048576 / (med("wasio", "read_raw_on_wasio_ns") / 1e9) / 1e6
lines.append(f"| file read 256 MiB, raw 64 KiB stream loop on wasio's executor (MB/s) | {w:.0f} | {r:.0f} | {w / r:.2f}× |")
lines += [
    "",
    "| TCP echo | wasio | raw wasip3 | tokio (native) | wasio / raw | wasio / tokio |",
    "| --- | --- | --- | --- | --- | --- |",
]
for what, label in [("mbps", "throughput, 8 connections × 32 MiB (MB/s)"), ("cps", "connections/s (connect, 1-byte echo, close; 8 workers)")]:
    w, r, t = med("wasio", what), med("raw", what), med("tokio", what)
    lines.append(f"| {label} | {w:.0f} | {r:.0f} | {t:.0f} | {w / r:.2f}× | {w / t:.2f}× |")
text = "\n".join(lines) + "\n"
print(text)
os.makedirs("bench/results", exist_ok=True)
with open(f"bench/results/{datetime.date.today()}.md", "w") as f:
    f.write(text)
PY

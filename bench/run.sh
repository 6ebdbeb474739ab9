#!/usr/bin/env bash
# Benchmarks wasio against its baselines in one run and prints ratios.
# Not part of the test command. Usage: bench/run.sh [ROUNDS] (default 5).
# Results also go to bench/results/<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ROUNDS="${1:-5}"

cargo build --locked --target wasm32-wasip2 --release -p bench-fs-wasio -p bench-fs-raw -p tcp-echo -p bench-tcp-raw \
    -p bench-http-wasio -p bench-http-raw -p bench-http-wstd >&2
if ! command -v wrk >/dev/null 2>&1; then
    (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)) >&2
fi
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

# HTTP hello under `wasmtime serve`: wasio vs raw wasip3 vs wstd (WASI 0.2).
for round in $(seq "$ROUNDS"); do
    for who in wasio raw wstd; do
        port="$(free_port)"
        "$WASMTIME" serve -Scli --addr "127.0.0.1:$port" "$W/bench_http_$who.wasm" >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 100); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$port))" 2>/dev/null && break; sleep 0.1; done
        wrk -t2 -c32 -d5s --latency "http://127.0.0.1:$port/" > "$TMP/wrk.out"
        awk -v who="$who" '/Requests\/sec/ {print who, "rps", $2} /^ +50%/ {print who, "p50", $2} /^ +99%/ {print who, "p99", $2}' \
            "$TMP/wrk.out" >> "$TMP/fs.txt"
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    done
done
for who in wasio raw wstd; do
    echo "$who size $(stat -c %s "$W/bench_http_$who.wasm")" >> "$TMP/fs.txt"
done

python3 - "$TMP/fs.txt" "$ROUNDS" <<'PY'
import statistics, sys, datetime, os, platform
rows = [l.split() for l in open(sys.argv[1])]
rounds = sys.argv[2]
def num(v):
    # wrk latencies come as 1.05ms / 950.00us / 1.2s.
    for suffix, scale in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if v.endswith(suffix):
            return float(v[: -len(suffix)]) * scale
    return float(v)
def med(who, what):
    return statistics.median(num(n) for w, k, n in rows if w == who and k == what)
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
lines += [
    "",
    "| HTTP hello (`wasmtime serve`, wrk 32 connections) | wasio | raw wasip3 | wstd 0.6 | wasio / raw | wasio / wstd |",
    "| --- | --- | --- | --- | --- | --- |",
]
w, r, t = med("wasio", "rps"), med("raw", "rps"), med("wstd", "rps")
lines.append(f"| requests/s | {w:.0f} | {r:.0f} | {t:.0f} | {w / r:.2f}× | {w / t:.2f}× |")
for q in ("p50", "p99"):
    w, r, t = med("wasio", q), med("raw", q), med("wstd", q)
    lines.append(f"| latency {q} (ms) | {w:.2f} | {r:.2f} | {t:.2f} | {w / r:.2f}× | {w / t:.2f}× |")
w, r, t = med("wasio", "size"), med("raw", "size"), med("wstd", "size")
lines.append(f"| `.wasm` size (bytes) | {w:.0f} | {r:.0f} | {t:.0f} | {w / r:.2f}× | {w / t:.2f}× |")
text = "\n".join(lines) + "\n"
print(text)
os.makedirs("bench/results", exist_ok=True)
with open(f"bench/results/{datetime.date.today()}.md", "w") as f:
    f.write(text)
PY

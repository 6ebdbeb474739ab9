"""Turns the rows `bench/run.sh` collected ("who what value") into one
Markdown table of medians with wasio's ratios, prints it and writes it to
bench/results/<date>.md. Usage: report.py ROWS ROUNDS."""

import datetime
import os
import platform
import statistics
import sys

rows = [line.split() for line in open(sys.argv[1]) if len(line.split()) == 3]
rounds = sys.argv[2]


def num(v):
    # wrk latencies come as 1.05ms / 950.00us / 1.2s.
    for suffix, scale in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if v.endswith(suffix):
            return float(v[: -len(suffix)]) * scale
    return float(v)


def med(who, what):
    values = [num(n) for w, k, n in rows if w == who and k == what]
    return statistics.median(values) if values else None


def paired(a, b, what):
    """The median of per-round a/b ratios (the rows come in round order)."""
    xs = [num(n) for w, k, n in rows if w == a and k == what]
    ys = [num(n) for w, k, n in rows if w == b and k == what]
    rs = [x / y for x, y in zip(xs, ys) if y]
    return f"{statistics.median(rs):.2f}×" if rs else "n/a"


def fmt(v, digits):
    return "n/a" if v is None else f"{v:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}×"


# The executor benchmarks must compute the same checksum on both runtimes.
for bench in ("spawn", "pingpong", "timers"):
    a, b = med("wasio", f"{bench}:result"), med("raw", f"{bench}:result")
    if a != b:
        sys.exit(f"{bench}: wasio computed {a}, raw computed {b}")

mib = 256
bytes_fs = mib * 1048576


def fs_mbps(who, what):
    ns = med(who, what)
    return None if ns is None else bytes_fs / (ns / 1e9) / 1e6


lines = [
    f"# wasio benchmarks — {datetime.date.today()}",
    "",
    f"Machine: {os.cpu_count()} cores, {platform.machine()}; {rounds} alternating rounds, medians.",
    "Ratios are wasio / baseline: above 1 is better for rates, below 1 is better for",
    "latency, instructions, time and size.",
    "",
    "| benchmark | wasio | raw wasip3 | wstd 0.6 | wasio / raw | wasio / wstd |",
    "| --- | --- | --- | --- | --- | --- |",
]


def row(label, w, r, t, digits=0):
    lines.append(f"| {label} | {fmt(w, digits)} | {fmt(r, digits)} | {fmt(t, digits)} | {ratio(w, r)} | {ratio(w, t)} |")


row("HTTP hello requests/s (`wasmtime serve`, wrk 32 connections)", med("wasio", "rps"), med("raw", "rps"), med("wstd", "rps"))
lines.append(
    f"| HTTP hello requests/s, median of the per-round ratios | | | | {paired('wasio', 'raw', 'rps')} | {paired('wasio', 'wstd', 'rps')} |"
)
for q in ("p50", "p99"):
    row(f"HTTP hello latency {q} (ms)", med("wasio", q), med("raw", q), med("wstd", q), 2)
w, r = med("wasio", "http_fuel_per_request"), med("raw", "http_fuel_per_request")
lines.append(f"| HTTP hello guest instructions per request (fuel) | {fmt(w, 0)} | {fmt(r, 0)} | n/a | {ratio(w, r)} | n/a |")
row(
    "HTTP hello CPU instructions per request, host and guest (callgrind, 1 connection)",
    med("wasio", "cpu_instructions_per_request"),
    med("raw", "cpu_instructions_per_request"),
    med("wstd", "cpu_instructions_per_request"),
)
row("HTTP hello under 2,000 connections: host 500s per 100k requests", med("wasio", "storm_non2xx_per_100k"), med("raw", "storm_non2xx_per_100k"), med("wstd", "storm_non2xx_per_100k"), 1)
row("HTTP hello under 2,000 connections: requests/s", med("wasio", "storm_rps"), med("raw", "storm_rps"), med("wstd", "storm_rps"))
row("HTTP echo of 64 MiB (MB/s)", med("wasio", "echo_mbps"), med("raw", "echo_mbps"), med("wstd", "echo_mbps"))
row("TCP echo throughput, 8 connections × 32 MiB (MB/s)", med("wasio", "mbps"), med("raw", "mbps"), med("wstd", "mbps"))
row("TCP connections/s (connect, 1-byte echo, close; 8 workers)", med("wasio", "cps"), med("raw", "cps"), med("wstd", "cps"))
row("file write 256 MiB (MB/s)", fs_mbps("wasio", "write_ns"), fs_mbps("raw", "write_ns"), None)
row("file read 256 MiB (MB/s)", fs_mbps("wasio", "read_ns"), fs_mbps("raw", "read_ns"), None)
row("file read 256 MiB via `AsyncBufRead` (MB/s)", fs_mbps("wasio", "read_buf_ns"), fs_mbps("raw", "read_ns"), None)
for what, label in [
    ("hello", "hello CLI"),
    ("http", "HTTP hello"),
    ("echo", "HTTP echo"),
    ("tcp", "TCP echo"),
    ("fs", "file benchmark"),
]:
    row(f"`.wasm` size, {label} (bytes)", med("wasio", f"size_{what}"), med("raw", f"size_{what}"), med("wstd", f"size_{what}"))
row("cold build of hello, empty target dir (s)", med("wasio", "cold_build_s"), med("raw", "cold_build_s"), med("wstd", "cold_build_s"), 1)

lines += [
    "",
    "The raw `wasip3` hello handler looks at nothing of the request. `raw-head` is",
    "the same handler reading the whole request head (method, scheme, authority,",
    "path, headers: the seven host calls an `http::Request` needs) and sending",
    "`content-length`, as wasio's does: the cost of the `http` types on the host.",
    "",
    "| benchmark | wasio | raw-head | wasio / raw-head | raw-head / raw |",
    "| --- | --- | --- | --- | --- |",
]
for what, label, digits in [
    ("rps", "HTTP hello requests/s", 0),
    ("cpu_instructions_per_request", "HTTP hello CPU instructions per request (callgrind)", 0),
    ("http_fuel_per_request", "HTTP hello guest instructions per request (fuel)", 0),
    ("storm_non2xx_per_100k", "HTTP hello under 2,000 connections: host 500s per 100k requests", 1),
    ("storm_rps", "HTTP hello under 2,000 connections: requests/s", 0),
    ("size_http", "`.wasm` size, HTTP hello (bytes)", 0),
]:
    a, h, r = med("wasio", what), med("raw-head", what), med("raw", what)
    lines.append(f"| {label} | {fmt(a, digits)} | {fmt(h, digits)} | {ratio(a, h)} | {ratio(h, r)} |")
lines.append(f"| HTTP hello requests/s, median of the per-round ratios | | | {paired('wasio', 'raw-head', 'rps')} | {paired('raw-head', 'raw', 'rps')} |")

lines += [
    "",
    "WASI 0.2 builds: the same handlers built with wasio's `p2` feature, against",
    "wstd 0.6 (a WASI 0.2 library), in the same run.",
    "",
    "| benchmark | wasio p2 | wstd 0.6 | wasio p2 / wstd |",
    "| --- | --- | --- | --- |",
]
for what, label, digits in [
    ("rps", "HTTP hello requests/s", 0),
    ("p50", "HTTP hello latency p50 (ms)", 2),
    ("p99", "HTTP hello latency p99 (ms)", 2),
    ("storm_non2xx_per_100k", "HTTP hello under 2,000 connections: host 500s per 100k requests", 1),
    ("http_fuel_per_request", "HTTP hello guest instructions per request, fresh instance (fuel)", 0),
    ("cpu_instructions_per_request", "HTTP hello CPU instructions per request, host and guest (callgrind)", 0),
    ("echo_mbps", "HTTP echo of 64 MiB (MB/s)", 0),
    ("size_http", "`.wasm` size, HTTP hello (bytes)", 0),
    ("size_echo", "`.wasm` size, HTTP echo (bytes)", 0),
]:
    a, b = med("wasio-p2", what), med("wstd", what)
    lines.append(f"| {label} | {fmt(a, digits)} | {fmt(b, digits)} | {ratio(a, b)} |")
lines.append(f"| HTTP hello requests/s, median of the per-round ratios | | | {paired('wasio-p2', 'wstd', 'rps')} |")

lines += [
    "",
    "axum hello (one route) served by wasio's `#[wasio::http::service]`, on WASI 0.3",
    "and with the `p2` feature, against wstd-axum 0.6 (WASI 0.2), in the same run.",
    "",
    "| benchmark | wasio 0.3 | wasio p2 | wstd-axum | wasio 0.3 / wstd-axum | wasio p2 / wstd-axum |",
    "| --- | --- | --- | --- | --- | --- |",
]
for what, label, digits in [
    ("rps", "axum hello requests/s (wrk 32 connections)", 0),
    ("p50", "axum hello latency p50 (ms)", 2),
    ("p99", "axum hello latency p99 (ms)", 2),
    ("size_axum", "`.wasm` size, axum hello (bytes)", 0),
]:
    a, p, w = med("axum", what), med("axum-p2", what), med("axum-wstd", what)
    lines.append(f"| {label} | {fmt(a, digits)} | {fmt(p, digits)} | {fmt(w, digits)} | {ratio(a, w)} | {ratio(p, w)} |")
lines.append(
    f"| axum hello requests/s, median of the per-round ratios | | | | {paired('axum', 'axum-wstd', 'rps')} | {paired('axum-p2', 'axum-wstd', 'rps')} |"
)
lines.append(
    f"\nGuest instructions per axum request on WASI 0.3 (fuel): {fmt(med('axum', 'http_fuel_per_request'), 0)};"
    f" of these, the axum router's own work (called in the guest, no `wasi:http`): {fmt(med('axum', 'router_fuel_per_request'), 0)},"
    f" and the raw handler doing the same host work (raw-head): {fmt(med('raw-head', 'http_fuel_per_request'), 0)}."
)

lines += [
    "",
    "PostgreSQL: `GET /notes/{id}` (one indexed SELECT, prepared, on a pooled",
    "connection) from `examples/pg-notes` under `wasmtime serve`, against the same",
    "handler natively (axum on tokio's current_thread runtime, tokio-postgres),",
    "one throw-away server, in the same run (`bench/pg.sh`).",
    "",
    "| benchmark | wasio 0.3 | native tokio | wasio / native |",
    "| --- | --- | --- | --- |",
]
w, n = med("pg-wasio", "rps"), med("pg-native", "rps")
lines.append(f"| `GET /notes/{{id}}` requests/s (wrk 32 connections) | {fmt(w, 0)} | {fmt(n, 0)} | {ratio(w, n)} |")
lines.append(f"| `GET /notes/{{id}}` requests/s, median of the per-round ratios | | | {paired('pg-wasio', 'pg-native', 'rps')} |")

lines += [
    "",
    "Files on WASI 0.2 (wstd has no filesystem API): wasio's `p2` build against",
    "blocking `std::fs` (wasi-libc), in the same run.",
    "",
    "| benchmark | wasio p2 | std::fs | wasio p2 / std |",
    "| --- | --- | --- | --- |",
]
for what, label in [("write_ns", "file write 256 MiB (MB/s)"), ("read_ns", "file read 256 MiB (MB/s)")]:
    a, b = fs_mbps("wasio-p2", what), fs_mbps("std", what)
    lines.append(f"| {label} | {fmt(a, 0)} | {fmt(b, 0)} | {ratio(a, b)} |")

lines += [
    "",
    "TCP ceiling: a native tokio echo server did "
    f"{fmt(med('tokio', 'mbps'), 0)} MB/s ({ratio(med('wasio', 'mbps'), med('tokio', 'mbps'))} for wasio) and "
    f"{fmt(med('tokio', 'cps'), 0)} connections/s ({ratio(med('wasio', 'cps'), med('tokio', 'cps'))}).",
    "",
    "Executor micro-benchmarks, one component each: guest WebAssembly instructions",
    "(Wasmtime fuel, repeatable) minus an empty run's, and wall time. The baseline is",
    "wit-bindgen's own runtime (`spawn_local`, a oneshot per join, one host clock wait",
    "per timer).",
    "",
    "| micro-benchmark | wasio instructions | wit-bindgen instructions | ratio | wasio ms | wit-bindgen ms | ratio |",
    "| --- | --- | --- | --- | --- | --- | --- |",
]
for bench, label in [
    ("spawn", "spawn + join of 100,000 tasks"),
    ("pingpong", "channel ping-pong, 1,000,000 messages"),
    ("timers", "10,000 concurrent timers (0–10 ms)"),
]:
    fw = med("wasio", f"{bench}:fuel") - med("wasio", "noop:fuel")
    fr = med("raw", f"{bench}:fuel") - med("raw", "noop:fuel")
    tw = med("wasio", f"{bench}:wall_ns") / 1e6
    tr = med("raw", f"{bench}:wall_ns") / 1e6
    lines.append(f"| {label} | {fw:,.0f} | {fr:,.0f} | {ratio(fw, fr)} | {tw:.1f} | {tr:.1f} | {ratio(tw, tr)} |")

text = "\n".join(lines) + "\n"
print(text)
os.makedirs("bench/results", exist_ok=True)
with open(f"bench/results/{datetime.date.today()}.md", "w") as f:
    f.write(text)

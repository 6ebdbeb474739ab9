#!/usr/bin/env bash
# Where the bytes of a component go, per crate: builds the core modules of
# the size benchmarks (release profile, names kept, not componentized) into
# target/sz and prints each one's code and data by crate next to its
# baseline's, with twiggy (installed if missing). Debug sections of the
# precompiled std and the component-type sections (consumed when the
# component is made) are left out. Not part of the test command.
# Usage: bash scripts/size-breakdown.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
command -v twiggy >/dev/null || cargo install --locked twiggy >&2
CARGO_PROFILE_RELEASE_STRIP=false RUSTFLAGS="-Clink-arg=--skip-wit-component" CARGO_TARGET_DIR=target/sz \
    cargo build -q --locked --target wasm32-wasip2 --release \
    -p bench-hello-wasio -p bench-hello-raw -p bench-http-wasio -p bench-http-raw -p tcp-echo -p bench-tcp-raw >&2
D=target/sz/wasm32-wasip2/release
python3 - "$D" <<'PY'
import collections, csv, re, subprocess, sys
d = sys.argv[1]

def by_crate(name):
    rows = csv.DictReader(subprocess.run(["twiggy", "top", "-n", "1000000", "--format", "csv", f"{d}/{name}.wasm"],
                                         capture_output=True, text=True, check=True).stdout.splitlines())
    out = collections.Counter()
    for r in rows:
        item, size = r["Name"], int(r["ShallowSize"])
        if item.startswith(("custom section", "Σ", "...")) or "subsection" in item:
            continue
        if item.startswith("data segment"):
            out["(data: strings, tables)"] += size
            continue
        m = re.match(r"[<&*( ]*(?:dyn |mut |const )?([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::", item)
        out[m.group(1) if m else "(other: libc, dlmalloc, impls on primitives)"] += size
    return out

for a, b in [("bench_hello_wasio", "bench_hello_raw"), ("bench_http_wasio", "bench_http_raw"),
             ("tcp-echo", "bench_tcp_raw")]:
    x, y = by_crate(a), by_crate(b)
    print(f"\n| {a} vs {b} (bytes) | wasio | raw | difference |\n| --- | --- | --- | --- |")
    for k in sorted(set(x) | set(y), key=lambda k: -abs(x[k] - y[k])):
        if abs(x[k] - y[k]) >= 500 or x[k] >= 5000:
            print(f"| {k} | {x[k]} | {y[k]} | {x[k] - y[k]:+} |")
    print(f"| total | {sum(x.values())} | {sum(y.values())} | {sum(x.values()) - sum(y.values()):+} |")
PY

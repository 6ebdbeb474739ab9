#!/usr/bin/env bash
# The database row: requests/s of `GET /notes/{id}` (one indexed SELECT
# through a prepared statement on a pooled connection) from
# examples/pg-notes under `wasmtime serve`, and from the same handler
# natively (bench/pg-native: axum on tokio's current_thread runtime), both
# against one throw-away PostgreSQL cluster, alternating 3 s wrk rounds with
# 32 connections.
# Usage: bench/pg.sh [ROUNDS] [ROWS_FILE]. bench/run.sh calls it with its
# rows file; run alone, it prints the medians and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ROUNDS="${1:-5}"
OUT="${2:-}"
cargo build --locked --target wasm32-wasip2 --release -p pg-notes >&2
cargo build --locked --release -p bench-pg-native >&2
command -v wrk >/dev/null 2>&1 || (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)) >&2

PG_BIN="$(pg_config --bindir 2>/dev/null || true)"
[ -x "$PG_BIN/initdb" ] || PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | tail -1)"
pg() { # initdb refuses to run as root
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PG_BIN/$1" "${@:2}"; else "$PG_BIN/$1" "${@:2}"; fi
}
PGDIR="$(mktemp -d)"
[ "$(id -u)" = 0 ] && chown postgres: "$PGDIR"
PGPORT="$(free_port)"
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
    pg pg_ctl -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
}
trap cleanup EXIT
pg initdb -N -A trust -U postgres -E UTF8 --locale=C -D "$PGDIR/data" >/dev/null
pg pg_ctl -D "$PGDIR/data" -l "$PGDIR/log" -w \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400" start >/dev/null
URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
"$PG_BIN/psql" -q "$URL" -f examples/pg-notes/schema.sql
"$PG_BIN/psql" -q "$URL" -c "INSERT INTO notes (title, body) SELECT 'note ' || i, repeat('x', 100) FROM generate_series(1, 1000) i"

ROWS="$(mktemp)"
for round in $(seq "$ROUNDS"); do
    for who in pg-wasio pg-native; do
        port="$(free_port)"
        if [ "$who" = pg-wasio ]; then
            "$WASMTIME" serve -Scli -Sinherit-network -Sallow-ip-name-lookup --env "DATABASE_URL=$URL" \
                --addr "127.0.0.1:$port" target/wasm32-wasip2/release/pg-notes.wasm >/dev/null 2>&1 &
        else
            target/release/bench-pg-native "127.0.0.1:$port" "$URL" >/dev/null 2>&1 &
        fi
        SERVER=$!
        wait_port "$port"
        got="$(curl -s "http://127.0.0.1:$port/notes/7")"
        [ "$got" = "{\"id\":7,\"title\":\"note 7\",\"body\":\"$(printf 'x%.0s' $(seq 100))\"}" ] \
            || { echo "$who answered: $got" >&2; exit 1; }
        wrk -t2 -c32 -d3s "http://127.0.0.1:$port/notes/7" \
            | awk -v who="$who" '/Requests\/sec/ {print who, "rps", $2} /Non-2xx/ {print who, "non2xx", $NF}' >> "$ROWS"
        kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true
        SERVER=""
    done
done
if [ -n "$OUT" ]; then
    cat "$ROWS" >> "$OUT"
else
    python3 - "$ROWS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    who, what, value = line.split()
    rows.setdefault((who, what), []).append(float(value))
w, n = statistics.median(rows[("pg-wasio", "rps")]), statistics.median(rows[("pg-native", "rps")])
print(f"GET /notes/{{id}} requests/s: wasio {w:.0f}, native tokio {n:.0f}: {w / n:.2f}x")
print("rounds:", rows[("pg-wasio", "rps")], rows[("pg-native", "rps")])
PY
fi
rm -f "$ROWS"

#!/usr/bin/env bash
# What the audit log costs (issue 24), on a scratch data directory (the embedded default)
# or, with BENCH_DB, a scratch PostgreSQL database:
#   1. `hoso bench audit`: record operations with and without their audit entries, in
#      pairs on one database; the log filled to ENTRIES; `hoso audit verify`
#      over it; inclusion proofs through the service layer.
#   2. `hoso serve` on that data and PROOFS inclusion proofs over HTTP, one connection
#      kept alive, random leaves: p50 and p99 as the client sees them.
# By hand, not in CI. BENCHMARKS.md has the figures.
#
#   scripts/bench-audit.sh [ENTRIES] [PROOFS]     (defaults: 1000000 and 10000)
set -euo pipefail

entries="${1:-1000000}"
proofs="${2:-10000}"
port="${BENCH_PORT:-18081}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_DIR:-/tmp/hoso-bench-audit}"
mkdir -p "$work"
export HOSO_DATA_DIR="$work/data"
export HOSO_LOG=warn
if [ -n "${BENCH_DB:-}" ]; then
  "$here/scripts/ensure-postgres.sh"
  server_url="${HOSO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
  psql "$server_url/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'" | grep -q 1 \
    || psql "$server_url/postgres" -qc "CREATE DATABASE $BENCH_DB"
  export HOSO_DATABASE_URL="$server_url/$BENCH_DB"
fi

if [ -n "${HOSO_BIN:-}" ]; then
  hoso="$HOSO_BIN"
else
  cargo build -q -p hoso
  hoso="$here/target/debug/hoso"
fi

"$hoso" bench audit --entries "$entries" --proofs "$proofs"

token=$("$hoso" token create --name "bench-auditor-$(date +%s%N)" --role auditor)
"$hoso" serve --no-workers --listen "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

python3 - "$port" "$token" "$proofs" <<'PY'
import http.client, json, random, sys, time
port, token, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port)
auth = {"Authorization": f"Bearer {token}"}
conn.request("GET", "/api/v1/audit/checkpoint", headers=auth)
note = conn.getresponse().read().decode()
size = int(note.split("\n")[1])
times = []
for _ in range(n):
    index = random.randrange(size)
    started = time.perf_counter()
    conn.request("GET", f"/api/v1/audit/proofs/inclusion?index={index}&size={size}", headers=auth)
    r = conn.getresponse()
    body = r.read()
    times.append(time.perf_counter() - started)
    assert r.status == 200, body
    assert len(json.loads(body)["hashes"]) > 0
times.sort()
pct = lambda p: times[round((len(times) - 1) * p)] * 1e3
print(f"\n## inclusion proofs over HTTP ({n} random leaves of {size}, one keep-alive connection)")
print("| p50 | p99 | max |")
print("|---:|---:|---:|")
print(f"| {pct(0.5):.3f} ms | {pct(0.99):.3f} ms | {times[-1] * 1e3:.3f} ms |")
PY

#!/usr/bin/env bash
# The subject lookup under load (issue 6): 1,000,000 synthetic verified records in
# PostgreSQL, `hoso serve` on loopback, and oha sending GET /api/v1/subjects/{id}/records
# for random known citizens at a fixed rate. Prints oha's report; BENCHMARKS.md has the
# figures. By hand, not in CI.
#
#   scripts/bench-api.sh [RATE] [SECONDS]        (defaults: 1000 requests/s for 30 s)
#
# BENCH_PROFILE=release builds the server with the release profile (slow to build here);
# the default is the dev profile, which this workspace compiles at opt-level 1 (3 for
# dependencies). BENCH_RECORDS changes the record count. The database (BENCH_DB, else
# hoso_bench on the local server) is kept between runs; seeding tops it up only when
# records are missing. HOSO_BIN measures a given binary instead of building one: to
# compare two versions in one run, give each its own BENCH_DB (an older binary refuses a
# database a newer one has migrated).
set -euo pipefail

rate="${1:-1000}"
seconds="${2:-30}"
records="${BENCH_RECORDS:-1000000}"
profile="${BENCH_PROFILE:-dev}"
port="${BENCH_PORT:-18080}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_DIR:-/tmp/hoso-bench-api}"
mkdir -p "$work"

"$here/scripts/ensure-postgres.sh"
server_url="${HOSO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
database="${BENCH_DB:-hoso_bench}"
psql "$server_url/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 \
  || psql "$server_url/postgres" -qc "CREATE DATABASE $database"
export HOSO_DATABASE_URL="$server_url/$database"
export HOSO_DATA_DIR="$work/data"
export HOSO_LOG=warn

# The load tool: oha, from crates.io into the tool cache like s3s-fs.
tools="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso-tools}"
oha="$tools/bin/oha"
oha_version="1.14.0"
if ! [ -x "$oha" ]; then
  echo "bench-api: installing oha $oha_version into $tools (takes a few minutes)"
  cargo install "oha@$oha_version" --locked --root "$tools" --quiet
fi

if [ -n "${HOSO_BIN:-}" ]; then
  # A binary built elsewhere (the code before a change, say), measured as it is.
  hoso="$HOSO_BIN"
elif [ "$profile" = "release" ]; then
  cargo build -q --release -p hoso
  hoso="$here/target/release/hoso"
else
  cargo build -q -p hoso
  hoso="$here/target/debug/hoso"
fi

HOSO_LOG=error "$hoso" bench registry-seed --records "$records" --subjects-out "$work/subjects.txt"
subjects=$(( records / 2 ))

token=$("$hoso" token create --name "bench-ps-$(date +%s%N)" --role procedure_system \
  --types citizen_id,residence_confirmation)

"$hoso" serve --no-workers --listen "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done

# One lookup by hand: a known subject has its two records.
first=$(head -n1 "$work/subjects.txt")
curl -sf -H "Authorization: Bearer $token" -H "X-Purpose: load test" \
  "http://127.0.0.1:$port/api/v1/subjects/$first/records" \
  | python3 -c 'import json,sys; r=json.load(sys.stdin)["records"]; assert len(r)==2, r; print("bench-api: sample lookup ok,", len(r), "records")'

# Subjects are 001 followed by 9 digits below records/2; the regex draws uniformly among
# them (for the default million: 001000000000 to 001000499999). Dots are written [.]:
# oha's url regex does not take \. for a literal dot.
digits=$(( ${#subjects} - 1 ))
lead=$(( subjects / 10**digits - 1 ))
url="http://127[.]0[.]0[.]1:$port/api/v1/subjects/001$(printf '%0*d' $(( 9 - digits - 1 )) 0)[0-$lead][0-9]{$digits}/records"
echo "bench-api: $records records, $subjects subjects; $rate requests/s for ${seconds}s on $url"
# Warm-up, not measured: the first requests fill the pool and the database's cache.
"$oha" --no-tui -q "$rate" -z 5s -c 50 --rand-regex-url \
  -H "Authorization: Bearer $token" -H "X-Purpose: load test" "$url" >/dev/null
"$oha" --no-tui -q "$rate" -z "${seconds}s" -c 50 --latency-correction --rand-regex-url \
  -H "Authorization: Bearer $token" -H "X-Purpose: load test" "$url" | tee "$work/oha.txt"

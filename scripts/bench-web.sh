#!/usr/bin/env bash
# The web interface's render times (issue 25): 100,000 synthetic records in PostgreSQL,
# 20 clerks signed in at once, each page asked of the router in-process for a few
# seconds. Prints the table BENCHMARKS.md records. By hand, not in CI.
#
#   scripts/bench-web.sh [SECONDS] [THINK_MS]   (defaults: 10 s of load per page; no pause
#                                                between a clerk's pages)
#
# BENCH_RECORDS, BENCH_CLERKS change the registry's size and the clerks; BENCH_DB the
# database (hoso_bench_web on the local server, kept between runs); BENCH_PROFILE=release
# builds with the release profile (default: dev, opt-level 1, dependencies at 3).
set -euo pipefail

seconds="${1:-10}"
think="${2:-0}"
records="${BENCH_RECORDS:-100000}"
clerks="${BENCH_CLERKS:-20}"
profile="${BENCH_PROFILE:-dev}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_DIR:-/tmp/hoso-bench-web}"
mkdir -p "$work"

"$here/scripts/ensure-postgres.sh" >/dev/null
server_url="${HOSO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
database="${BENCH_DB:-hoso_bench_web}"
psql "$server_url/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 \
  || psql "$server_url/postgres" -qc "CREATE DATABASE $database"
export HOSO_DATABASE_URL="$server_url/$database"
export HOSO_DATA_DIR="$work/data"
export HOSO_LOG=warn

if [ "$profile" = "release" ]; then
  cargo build -q --release -p hoso
  hoso="$here/target/release/hoso"
else
  cargo build -q -p hoso
  hoso="$here/target/debug/hoso"
fi
"$hoso" bench web --records "$records" --clerks "$clerks" --seconds "$seconds" --think-ms "$think"

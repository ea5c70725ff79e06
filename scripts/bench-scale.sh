#!/usr/bin/env bash
# Scale-out: `hoso serve --no-workers` and 1, 2, then 4 `hoso worker` processes on one
# PostgreSQL and one S3 server (s3s-fs), the files uploaded over the API. The stand-in
# engine sleeps a fixed time per file instead of reading it: this machine has 2 cores, so
# a stage that computed would measure the cores, not whether workers add up.
#   scripts/bench-scale.sh [FILES=200] [STAND_IN_MS=200] [ROUNDS=2]
# Needs PostgreSQL (HOSO_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432) and
# s3s-fs (scripts/ensure-s3s.sh). Prints a Markdown table of jobs per second.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
bench_prelude /tmp/hoso-bench-scale "${HOSO_BENCH_PROFILE:-debug}"

files="${1:-200}"
stand_in_ms="${2:-200}"
rounds="${3:-2}"
pg="${HOSO_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
db=hoso_bench_scale
s3s="${HOSO_S3S_FS:-$HOME/.cache/hoso-tools/bin/s3s-fs}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; return 1; }

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" 2>/dev/null || true
}
trap cleanup EXIT

psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
s3_port="$(free_port)"
mkdir -p "$work/s3"
"$s3s" --host 127.0.0.1 --port "$s3_port" --access-key bench-access-key \
  --secret-key bench-secret-key-0123456789 "$work/s3" >"$work/s3.log" 2>&1 &
pids+=($!)
wait_port "$s3_port"

export HOSO_DATABASE_URL="$pg/$db" HOSO_S3_ENDPOINT="http://127.0.0.1:$s3_port" \
  HOSO_S3_BUCKET=hoso-scale HOSO_S3_ACCESS_KEY_ID=bench-access-key \
  HOSO_S3_SECRET_ACCESS_KEY=bench-secret-key-0123456789 HOSO_ENGINE=stand-in \
  HOSO_STAND_IN_MS="$stand_in_ms" HOSO_POLL_MS=200 HOSO_DATA_DIR="$work/data" HOSO_LOG=warn
api_port="$(free_port)"
"$bin/hoso" serve --no-workers --listen "127.0.0.1:$api_port" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_port "$api_port"
token="$("$bin/hoso" token create --name bench-scale --role clerk)"
api="http://127.0.0.1:$api_port/api/v1"

queue_left() {
  curl -sf -H "Authorization: Bearer $token" "$api/queue" |
    python3 -c 'import json,sys; q=json.load(sys.stdin); print(q["queued"]+q["running"])'
}

echo "| workers | round | files | seconds | jobs/s | per worker |"
echo "|---:|---:|---:|---:|---:|---:|"
for round in $(seq "$rounds"); do
  for n in 1 2 4; do
    batch="$work/r$round-w$n"
    mkdir -p "$batch"
    for i in $(seq "$files"); do
      # A PNG by its magic bytes; the stand-in engine never decodes it.
      printf '\x89PNG\r\n\x1a\n round %s workers %s file %s' "$round" "$n" "$i" >"$batch/$i.png"
      curl -sf -o /dev/null -H "Authorization: Bearer $token" \
        --data-binary "@$batch/$i.png" "$api/originals?name=$i.png"
    done
    workers=()
    start=$(date +%s.%N)
    for w in $(seq "$n"); do
      "$bin/hoso" worker --concurrency 1 >"$work/worker-$round-$n-$w.log" 2>&1 &
      workers+=($!)
    done
    while [ "$(queue_left)" != 0 ]; do sleep 0.1; done
    end=$(date +%s.%N)
    kill -TERM "${workers[@]}"
    wait "${workers[@]}"
    python3 - "$n" "$round" "$files" "$start" "$end" <<'EOF'
import sys
n, rnd, files, start, end = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
secs = end - start
print(f"| {n} | {rnd} | {files} | {secs:.1f} | {files/secs:.2f} | {files/secs/n:.2f} |")
EOF
  done
done
echo
echo "ideal: $(python3 -c "print(f'{1000/$stand_in_ms:.2f}')") jobs/s per worker (one job at a time, ${stand_in_ms} ms each)"

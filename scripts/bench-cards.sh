#!/usr/bin/env bash
# Issue 26's time figure: on card-heavy dossiers (cards and dossiers, scanned PDFs),
# hoso's end-to-end time against bare tesseract on the same page images, measured in
# turns in one run (hoso, tesseract, hoso, tesseract, ...) so that the machine's drift
# hits both; the ratio is taken turn by turn and its median reported.
#
# HOSO_BASE_BIN=PATH adds a second hoso (an earlier commit's, built apart) to each turn,
# so that before and after are measured side by side in the same run.
#
# Usage: scripts/bench-cards.sh [COUNT] [TURNS]   (default 24 files, 3 turns)
# BENCH_QUALITIES picks the scan conditions (default all four).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
count="${1:-24}"
turns="${2:-3}"
bench_prelude /tmp/hoso-bench-cards release
hoso="$bin/hoso"
gen="$bin/hoso-testdata"
base="${HOSO_BASE_BIN:-}"

qualities="${BENCH_QUALITIES:-clean,office,photocopy,phone}"
"$gen" --seed 2626 --count "$count" --kinds cards,dossier --qualities "$qualities" \
  --formats pdf --out "$work/corpus" >/dev/null 2>&1
rm -f "$work"/corpus/*.truth.json
mkdir -p "$work/images"
pages=0
for f in "$work"/corpus/*.pdf; do
  n="$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')"
  pages=$((pages + n))
  pdfimages -all "$f" "$work/images/$(basename "$f" .pdf)"
done
echo "corpus: $(ls "$work"/corpus/*.pdf | wc -l) pdfs ($qualities), $pages pages, $cores cores, $turns turns"

now() { python3 -c 'import time; print(f"{time.monotonic():.3f}")'; }
run_hoso() { # binary label turn
  local data="$work/data-$2-$3"
  rm -rf "$data"
  local t0 t1
  t0="$(now)"
  HOSO_DATA_DIR="$data" "$1" ingest "$work/corpus" >"$work/$2-$3.log" 2>&1 || true
  t1="$(now)"
  grep -q "0 failed, 0 rejected" "$work/$2-$3.log" || { echo "$2 failed files:" >&2; tail -3 "$work/$2-$3.log" >&2; }
  python3 -c "print($t1 - $t0)"
}
run_tesseract() {
  rm -f "$work"/images/*.out.pdf
  local t0 t1
  t0="$(now)"
  ls "$work"/images/* | grep -v '\.out\.pdf$' | xargs -P "$cores" -I{} sh -c \
    'tesseract "$1" "$1.out" -l vie+eng --dpi 300 pdf >/dev/null 2>&1' _ {}
  t1="$(now)"
  python3 -c "print($t1 - $t0)"
}

results="$work/results.tsv"
: >"$results"
for t in $(seq 1 "$turns"); do
  h="$(run_hoso "$hoso" hoso "$t")"
  b=""
  [ -n "$base" ] && b="$(run_hoso "$base" base "$t")"
  s="$(run_tesseract)"
  echo -e "$t\t$h\t${b:-}\t$s" | tee -a "$results" >&2
done

python3 - "$results" "$pages" "$cores" "${base:+yes}" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
pages, cores, has_base = int(sys.argv[2]), sys.argv[3], sys.argv[4] == "yes"
h = [float(r[1]) for r in rows]
s = [float(r[3]) for r in rows]
print("| engine | pages | median seconds | pages/min | ratio to tesseract (median of turns) |")
print("|---|---:|---:|---:|---:|")
def row(name, xs):
    m = statistics.median(xs)
    ratio = statistics.median([x / y for x, y in zip(xs, s)])
    print(f"| {name} | {pages} | {m:.1f} | {pages * 60 / m:.1f} | {ratio:.2f} |")
row(f"hoso ingest ({cores} workers)", h)
if has_base:
    row("hoso ingest, base binary", [float(r[2]) for r in rows])
m = statistics.median(s)
print(f"| tesseract CLI, {cores} processes, searchable pdf per image | {pages} | {m:.1f} | {pages * 60 / m:.1f} | 1.00 |")
PY

#!/usr/bin/env bash
# The page-engine benchmark (issue 4), all in one run on one machine over one generated
# corpus of scanned PDFs:
#   1. hoso end to end (store, render or take the embedded scan, OCR, extract, searchable
#      PDF, register) in pages per minute;
#   2. OCRmyPDF, the latest from PyPI in a venv, on the same files;
#   3. bare tesseract on the same page images, one process per core, OMP_THREAD_LIMIT=1;
#   4. hoso's peak memory (the whole process tree: worker and engine children) on a
#      200-page dossier against a 20-page one.
# Results go to stdout as Markdown rows for BENCHMARKS.md. Usage:
#   scripts/bench-pages.sh [COUNT]   (COUNT generated files, default 44)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
count="${1:-44}"
bench_prelude /tmp/hoso-bench debug
hoso="$bin/hoso"
gen="$bin/hoso-testdata"

# The corpus: scanned PDFs (clean and office scans, single pages and dossiers).
"$gen" --seed 4040 --count "$count" --out "$work/corpus" --qualities clean,office --formats pdf 2>/dev/null >/dev/null
rm -f "$work"/corpus/*.truth.json
pages=0
for f in "$work"/corpus/*.pdf; do
  n="$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')"
  pages=$((pages + n))
done
echo "corpus: $(ls "$work"/corpus/*.pdf | wc -l) pdfs, $pages pages, $cores cores"

seconds() { python3 -c 'import sys,time; print(f"{time.time():.3f}")'; }
rate() { python3 -c "import sys; p=$1; s=$2; print(f'| $3 | {p} | {s:.1f} | {p*60/s:.1f} |')"; }

echo "| engine | pages | seconds | pages/min |"
echo "|---|---:|---:|---:|"

# 1. hoso, embedded default, one worker per core.
t0="$(seconds)"
HOSO_DATA_DIR="$work/hoso-data" "$hoso" ingest "$work/corpus" >"$work/hoso.log" 2>&1 || true
t1="$(seconds)"
grep -q "0 failed, 0 rejected" "$work/hoso.log" || { echo "hoso failed files:"; tail -5 "$work/hoso.log"; }
rate "$pages" "$(python3 -c "print($t1-$t0)")" "hoso ingest (dev profile, $cores workers)"

# 2. OCRmyPDF in a venv.
if [ ! -x "$work/../hoso-ocrmypdf-venv/bin/ocrmypdf" ]; then
  python3 -m venv "$work/../hoso-ocrmypdf-venv" >/dev/null
  "$work/../hoso-ocrmypdf-venv/bin/pip" install -q ocrmypdf >/dev/null
fi
ocrmypdf="$work/../hoso-ocrmypdf-venv/bin/ocrmypdf"
version="$("$ocrmypdf" --version)"
mkdir -p "$work/ocrmypdf"
t0="$(seconds)"
for f in "$work"/corpus/*.pdf; do
  "$ocrmypdf" -q -l vie+eng --output-type pdf -j "$cores" "$f" "$work/ocrmypdf/$(basename "$f")" 2>>"$work/ocrmypdf.log" || echo "ocrmypdf failed on $f" >&2
done
t1="$(seconds)"
rate "$pages" "$(python3 -c "print($t1-$t0)")" "OCRmyPDF $version (-j $cores)"

# 3. Bare tesseract on the same page images (the scans inside the PDFs, as they are).
mkdir -p "$work/images"
for f in "$work"/corpus/*.pdf; do
  pdfimages -all "$f" "$work/images/$(basename "$f" .pdf)"
done
images="$(ls "$work"/images | wc -l)"
t0="$(seconds)"
ls "$work"/images/* | xargs -P "$cores" -I{} sh -c 'tesseract "$1" "$1.out" -l vie+eng --dpi 300 pdf >/dev/null 2>&1' _ {}
t1="$(seconds)"
rate "$images" "$(python3 -c "print($t1-$t0)")" "tesseract $(tesseract --version 2>&1 | head -1 | awk '{print $2}') CLI, $cores processes, searchable pdf per image"

# 4. Peak memory of the whole hoso process tree on one long dossier against a short one.
peak_rss() { # command... ; prints the peak of the summed RSS (MB) of the process group
  python3 - "$@" <<'PY'
import os, subprocess, sys, time
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
peak = 0
def tree_rss(pgid):
    total = 0
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            with open(f'/proc/{pid}/status') as f:
                for line in f:
                    if line.startswith('VmRSS:'):
                        total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total
while p.poll() is None:
    peak = max(peak, tree_rss(p.pid))
    time.sleep(0.1)
print(f"{peak / 1024:.0f}")
PY
}
python3 - "$work" <<'PY'
# Two dossiers of the same scanned pages: 20 and 200 pages (pdfunite of corpus scans).
import glob, subprocess, sys
work = sys.argv[1]
singles = sorted(glob.glob(f"{work}/corpus/*.pdf"))
for n in (20, 200):
    pages = [singles[i % len(singles)] for i in range(n)]
    # pdfunite keeps each file's pages; take the first page of each to get exactly n.
    firsts = []
    for i, f in enumerate(pages):
        out = f"{work}/p{n}_{i:03}.pdf"
        subprocess.run(["pdfseparate", "-f", "1", "-l", "1", f, out], check=True)
        firsts.append(out)
    subprocess.run(["pdfunite", *firsts, f"{work}/dossier{n}.pdf"], check=True)
    for f in firsts:
        import os; os.remove(f)
PY
for n in 20 200; do
  mkdir -p "$work/rss$n"
  cp "$work/dossier$n.pdf" "$work/rss$n/"
  # Two hundred 300-dpi scans make a file of over 100 MB, the default upload limit.
  mb="$(peak_rss env HOSO_MAX_FILE_BYTES=1000000000 HOSO_DATA_DIR="$work/rss-data-$n" "$hoso" ingest "$work/rss$n")"
  echo "peak rss, $n-page dossier: $mb MB"
done

# 5. Character error rate on Tesseract's own test pages: hoso's reading (pages.json)
#    against bare tesseract's, both against the gold text.
corpus_ocr="$root/../shared/corpus/ocr"
HOSO_DATA_DIR="$work/cer-data" "$hoso" ingest "$corpus_ocr/phototest.tif" "$corpus_ocr/eurotext.tif" >/dev/null 2>&1 || true
python3 - "$work" "$corpus_ocr" <<'PY'
import glob, hashlib, json, subprocess, sys, unicodedata
work, corpus = sys.argv[1], sys.argv[2]
def norm(t):
    return " ".join(unicodedata.normalize("NFC", t).split())
def distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
for name, gold in (("phototest.tif", "phototest.gold.txt"), ("eurotext.tif", "eurotext.txt")):
    truth = norm(open(f"{corpus}/{gold}", encoding="utf-8").read())
    sha = hashlib.sha256(open(f"{corpus}/{name}", "rb").read()).hexdigest()
    pages = json.load(open(f"{work}/cer-data/objects/derived/{sha}/pages.json"))
    lines = {}
    for p in pages:
        for w in p["words"]:
            lines.setdefault((p["page"], w["line"]), []).append(w["text"])
    hoso = norm(" ".join(" ".join(ws) for _, ws in sorted(lines.items())))
    bare = norm(subprocess.run(["tesseract", f"{corpus}/{name}", "-", "-l", "vie+eng", "--dpi", "300"],
                               capture_output=True, text=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout)
    print(f"cer {name}: hoso {distance(hoso, truth)/len(truth):.4f}, bare tesseract {distance(bare, truth)/len(truth):.4f}")
PY

#!/usr/bin/env bash
# Installs everything hoso needs on a Debian 12 machine, idempotently:
# Tesseract with Vietnamese and English data, the PDFium shared library (from the
# pypdfium2 wheel on PyPI, the only offline-safe source), fonts for the specimen
# generator, and poppler-utils for the searchable-PDF checks.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="$root/.deps"
mkdir -p "$deps"

packages=(
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng
  libtesseract-dev libleptonica-dev clang libclang-dev pkg-config
  fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf
  fonts-dejavu-extra fonts-noto-core
  poppler-utils
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

pdfium_version="5.15.2"
pdfium_lib="$deps/pdfium/libpdfium.so"
# version.json (PDFium's build number, from the wheel) names the engine in provenance.
if [ ! -f "$pdfium_lib" ] || [ ! -f "$deps/pdfium/version.json" ]; then
  echo "setup: fetching PDFium from the pypdfium2 $pdfium_version wheel"
  tmp="$(mktemp -d)"
  python3 -m pip download -q "pypdfium2==$pdfium_version" --no-deps --only-binary=:all: \
    --platform manylinux_2_17_x86_64 --python-version 3.11 -d "$tmp"
  mkdir -p "$deps/pdfium"
  python3 - "$tmp" "$deps/pdfium" <<'PY'
import sys, zipfile, glob, os
wheel = glob.glob(os.path.join(sys.argv[1], "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("libpdfium.so"))
    with z.open(name) as src, open(os.path.join(sys.argv[2], "libpdfium.so.part"), "wb") as dst:
        dst.write(src.read())
    version = next((n for n in z.namelist() if n.endswith("pypdfium2_raw/version.json")), None)
    with open(os.path.join(sys.argv[2], "version.json"), "wb") as dst:
        dst.write(z.read(version) if version else b"{}")
PY
  mv "$deps/pdfium/libpdfium.so.part" "$pdfium_lib"
  rm -rf "$tmp"
fi
echo "setup: ok (tesseract $(tesseract --version 2>&1 | head -n1 | awk '{print $2}'), pdfium at $pdfium_lib)"

#!/usr/bin/env bash
# What the browser tests need, idempotently: Debian's Chromium (headless), Node.js, and
# the pinned npm packages of web-tests/ (playwright-core drives Debian's Chromium; it
# never downloads a browser of its own, and axe-core checks accessibility).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# Vietnamese needs a font with its marks for the screenshots to be readable.
dpkg-query -W -f='${Status}' fonts-noto-core 2>/dev/null | grep -q "install ok installed" || missing+=(fonts-noto-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-browser: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd "$root/web-tests"
stamp="node_modules/.installed-from-lock"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "ensure-browser: installing web-tests' npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
echo "ensure-browser: ok ($(chromium --version 2>/dev/null | head -n1), node $(node --version))"

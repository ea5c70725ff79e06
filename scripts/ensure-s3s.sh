#!/usr/bin/env bash
# Makes sure s3s-fs, the S3-compatible server the storage tests run against, is installed
# in the tool cache that hoso-testkit looks in. Built from crates.io because only the
# registries are reachable; 0.14.1 is the newest release that builds with rustc 1.95.
set -euo pipefail

version="0.14.1"
root="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso-tools}"
bin="$root/bin/s3s-fs"

if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "s3s-fs $version" ]; then
  echo "ensure-s3s: s3s-fs $version present at $bin"
  exit 0
fi
echo "ensure-s3s: installing s3s-fs $version into $root (takes a few minutes)"
cargo install "s3s-fs@$version" --features binary --locked --root "$root" --quiet
"$bin" --version >/dev/null
echo "ensure-s3s: s3s-fs $version installed at $bin"

#!/usr/bin/env bash
# Makes sure Garage, the second S3 server the storage tests run against, is installed in
# the tool cache that hoso-testkit looks in. Garage checks payload signatures strictly,
# where s3s-fs is lenient, so a request only s3s-fs accepts fails the suite. Built from
# crates.io (only the registries are reachable): about 10 minutes the first time, then
# cached. 2.5.0 builds with rustc 1.95; sqlite metadata, no other optional features.
set -euo pipefail

version="2.5.0"
root="${HOSO_TOOLS_DIR:-$HOME/.cache/hoso-tools}"
bin="$root/bin/garage"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "cargo:$version "; then
  echo "ensure-garage: garage $version present at $bin"
  exit 0
fi
echo "ensure-garage: installing garage $version into $root (takes about 10 minutes)"
cargo install "garage@$version" --locked --no-default-features --features bundled-libs,sqlite \
  --root "$root" --quiet
"$bin" --version >/dev/null
echo "ensure-garage: garage $version installed at $bin"

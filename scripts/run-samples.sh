#!/usr/bin/env bash
# The main job on the embedded default: ingest the committed sample dossiers into a local
# data directory (SQLite + local object store + in-process workers), then list them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
export HOSO_DATA_DIR="${HOSO_DATA_DIR:-$PWD/hoso-data}"
# The first build takes about twenty minutes on two cores; show its progress.
cargo build --locked -p hoso
hoso() { cargo run --locked -q -p hoso -- "$@"; }
hoso ingest testdata/samples
hoso list

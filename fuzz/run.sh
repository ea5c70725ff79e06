#!/usr/bin/env bash
# Runs one fuzz target for a while: ./fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags]
# Targets: mrz, qr_payload, dates, money, upload (see fuzz/README.md). Needs cargo-fuzz
# (`cargo install cargo-fuzz --locked`); works on stable Rust through RUSTC_BOOTSTRAP,
# since cargo-fuzz passes -Zsanitizer=address. Not run by CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${1:?usage: fuzz/run.sh TARGET [SECONDS] [libFuzzer flags...]}"
seconds="${2:-180}"
shift $(( $# >= 2 ? 2 : 1 ))
mkdir -p "fuzz/corpus/$target"
# The first corpus folder collects new inputs (ignored by git); the seeds are read only.
RUSTC_BOOTSTRAP=1 exec cargo fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" \
    -- -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 "$@"

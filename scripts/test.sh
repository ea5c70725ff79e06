#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then runs every
# test against the real components (Tesseract, PDFium, SQLite, PostgreSQL, two S3 servers,
# and a headless Chromium for the web interface), and checks the Kubernetes manifests and
# the Dockerfile offline (scripts/check-deploy.sh, from hoso/tests/deploy.rs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
bash scripts/ensure-postgres.sh
bash scripts/ensure-s3s.sh
bash scripts/ensure-garage.sh
bash scripts/ensure-browser.sh
bash scripts/ensure-deploy-tools.sh
cargo test --workspace --locked "$@"

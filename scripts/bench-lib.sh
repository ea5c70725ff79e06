# Shared by the bench scripts (sourced, not run): set-up, a fresh work folder, one OCR
# thread per process, and the binaries to time.
#   bench_prelude WORK_DEFAULT PROFILE   (PROFILE: debug or release)
# sets root, cores, work and bin. HOSO_BIN_DIR names binaries built beforehand (kept
# apart, so that another build cannot replace them halfway through the run); BENCH_DIR
# overrides the work folder.
bench_prelude() {
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$root"
  bash scripts/setup.sh >/dev/null
  cores="$(nproc)"
  work="${BENCH_DIR:-$1}"
  rm -rf "$work"
  mkdir -p "$work"
  export OMP_THREAD_LIMIT=1
  if [ -n "${HOSO_BIN_DIR:-}" ]; then
    bin="$HOSO_BIN_DIR"
  elif [ "$2" = release ]; then
    cargo build -q --release -p hoso -p hoso-testdata
    bin="${CARGO_TARGET_DIR:-$root/target}/release"
  else
    cargo build -q -p hoso -p hoso-testdata
    bin="${CARGO_TARGET_DIR:-$root/target}/debug"
  fi
}

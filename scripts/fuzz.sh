#!/usr/bin/env bash
# Long fuzz runs (the short one is part of `cargo test --release`, see tests/fuzz.rs).
#
#   scripts/fuzz.sh [SECONDS]            the mutation fuzzer of tests/fuzz.rs on stable Rust:
#                                        frames and decoding, SECONDS each (default 240), both
#                                        targets at once on the two cores, a fresh seed
#   scripts/fuzz.sh libfuzzer [SECONDS]  coverage-guided cargo-fuzz targets in fuzz/ (decode,
#                                        frame), SECONDS each (default 120); installs cargo-fuzz
#                                        and uses RUSTC_BOOTSTRAP=1 for its nightly flags
#
# Prints `cases run: N, crashes: K` at the end and exits non-zero on any finding.
# DOCCHECK_FUZZ_SEED=S replays a mutation run (each finding prints its own replay line).
set -euo pipefail
cd "$(dirname "$0")/.."

# The fuzzer catches panics to count them: keep unwinding whatever the environment says.
export CARGO_PROFILE_RELEASE_PANIC=unwind

mutation() {
  local seconds=${1:-240}
  local seed=${DOCCHECK_FUZZ_SEED:-$(date +%s)}
  local log
  log=$(mktemp)
  echo "mutation fuzzing: ${seconds}s per target, seed $seed"
  set +e
  DOCCHECK_FUZZ_SECONDS=$seconds DOCCHECK_FUZZ_CASES=1000000000000 DOCCHECK_FUZZ_SEED=$seed \
    cargo test --release --test fuzz -- --nocapture --test-threads=2 fuzz_ 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  awk '/^fuzz [a-z-]+: cases run:/ {
         gsub(",", ""); cases += $5; crashes += $7; violations += $10; hangs += $12
       }
       END { printf "cases run: %d, crashes: %d (contract violations: %d, hangs: %d)\n",
             cases, crashes, violations, hangs }' "$log"
  rm -f "$log"
  return "$status"
}

libfuzzer() {
  local seconds=${1:-120}
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
  # Seed the decode target with the same small camera-like files as tests/fuzz.rs.
  DOCCHECK_FUZZ_WRITE_CORPUS="$PWD/fuzz/corpus/decode" \
    cargo test --release --test fuzz -- corpus_files_decode_unmutated >/dev/null
  local total=0 failed=0 target log runs
  for target in decode frame; do
    log=$(mktemp)
    echo "libFuzzer $target: ${seconds}s"
    mkdir -p "fuzz/corpus/$target"
    if ! RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -max_len=262144 \
        -print_final_stats=1 >"$log" 2>&1; then
      failed=$((failed + 1))
      tail -40 "$log"
    fi
    runs=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$log")
    echo "libFuzzer $target: ${runs:-0} runs"
    total=$((total + ${runs:-0}))
    rm -f "$log"
  done
  echo "cases run: $total, crashes: $failed"
  [ "$failed" = 0 ]
}

case "${1:-}" in
  libfuzzer) shift; libfuzzer "$@" ;;
  *) mutation "$@" ;;
esac

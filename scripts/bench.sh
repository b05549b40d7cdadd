#!/usr/bin/env bash
# The browser benchmark (`make bench` runs it after `make wasm` and the native bench): doccheck
# against jscanify/OpenCV.js in headless Chromium on the same frames, download sizes, SIMD
# against baseline, wasm memory over 10,000 frames, and the live demo page. Writes
# bench/results.json and bench/RESULTS.md. Options are bench/run.mjs's (e.g. --rounds 5,
# --no-live, --serve to open the benchmark page in any browser).
set -euo pipefail
cd "$(dirname "$0")/.."

for f in www/pkg/doccheck_bg.wasm www/pkg-simd/doccheck_bg.wasm; do
  [ -f "$f" ] || { echo "bench: $f is missing: run \`make wasm\` first" >&2; exit 2; }
done
# The scene generator (the native CLI); a no-op when it is up to date.
cargo build --release --quiet --bin doccheck
# The peer (jscanify + OpenCV.js) and playwright-core, from package-lock.json.
if [ ! -d node_modules/jscanify ] || [ ! -d node_modules/@techstark/opencv-js ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
exec node bench/run.mjs "$@"

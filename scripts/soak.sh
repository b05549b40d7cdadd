#!/usr/bin/env bash
# Soak test of the live pipeline (not part of `make test`: about 3 minutes at 60 fps):
# 10,000 frames from Chromium's fake camera through <doc-capture> and its worker; prints frames,
# drops, speed, wasm memory, main-thread heap and open VideoFrames, and fails on growth of wasm
# memory after warm-up, frames left open, or feedback that stopped. FRAMES=N to change the count.
# Needs `make wasm` and `scripts/setup.sh browser`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f www/pkg/doccheck.js ] || { echo "soak: run \`make wasm\` first" >&2; exit 2; }
cargo build --release --quiet --bin doccheck
node tests/soak/soak.mjs

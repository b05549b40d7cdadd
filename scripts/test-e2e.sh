#!/usr/bin/env bash
# End-to-end tests of the widget and the demo page in headless Chromium (playwright-core and
# Debian's /usr/bin/chromium; never a downloaded browser), and in WebKit (webkit.test.mjs:
# WebKitGTK's WebKitWebDriver under Xvfb). Each test file starts its own
# scripts/serve.py on a free port of 127.0.0.1 and renders its fake-camera videos into a temp
# folder with the native CLI. Needs `make wasm` and `scripts/setup.sh browser` first.
# Prints "N passed, M failed" last; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f www/pkg/doccheck.js ] || [ ! -f www/pkg-simd/doccheck.js ] || [ ! -f www/dist/doc-capture.js ]; then
  echo "test-e2e: www/pkg or www/dist is missing: run \`make wasm\` first" >&2
  exit 2
fi
# The CLI renders the fake-camera videos and checks the captured photos natively.
cargo build --release --quiet --bin doccheck

tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
status=0
node --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  ${E2E_ONLY:-tests/e2e/*.test.mjs} || status=$?

passed=$(awk '/^# pass /{print $3}' "$tap" | tail -1)
failed=$(awk '/^# fail /{print $3}' "$tap" | tail -1)
cancelled=$(awk '/^# cancelled /{print $3}' "$tap" | tail -1)
failed=$(( ${failed:-0} + ${cancelled:-0} ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed:-0} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]

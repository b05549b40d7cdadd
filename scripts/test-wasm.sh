#!/usr/bin/env bash
# Browser tests of the wasm binding (tests/wasm.rs) in headless Chromium: wasm-bindgen-test-runner
# (the cargo runner set in .cargo/config.toml) drives /usr/bin/chromium through ChromeDriver, with
# the extra Chromium flags of webdriver.json. Needs `scripts/setup.sh wasm browser`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver)}
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
cargo test --target wasm32-unknown-unknown --test wasm "$@"
# Again in the SIMD build, which most browsers run (the target folder of scripts/build-wasm.sh's
# SIMD build): the compiler vectorises its loops differently.
RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR=target/simd \
  cargo test --target wasm32-unknown-unknown --test wasm "$@"

#!/usr/bin/env bash
# Builds the engine for the browser: www/pkg (baseline wasm32) and www/pkg-simd (simd128),
# each with wasm-bindgen --target web (plain ES modules) and, when available, wasm-opt from
# the npm package binaryen (never Debian's: see shared/TOOLING.md).
set -euo pipefail
cd "$(dirname "$0")/.."

build() { # build OUT_DIR TARGET_DIR RUSTFLAGS
  local out=$1 target_dir=$2 flags=$3
  RUSTFLAGS="$flags" CARGO_TARGET_DIR="$target_dir" \
    cargo build --profile wasm-release --target wasm32-unknown-unknown --lib
  rm -rf "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" \
    "$target_dir/wasm32-unknown-unknown/wasm-release/doccheck.wasm"
  if [ -x node_modules/.bin/wasm-opt ]; then
    local opt_flags=(-O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue)
    [[ "$flags" == *simd128* ]] && opt_flags+=(--enable-simd)
    node_modules/.bin/wasm-opt "${opt_flags[@]}" "$out/doccheck_bg.wasm" -o "$out/doccheck_bg.wasm"
  fi
}

build www/pkg target "${RUSTFLAGS:-}"
build www/pkg-simd target/simd "-C target-feature=+simd128"
ls -l www/pkg/doccheck_bg.wasm www/pkg-simd/doccheck_bg.wasm

#!/usr/bin/env bash
# Builds the engine for the browser: www/pkg (baseline wasm32) and www/pkg-simd (simd128),
# each with wasm-bindgen --target web (plain ES modules) and, when available, wasm-opt from
# the npm package binaryen (never Debian's: see shared/TOOLING.md); then www/dist, the widget as
# a site deploys it (scripts/build-dist.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

build() { # build OUT_DIR TARGET_DIR RUSTFLAGS
  local out=$1 target_dir=$2 flags=$3
  RUSTFLAGS="$flags" CARGO_TARGET_DIR="$target_dir" \
    cargo build --profile wasm-release --target wasm32-unknown-unknown --lib
  local wasm="$target_dir/wasm32-unknown-unknown/wasm-release/doccheck.wasm"
  # What the output is made from: the module cargo built, the tools and this script. When it
  # has not changed, the output stands (a second `make serve` starts at once); its files are
  # touched so that they are not older than src/.
  local from
  from=$(cat "$wasm" "$0" <(wasm-bindgen --version) <([ -x node_modules/.bin/wasm-opt ] && node_modules/.bin/wasm-opt --version) | sha256sum)
  if [ -f "$out/doccheck_bg.wasm" ] && [ -f "$out/doccheck.js" ] && [ "$(cat "$out/.built-from" 2>/dev/null)" = "$from" ]; then
    touch "$out"/doccheck_bg.wasm "$out"/doccheck.js
    echo "$out: up to date"
    return
  fi
  # Made beside the output and moved into place, so that a server running meanwhile never
  # finds the folder empty.
  rm -rf "$out.new"
  wasm-bindgen --target web --no-typescript --out-dir "$out.new" "$wasm"
  if [ -x node_modules/.bin/wasm-opt ]; then
    local opt_flags=(-O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue)
    [[ "$flags" == *simd128* ]] && opt_flags+=(--enable-simd)
    node_modules/.bin/wasm-opt "${opt_flags[@]}" "$out.new/doccheck_bg.wasm" -o "$out.new/doccheck_bg.wasm"
  fi
  echo "$from" > "$out.new/.built-from"
  rm -rf "$out.old"
  if [ -d "$out" ]; then mv "$out" "$out.old"; fi
  mv "$out.new" "$out"
  rm -rf "$out.old"
}

build www/pkg target "${RUSTFLAGS:-}"
build www/pkg-simd target/simd "-C target-feature=+simd128"
ls -l www/pkg/doccheck_bg.wasm www/pkg-simd/doccheck_bg.wasm
# www/dist: what a site deploys, minified (scripts/build-dist.mjs).
node scripts/build-dist.mjs

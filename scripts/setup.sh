#!/usr/bin/env bash
# Installs what the build and the tests need, skipping what is already there:
#   setup.sh wasm     — the wasm32 target, wasm-bindgen-cli of the version in Cargo.lock, and the
#                       npm packages (wasm-opt from binaryen, so every build is optimised)
#   setup.sh browser  — Debian's Chromium + ChromeDriver and a CJK font, WebKitGTK's WebDriver
#                       with Xvfb, and the npm packages
set -euo pipefail
cd "$(dirname "$0")/.."

locked_version() {
  # The version of crate $1 that Cargo.lock pins.
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup_wasm() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
  [ -f Cargo.lock ] || cargo generate-lockfile
  local want have
  want=$(locked_version wasm-bindgen)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    echo "installing wasm-bindgen-cli $want (found: ${have:-none})"
    # No --locked: its lockfile pins crates the registry here does not have (see shared/TOOLING.md).
    cargo install wasm-bindgen-cli --version "$want"
  fi
  setup_npm
}

setup_browser() {
  # A CJK font, so that screenshots of the Chinese catalogue (and the language switch) show
  # characters rather than empty boxes.
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! fc-list 2>/dev/null | grep -qi wqy; then
    apt_install chromium chromium-driver fonts-wqy-microhei
  fi
  # WebKit for tests/e2e/webkit.test.mjs: WebKitGTK's WebDriver (it pulls in the MiniBrowser it
  # drives) and a virtual X display to run it on.
  if [ ! -x /usr/bin/WebKitWebDriver ] || [ ! -x /usr/bin/xvfb-run ] || [ ! -x /usr/bin/xauth ]; then
    apt_install --no-install-recommends webkit2gtk-driver xvfb xauth
  fi
  setup_npm
}

apt_install() {
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

setup_npm() {
  if [ -f package.json ] && { [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/terser ]; }; then
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
  fi
}

for what in "$@"; do
  case "$what" in
    wasm) setup_wasm ;;
    browser) setup_browser ;;
    *) echo "setup.sh: unknown part '$what' (wasm, browser)" >&2; exit 2 ;;
  esac
done

# doccheck — `make serve` builds and serves the demo page; `make test` runs every test.
# Each target installs what it needs (scripts/setup.sh) on a fresh machine.
SHELL := /bin/bash
CARGO ?= cargo
# Threads for make eval (the figures do not depend on it).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)

.PHONY: all setup wasm serve test test-rust test-wasm test-e2e lint bench eval eval-variants steady soak fuzz-long audit clean

all: wasm

setup:
	scripts/setup.sh wasm browser

wasm:
	scripts/setup.sh wasm
	scripts/build-wasm.sh

serve: wasm
	python3 scripts/serve.py $(SERVE_ARGS)

test: lint test-rust test-wasm test-e2e

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	scripts/setup.sh wasm
	$(CARGO) clippy --target wasm32-unknown-unknown --lib -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --lib

test-rust:
	$(CARGO) test --release

test-wasm:
	scripts/setup.sh wasm browser
	scripts/test-wasm.sh

test-e2e: wasm
	scripts/setup.sh browser
	scripts/test-e2e.sh

# Accuracy over the labelled sets in ../shared (the README's table comes from this).
eval:
	$(CARGO) run --release --quiet -- eval --jobs $(JOBS) ../shared/realdata/labels.jsonl
	$(CARGO) run --release --quiet -- eval --jobs $(JOBS) ../shared/devset/labels.jsonl

# The same on photos like those but not the same files: each labelled photo mirrored, turned
# and scaled down (scripts/augment.py; Pillow, when missing, is installed into target/pydeps).
eval-variants:
	python3 -c 'import PIL' 2>/dev/null || PYTHONPATH=target/pydeps python3 -c 'import PIL' 2>/dev/null \
		|| python3 -m pip install --quiet --target target/pydeps pillow
	$(CARGO) build --release --quiet
	rm -rf target/variants
	PYTHONPATH=target/pydeps python3 scripts/augment.py ../shared/realdata/labels.jsonl target/variants/realdata
	PYTHONPATH=target/pydeps python3 scripts/augment.py ../shared/devset/labels.jsonl target/variants/devset
	target/release/doccheck eval --jobs $(JOBS) target/variants/realdata/labels.jsonl
	target/release/doccheck eval --jobs $(JOBS) target/variants/devset/labels.jsonl

# The same, with each photo also analysed as 8 noisy frames of a still scene: how steady the
# reports are on video (the README's steadiness table comes from this).
steady:
	$(CARGO) run --release --quiet -- eval --steady 8 --noise 2.5 --jobs $(JOBS) ../shared/realdata/labels.jsonl
	$(CARGO) run --release --quiet -- eval --steady 8 --noise 2.5 --jobs $(JOBS) ../shared/devset/labels.jsonl

bench: wasm
	$(CARGO) run --release --quiet -- bench --json bench/native.json
	scripts/setup.sh browser
	scripts/bench.sh

# 10,000 frames through the worker from the fake camera: wasm memory, closed frames, live feedback.
soak: wasm
	scripts/setup.sh browser
	scripts/soak.sh

# The long fuzz run (the short one is part of `make test`): SECONDS per target, 240 by default.
fuzz-long:
	scripts/fuzz.sh $(SECONDS)

# Dependency policy (licenses, bans, sources) and, where the advisory database can be fetched,
# known vulnerabilities.
audit:
	command -v cargo-deny >/dev/null || $(CARGO) install cargo-deny --locked
	$(CARGO) deny check licenses bans sources
	$(CARGO) deny check advisories

clean:
	$(CARGO) clean
	rm -rf www/pkg www/pkg-simd www/dist node_modules

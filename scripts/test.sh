#!/usr/bin/env bash
# The second README command, and what CI runs: install what is missing,
# then every check: UI type-check and tests, fmt, clippy -D warnings, all
# Rust tests (unit, store on a real encrypted file, CLI binary, tidy) and
# the desktop end-to-end test in a real window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh --test
export PATH="$HOME/.cargo/bin:$PATH"
cargo xtask ci

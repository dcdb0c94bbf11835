#!/usr/bin/env bash
# The first README command: install what is missing, build Sightline and
# open it. On a first run it shows the built-in demo company.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && npm install --no-audit --no-fund && npm run build)
# The app alone, in the `local` profile (optimised, no link-time
# optimisation): `sightline-cli` is built when asked for (see the README).
cargo build --profile local --locked -p sightline
exec ./target/local/sightline

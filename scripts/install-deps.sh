#!/usr/bin/env bash
# Installs what building and running Sightline needs on Debian or Ubuntu:
# system packages, a Rust toolchain if there is none, Node.js if there is
# none, and (with --test) the tools the end-to-end tests drive the window with.
set -euo pipefail

want_test_tools=false
[[ "${1:-}" == "--test" ]] && want_test_tools=true

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

packages=(
  build-essential pkg-config file curl ca-certificates perl
  libwebkit2gtk-4.1-dev libdbus-1-dev libssl-dev
)
if $want_test_tools; then
  packages+=(xvfb xauth x11-apps netpbm webkit2gtk-driver poppler-utils qpdf minisign)
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing system packages: ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "Installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component clippy,rustfmt
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

if $want_test_tools; then
  if ! tauri-driver --help >/dev/null 2>&1; then
    echo "Installing tauri-driver"
    cargo install tauri-driver --version 2.1.0 --locked
  fi
fi

if $want_test_tools; then
  # An independent SQLCipher 4 client (and Argon2), for the test that opens
  # a backup and the cache with nothing of Sightline's.
  if ! python3 -c "import sqlcipher3, argon2" >/dev/null 2>&1; then
    echo "Installing the sqlcipher3 and argon2-cffi Python packages"
    python3 -m pip install --quiet --disable-pip-version-check sqlcipher3-binary==0.6.0 argon2-cffi==25.1.0 \
      || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
        sqlcipher3-binary==0.6.0 argon2-cffi==25.1.0
  fi
fi

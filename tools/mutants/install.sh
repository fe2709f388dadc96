#!/usr/bin/env bash
# Installs the pinned cargo-mutants under target/tools/ (once) and prints its path.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=27.0.0
bin=$PWD/target/tools/bin/cargo-mutants
if ! { [ -x "$bin" ] && "$bin" mutants --version 2>/dev/null | grep -qx "cargo-mutants $version"; }; then
    cargo install --locked --quiet cargo-mutants --version "$version" --root "$PWD/target/tools" >&2
fi
echo "$bin"

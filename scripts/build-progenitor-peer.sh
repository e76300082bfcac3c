#!/usr/bin/env bash
# Builds the progenitor peer of the generation benchmark in a scratch folder outside the repository
# (default /tmp/progenitor-peer) and prints the path of its binary.
# usage: scripts/build-progenitor-peer.sh [DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/progenitor-peer}
mkdir -p "$dir/src"
cp "$here/progenitor-peer/Cargo.toml.in" "$dir/Cargo.toml"
cp "$here/progenitor-peer/main.rs" "$dir/src/main.rs"
(cd "$dir" && cargo build -q --release)
echo "$dir/target/release/progenitor-peer"

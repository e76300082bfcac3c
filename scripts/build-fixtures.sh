#!/usr/bin/env bash
# Builds the client once per fixture spec (each alone in spec/ of a scratch copy of the crate) and
# runs clippy with -D warnings on it: proof that what the generator accepts compiles cleanly.
# usage: scripts/build-fixtures.sh [FIXTURE.yaml ...]   (default: tests/fixtures/specs/*.yaml)
#        scripts/build-fixtures.sh --alongside FILE.yaml ... (each file added to the real spec/ instead)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/fixture-builds}"
alongside=0
if [[ ${1:-} == --alongside ]]; then
  alongside=1
  shift
fi
fixtures=("$@")
[[ ${#fixtures[@]} -gt 0 ]] || fixtures=("$root"/tests/fixtures/specs/*.yaml)
tar -C "$root" --exclude=./target --exclude=./.git -cf - . | tar -C "$scratch" -xf -
failed=0
for fixture in "${fixtures[@]}"; do
  rm -rf "$scratch/spec" "$scratch/generated"
  mkdir -p "$scratch/spec" "$scratch/generated"
  if ((alongside)); then
    cp "$root"/spec/*.yaml "$scratch/spec/"
  fi
  cp "$fixture" "$scratch/spec/"
  # Only the library: examples and tests are written against the real spec.
  if (cd "$scratch" && cargo clippy -q -p secmaster --lib -- -D warnings && RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps -p secmaster --lib); then
    echo "ok: $(basename "$fixture")"
  else
    echo "FAILED: $(basename "$fixture")"
    failed=1
  fi
done
exit $failed

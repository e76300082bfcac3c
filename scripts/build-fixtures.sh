#!/usr/bin/env bash
# Builds the client once per fixture spec (each alone in spec/ of a scratch copy of the crate) and
# runs clippy with -D warnings on it: proof that what the generator accepts compiles cleanly.
# usage: scripts/build-fixtures.sh [FIXTURE.yaml ...]   (default: generator/tests/fixtures/specs/*.yaml)
#        scripts/build-fixtures.sh --alongside FILE.yaml ... (each file added to the real spec/ instead)
#        scripts/build-fixtures.sh --pages PAGE.txt ...     (each page transcribed by import-doc first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/fixture-builds}"
alongside=0
pages=0
case ${1:-} in
  --alongside) alongside=1; shift ;;
  --pages) pages=1; shift ;;
esac
fixtures=("$@")
if ((pages)); then
  [[ ${#fixtures[@]} -gt 0 ]] || fixtures=("$root"/generator/tests/fixtures/pages/*.txt)
  mkdir -p "$scratch/.pages"
  transcribed=()
  for page in "${fixtures[@]}"; do
    # A family file's name is its feature and module: lower snake case.
    out="$scratch/.pages/$(basename "$page" .txt | tr - _).yaml"
    (cd "$root" && cargo run -q -p generator -- import-doc "$page") > "$out"
    transcribed+=("$out")
  done
  fixtures=("${transcribed[@]}")
fi
[[ ${#fixtures[@]} -gt 0 ]] || fixtures=("$root"/generator/tests/fixtures/specs/*.yaml)
mkdir -p "$scratch/crate"
tar -C "$root" --exclude=./target --exclude=./.git -cf - . | tar -C "$scratch/crate" -xf -
crate="$scratch/crate"
failed=0
for fixture in "${fixtures[@]}"; do
  rm -rf "$crate/spec" "$crate/generated"
  mkdir -p "$crate/spec" "$crate/generated"
  if ((alongside)); then
    cp "$root"/spec/*.yaml "$crate/spec/"
  fi
  cp "$fixture" "$crate/spec/"
  # The client's files and the features block of its Cargo.toml for this spec (the build below
  # leaves the `regenerate` feature off: `-p secmaster` alone).
  # Paths given explicitly: without them the generator enters the workspace it was compiled in,
  # and cargo reuses one build of it for scratch copies at other paths.
  (cd "$crate" && cargo run -q -p generator -- --spec spec --out generated --manifest Cargo.toml >/dev/null) || { echo "FAILED: $(basename "$fixture") (generation)"; failed=1; continue; }
  # Only the library: examples and tests are written against the real spec. With and without
  # the mock, whose generated half must compile for whatever the generator accepts.
  if (cd "$crate" && cargo clippy -q -p secmaster --lib -- -D warnings && cargo clippy -q -p secmaster --lib --features mock -- -D warnings && RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps -p secmaster --lib --features mock); then
    echo "ok: $(basename "$fixture")"
  else
    echo "FAILED: $(basename "$fixture")"
    failed=1
  fi
done
exit $failed

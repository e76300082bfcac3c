#!/usr/bin/env bash
# Compile time and peak rustc memory of a generated client, the crate alone (its dependencies built
# beforehand), debug profile, from clean: ours for a spec folder, or progenitor's for a single
# spec file. Run both in one session to compare; these machines are noisy.
# usage: scripts/measure-compile.sh ours SPEC_DIR [FEATURES]     e.g. ours /tmp/synthetic/spec
#        (FEATURES: API families, comma-separated, built with --no-default-features, e.g.
#        `scripts/measure-compile.sh ours spec workflows`; `none` for the runtime alone; empty for
#        the default, every family)
#        scripts/measure-compile.sh progenitor SPEC.yaml            e.g. progenitor /tmp/synthetic/merged.yaml
# Make the synthetic spec with: cargo bench -p secmaster-codegen --bench generate -- --write-spec 500 /tmp/synthetic
# progenitor's generator is built by scripts/build-progenitor-peer.sh (outside the repository).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:?ours or progenitor}
spec=${2:?spec}
features=${3:-}
scratch=${MEASURE_DIR:-/tmp/measure-compile-$kind}
export CARGO_TARGET_DIR="$scratch/target"
measure() { # prints wall seconds, peak KiB and CPU seconds (user, system) of one build of the crate alone
  local crate=$1
  shift
  (cd "$scratch/crate" && cargo build -q "$@" >/dev/null 2>&1) # dependencies, and a first build
  (cd "$scratch/crate" && cargo clean -q -p "$crate")
  (cd "$scratch/crate" && /usr/bin/time -f "%e %M %U %S" cargo build -q "$@" 2>&1 >/dev/null | tail -1)
}
mkdir -p "$scratch"
case $kind in
  ours)
    rm -rf "$scratch/crate"
    mkdir -p "$scratch/crate"
    tar -C "$root" --exclude=./target --exclude=./.git -cf - . | tar -C "$scratch/crate" -xf -
    rm -rf "$scratch/crate/spec" "$scratch/crate/generated"
    mkdir -p "$scratch/crate/spec" "$scratch/crate/generated"
    cp "$spec"/*.yaml "$scratch/crate/spec/"
    # The client's files and its features block for this spec (the build below does not
    # regenerate: `-p secmaster` alone leaves the `regenerate` feature off).
    (cd "$scratch/crate" && cargo run -q -p generator >/dev/null)
    args=(-p secmaster --lib)
    case $features in
      "") ;;                                     # the default: every family
      none) args+=(--no-default-features) ;;    # the runtime alone
      *) args+=(--no-default-features --features "$features") ;;
    esac
    read -r seconds kib user system < <(measure secmaster "${args[@]}")
    lines=$(cat "$scratch/crate/generated/"*.rs | wc -l)
    ;;
  progenitor)
    peer=$("$root/scripts/build-progenitor-peer.sh")
    rm -rf "$scratch/crate"
    mkdir -p "$scratch/crate/src"
    "$peer" "$spec" "$scratch/crate/src" >/dev/null
    cat > "$scratch/crate/Cargo.toml" <<'TOML'
[package]
name = "progenitor-generated"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
bytes = "1"
futures-core = "0.3"
progenitor-client = "=0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "stream", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_urlencoded = "0.7"
chrono = { version = "0.4", default-features = false, features = ["serde"] }
regress = "0.10"
uuid = { version = "1", features = ["serde"] }

[profile.dev]
debug = "line-tables-only"
TOML
    printf '#![allow(warnings)]\ninclude!("client.rs");\n' > "$scratch/crate/src/lib.rs"
    read -r seconds kib user system < <(measure progenitor-generated --lib)
    lines=$(wc -l < "$scratch/crate/src/client.rs")
    ;;
  *) echo "usage: $0 ours SPEC_DIR [FEATURES] | progenitor SPEC.yaml" >&2; exit 2 ;;
esac
# CPU time (user + system) varies less than wall time on a machine shared with other work.
echo "$kind: ${seconds} s (CPU ${user} s user + ${system} s system), peak $((kib / 1024)) MiB, ${lines} generated lines"

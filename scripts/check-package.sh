#!/usr/bin/env bash
# The published form of both crates, end to end:
# 1. `cargo package` of `secmaster` and `secmaster-codegen`, with verification: each is built
#    from its packaged files alone (the client's optional build-dependency on the not yet
#    published generator is served by cargo from the packages made in the same run);
# 2. tests/consumer, an application outside the workspace, built against the extracted
#    `secmaster-VERSION.crate` (a `[patch]` given on the command line) with one family, and its
#    test run against the loopback server;
# 3. `cargo tree` of that application: no crate of the generator is in its build (syn is, for
#    dependencies' proc macros; the script names them), and only the features it asked for are
#    on;
# 4. the packaged client with `regenerate` on stops with the message that says why.
# usage: scripts/check-package.sh [cargo package options, e.g. --allow-dirty]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$SECONDS

version_of() {
  cargo metadata --no-deps --format-version 1 --locked |
    jq -r --arg name "$1" '.packages[] | select(.name == $name) | .version'
}
client_version=$(version_of secmaster)
codegen_version=$(version_of secmaster-codegen)

cargo package --locked -p secmaster -p secmaster-codegen "$@"
for crate in "secmaster-$client_version" "secmaster-codegen-$codegen_version"; do
  file="target/package/$crate.crate"
  echo "$crate.crate: $(stat -c %s "$file") bytes, $(tar -tzf "$file" | wc -l) files"
done

# The packages as a registry would unpack them, read-only: building the client must not write
# into its sources.
scratch=$(mktemp -d)
trap 'chmod -R u+w "$scratch"; rm -rf "$scratch"' EXIT
tar -xzf "target/package/secmaster-$client_version.crate" -C "$scratch"
tar -xzf "target/package/secmaster-codegen-$codegen_version.crate" -C "$scratch"
chmod -R a-w "$scratch"

consumer="$root/tests/consumer"
# The versions this workspace is tested with (and the MSRV check read), so that the check does
# not depend on what was published today; cargo drops what the consumer does not use.
cp Cargo.lock "$consumer/Cargo.lock"
patch=(
  --config "patch.crates-io.secmaster.path='$scratch/secmaster-$client_version'"
  --config "patch.crates-io.secmaster-codegen.path='$scratch/secmaster-codegen-$codegen_version'"
)
# The workspace's target folder: the dependencies built for it are reused (artifacts are keyed
# by package source and features, so nothing of the workspace leaks into this build).
export CARGO_TARGET_DIR="$root/target"
(cd "$consumer" && cargo test -q "${patch[@]}")

# What the consumer compiles (normal and build dependencies, every platform).
tree=$(cd "$consumer" && cargo tree -q "${patch[@]}" -e normal,build --target all --prefix none --format '{p}')
generator_crates=(secmaster-codegen prettyplease openapiv3 serde_yaml yaml-rust2)
for name in "${generator_crates[@]}"; do
  if grep -q "^$name v" <<<"$tree"; then
    echo "error: the consumer's build has $name, a crate of the generator; it belongs behind the client's \`regenerate\` feature" >&2
    (cd "$consumer" && cargo tree -q "${patch[@]}" -e normal,build --target all -i "$name") >&2
    exit 1
  fi
done
# syn itself is compiled, for the proc macros of dependencies the client does not control
# (serde's derive; futures' macros; icu's derives and displaydoc through reqwest, url and idna),
# named here so that a new path to it shows in the log.
syn_users=""
for spec in $(grep -o '^syn v[0-9.]*' <<<"$tree" | sort -u | sed 's/ v/@/'); do
  syn_users+="$spec: $(cd "$consumer" && cargo tree -q "${patch[@]}" -e normal,build --target all --prefix none --depth 1 --invert "$spec" |
    grep -v '^syn v' | sed 's/ (.*//' | sort -u | paste -sd, -); "
done
echo "syn is compiled for: ${syn_users%; }"
features=$(cd "$consumer" && cargo tree -q "${patch[@]}" -e features --prefix none -i secmaster | sed -n 's/^secmaster feature "\([a-z_]*\)".*/\1/p' | sort -u | tr '\n' ' ')
if [[ $features != "workflows " ]]; then
  echo "error: the consumer asked for the \`workflows\` family alone, but the client's features on are: $features" >&2
  exit 1
fi
echo "consumer: built against the packaged client (features: ${features% }), test passed; none of ${generator_crates[*]} in its build"

# `regenerate` in the packaged client: no spec/ to regenerate from, so the build must stop and
# say so (and not write into the read-only package).
if out=$(cd "$consumer" && cargo check -q "${patch[@]}" --features secmaster/regenerate 2>&1); then
  echo "error: the packaged client built with \`regenerate\` on, though it has no spec/" >&2
  exit 1
fi
if ! grep -q "which this copy of secmaster does not have" <<<"$out"; then
  echo "error: the packaged client with \`regenerate\` on failed, but not with the message that says why:" >&2
  echo "$out" >&2
  exit 1
fi
echo "regenerate in the packaged client: stops with \"$(grep -o 'the `regenerate` feature rebuilds[^;]*' <<<"$out" | head -1)\""
echo "check-package: $((SECONDS - started)) s"

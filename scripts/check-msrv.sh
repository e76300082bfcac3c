#!/usr/bin/env bash
# The MSRV check without an old toolchain: no locked dependency that the published crates build
# (normal and build dependencies of `secmaster` with every feature and of `secmaster-codegen`,
# on every platform) may declare a `rust-version` above the crates' own. Newer std APIs in our
# code are clippy's `incompatible_msrv` lint, which reads the same `rust-version`.
# usage: scripts/check-msrv.sh   (prints the highest rust-version found; exit 1 on a violation)
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(cargo metadata --format-version 1 --all-features --locked | jq -r '
  def v: split(".") | map(tonumber) | . + [0, 0, 0] | .[0:3];
  (.packages | map({key: .id, value: .}) | from_entries) as $pkgs
  | (.resolve.nodes
     | map({key: .id, value: [.deps[] | select(any(.dep_kinds[]; .kind != "dev")) | .pkg]})
     | from_entries) as $edges
  | [.packages[] | select(.source == null and (.name == "secmaster" or .name == "secmaster-codegen"))] as $ours
  | if ($ours | length) != 2 then error("secmaster and secmaster-codegen are not both in the workspace") else . end
  | if ($ours | map(.rust_version) | unique | length) != 1
    then error("secmaster and secmaster-codegen declare different rust-versions") else . end
  | ($ours[0].rust_version) as $msrv
  | def closure($seen):
      ($seen + [$seen[] | $edges[.][]] | unique) as $next
      | if ($next | length) == ($seen | length) then $seen else closure($next) end;
    [closure($ours | map(.id))[] | $pkgs[.] | select(.source != null and .rust_version != null)]
  | (max_by(.rust_version | v)) as $top
  | (map(select((.rust_version | v) > ($msrv | v))) | map("\(.name) \(.version) needs Rust \(.rust_version)")) as $over
  | if ($over | length) > 0
    then $over[] | "error: \(.), above our rust-version \($msrv): lower the dependency (cargo update -p NAME --precise VERSION) or raise rust-version in both Cargo.toml files"
    else "rust-version \($msrv): every locked dependency builds with it (the highest, \($top.name) \($top.version), needs \($top.rust_version))"
    end')
echo "$report"
! grep -q '^error:' <<<"$report"

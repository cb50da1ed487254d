#!/usr/bin/env bash
# Unpacks Temporal's API protos from the pinned @temporalio/core-bridge npm package into DEST.
# The package tarball is kept in a user cache so that fresh build trees and clean clones do not
# download it again; its SHA-1 (from the registry's metadata) is checked before every use.
set -euo pipefail

dest=${1:?usage: fetch_temporal_protos.sh DEST_DIR}
version=1.24.0
sha1=c5373ad16a9573e46f4271e29d7573c59e4b06c6
cache=${ENDURE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/endure}
tarball=$cache/temporalio-core-bridge-$version.tgz
inner=package/sdk-core/crates/protos/protos/api_upstream

verified() { [[ -f "$tarball" ]] && echo "$sha1  $tarball" | sha1sum --check --status; }

if ! verified; then
  mkdir -p "$cache"
  rm -f "$tarball"
  echo "fetching @temporalio/core-bridge@$version (Temporal API protos)" >&2
  (cd "$cache" && npm pack "@temporalio/core-bridge@$version" --silent >/dev/null)
  verified || { echo "error: $tarball does not match the pinned SHA-1 $sha1" >&2; exit 1; }
fi

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xzf "$tarball" -C "$dest.tmp" --strip-components=6 --wildcards "$inner/*.proto"
# The system's protobuf headers and protos are the ones we compile against.
rm -rf "$dest.tmp/google/protobuf"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "$version $sha1" > "$dest/.stamp"

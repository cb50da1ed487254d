#!/usr/bin/env bash
# Installs the Debian packages Endure builds and tests with. Quick and silent when all of them
# are already present; otherwise one apt-get run installs what is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config
  libsqlite3-dev sqlite3 libjemalloc-dev
  libboost-dev libspdlog-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  nodejs npm openssl
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# npm may come from elsewhere than Debian's package; only the command matters.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# The README's two commands. Each does all set-up on a fresh Debian machine first.
#
#   bash cmake/dev.sh start   build (release) and start the dev server on ./endure.db
#   bash cmake/dev.sh test    build and run the whole test suite: debug, then ASan+UBSan
set -euo pipefail
cd "$(dirname "$0")/.."

bash cmake/setup.sh
jobs=$(nproc)

# The compatibility suite's node packages (the official Temporal TypeScript SDK), exactly as
# the lock file pins them; installed again only when the lock file changes.
compat_packages() {
  local lock_sum
  lock_sum=$(sha256sum tests/compat/package-lock.json | cut -d' ' -f1)
  if [[ "$(cat tests/compat/node_modules/.endure-lock-sum 2>/dev/null)" != "$lock_sum" ]]; then
    echo "== npm ci (tests/compat)"
    (cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >tests/compat/node_modules/.endure-lock-sum
  fi
}

case "${1:-}" in
  start)
    shift
    cmake --preset release >/dev/null
    cmake --build --preset release --target endure -- -j"$jobs"
    exec build/release/tools/endure server start-dev --db-filename "${ENDURE_DB:-endure.db}" "$@"
    ;;
  test)
    compat_packages
    for preset in debug asan; do
      echo "== $preset: build"
      cmake --preset "$preset" >/dev/null
      cmake --build --preset "$preset" -- -j"$jobs"
      echo "== $preset: test"
      ctest --preset "$preset" -j"$jobs"
    done
    ;;
  *)
    echo "usage: bash cmake/dev.sh start|test" >&2
    exit 2
    ;;
esac

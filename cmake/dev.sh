#!/usr/bin/env bash
# The README's two commands. Each does all set-up on a fresh Debian machine first.
#
#   bash cmake/dev.sh start   build (release) and run endure on ./endure.db
#   bash cmake/dev.sh test    build and run the whole test suite: debug, then ASan+UBSan
set -euo pipefail
cd "$(dirname "$0")/.."

bash cmake/setup.sh
jobs=$(nproc)

case "${1:-}" in
  start)
    shift
    cmake --preset release >/dev/null
    cmake --build --preset release --target endure -- -j"$jobs"
    exec build/release/tools/endure db status --db-filename "${ENDURE_DB:-endure.db}" "$@"
    ;;
  test)
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

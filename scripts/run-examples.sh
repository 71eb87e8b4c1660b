#!/usr/bin/env bash
# Builds and runs etgrad's examples in reading order; each checks its own result.
# Installs missing dependencies first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
build="$root/build/examples"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${CXX:-g++}" \
      -DETGRAD_BUILD_TESTS=OFF -DETGRAD_BUILD_BENCHMARKS=OFF
cmake --build "$build" -j "$(nproc)"
status=0
for exe in $(ls "$build"/examples/example_* | sort); do
    echo "== $(basename "$exe")"
    "$exe" || status=1
done
exit $status

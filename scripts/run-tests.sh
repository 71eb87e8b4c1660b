#!/usr/bin/env bash
# Builds and runs etgrad's whole test suite (tests, compile-fail tests, consumer tests,
# examples, benchmark smoke runs). Installs missing dependencies first.
#   scripts/run-tests.sh                 with g++ (CXX=clang++ scripts/run-tests.sh for clang)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
cxx="${CXX:-g++}"
build="$root/build/test-$(basename "$cxx")"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$cxx" \
      -DETGRAD_BUILD_BENCHMARKS=ON -DETGRAD_SANITIZERS=ON -DETGRAD_REQUIRE_TEST_DEPS=ON
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"

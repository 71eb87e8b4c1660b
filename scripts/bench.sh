#!/usr/bin/env bash
# etgrad against hand-written gradients, one run (the peers are in scripts/bench-suite.py):
# W1, W2 on the static engine and W5 on the tape. Release (-O3, no -march=native), medians of
# repetitions, ratio to hand-written. Writes build/bench/*.json and prints a markdown table.
#   scripts/bench.sh [repetitions]      (default 20)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
reps="${1:-20}"
build="$root/build/bench"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${CXX:-g++}" \
      -DETGRAD_BUILD_TESTS=OFF -DETGRAD_BUILD_EXAMPLES=OFF -DETGRAD_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" --target etgrad_bench_static suite_hand_etgrad >/dev/null
echo "compiler: $("${CXX:-g++}" --version | head -1); flags: $(grep -m1 CMAKE_CXX_FLAGS_RELEASE: "$build/CMakeCache.txt" | cut -d= -f2)"
echo "running W1, W2 (static engine) and W5 (tape), $reps repetitions..." >&2
"$build/benchmarks/etgrad_bench_static" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_out="$build/static.json" --benchmark_out_format=json >/dev/null
"$build/benchmarks/suite/suite_hand_etgrad" --benchmark_filter='^W5' --benchmark_repetitions="$reps" \
    --benchmark_report_aggregates_only=true --benchmark_out="$build/tape.json" --benchmark_out_format=json >/dev/null
python3 "$root/scripts/bench-table.py" "$build/static.json" "$build/tape.json"

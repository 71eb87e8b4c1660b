#!/usr/bin/env bash
# etgrad's benchmarks against hand-written gradients, one run: Release (-O3, no -march=native),
# medians of repetitions, ratio to hand-written. Writes build/bench/*.json and prints a
# markdown table.
#   scripts/bench.sh [repetitions]      (default 20)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
reps="${1:-20}"
build="$root/build/bench"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${CXX:-g++}" \
      -DETGRAD_BUILD_TESTS=OFF -DETGRAD_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target etgrad_bench_static etgrad_bench_tape >/dev/null
echo "compiler: $("${CXX:-g++}" --version | head -1); flags: $(grep -m1 CMAKE_CXX_FLAGS_RELEASE: "$build/CMakeCache.txt" | cut -d= -f2)"
for b in static tape; do
    echo "running etgrad_bench_$b ($reps repetitions)..." >&2
    "$build/benchmarks/etgrad_bench_$b" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
        --benchmark_out="$build/$b.json" --benchmark_out_format=json >/dev/null
done
python3 "$root/scripts/bench_table.py" "$build/static.json" "$build/tape.json"

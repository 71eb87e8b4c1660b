#!/usr/bin/env bash
# Seconds and peak memory to compile one TU computing the seed neuron's value_and_grad through
# <etgrad/static.hpp> (g++ -O2 by default), median of 5 runs.
#   CXX=clang++ scripts/compile-time.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cxx="${CXX:-g++}"
inc=(-I"$root/include")
tu="$root/benchmarks/compile_time/neuron.cpp"
runs=()
for i in 1 2 3 4 5; do
    runs+=("$( { /usr/bin/time -f '%e %M' "$cxx" -std=c++20 -O2 "${inc[@]}" -c "$tu" -o /dev/null; } 2>&1 | tail -1)")
done
printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p | \
    awk -v cxx="$cxx" '{printf "%s -O2 neuron.cpp: %.2f s, %.0f MiB peak (median of 5)\n", cxx, $1, $2/1024}'

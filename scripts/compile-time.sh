#!/usr/bin/env bash
# Seconds and peak compiler memory (median of 3 runs) to compile each translation unit of
# benchmarks/compile_time/ with -O2, as a markdown table.
#   scripts/compile-time.sh                 g++
#   CXX=clang++ scripts/compile-time.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cxx="${CXX:-g++}"
echo "| translation unit ($("$cxx" --version | head -1 | sed 's/ (.*)//'), -O2) | seconds | peak MiB |"
echo "|---|---:|---:|"
for tu in "$root"/benchmarks/compile_time/*.cpp; do
    runs=()
    for i in 1 2 3; do
        runs+=("$( { /usr/bin/time -f '%e %M' "$cxx" -std=c++20 -O2 -I"$root/include" -c "$tu" -o /dev/null; } 2>&1 | tail -1)")
    done
    printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p |
        awk -v name="$(basename "$tu")" '{printf "| %s | %.2f | %.0f |\n", name, $1, $2/1024}'
done

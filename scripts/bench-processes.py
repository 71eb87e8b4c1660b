#!/usr/bin/env python3
"""W5 (the tape's dynamic loop) in several processes: ratios to the hand-written adjoint per
process, then their median and maximum.

Why several processes: ASLR places the stack and the heap differently in each one, and a load
issued right after stores to an address equal in its low 12 bits can stall on 4 KiB aliasing
(the CPU compares only address bits 0-11 before the full address is known). An earlier tape ran
up to 1.6x slower in some processes than in others for that reason; one process alone can
mislead in either direction. This script is how the spread is measured.

    scripts/bench.sh                      # builds build/bench (once)
    /usr/bin/python3 scripts/bench-processes.py [processes] [binary]
"""
import json
import pathlib
import statistics
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
binary = sys.argv[2] if len(sys.argv) > 2 else str(root / 'build/bench/benchmarks/suite/suite_hand_etgrad')
variants = ('etgrad_tape_ops', 'etgrad_tape_statement')
ratios = {}  # (K, variant) -> one ratio per process
for i in range(n):
    out = subprocess.run([binary, '--benchmark_filter=^W5', '--benchmark_repetitions=5',
                          '--benchmark_report_aggregates_only=true', '--benchmark_format=json'],
                         capture_output=True, text=True, check=True).stdout
    t = {b['run_name']: b['real_time'] for b in json.loads(out)['benchmarks'] if b.get('aggregate_name') == 'median'}
    line = []
    for K in ('100', '10000'):
        hand = t[f'W5_loop_K{K}/hand/{K}']
        parts = [f'K = {K}: hand {hand:,.0f} ns']
        for v in variants:
            r = t[f'W5_loop_K{K}/{v}/{K}'] / hand
            ratios.setdefault((K, v), []).append(r)
            parts.append(f'{v.removeprefix("etgrad_tape_")} {r:.2f}x')
        line.append(', '.join(parts))
    print(f'process {i + 1}: ' + ' | '.join(line), flush=True)
print(f'\nover {n} processes (each the median of 5 repetitions):')
for (K, v), r in ratios.items():
    print(f'  W5 K = {K:>5} {v:22} median {statistics.median(r):.2f}x, min {min(r):.2f}x, max {max(r):.2f}x')

#!/usr/bin/env python3
"""Markdown table from a Google Benchmark JSON file: median ns per gradient and the ratio of
each variant to the 'hand' variant of the same workload (names are 'workload/variant')."""
import json
import sys

data = json.load(open(sys.argv[1]))
medians = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    workload, variant = b["run_name"].split("/", 1)
    medians.setdefault(workload, {})[variant] = b["real_time"]  # ns (Google Benchmark default unit)

ctx = data["context"]
print(f"{ctx['date']}, {ctx['num_cpus']} x {ctx['mhz_per_cpu']} MHz, "
      f"{data['benchmarks'][0]['repetitions']} repetitions, medians")
print()
print("| workload | variant | ns per gradient | ratio to hand-written |")
print("|---|---|---:|---:|")
for workload, variants in medians.items():
    hand = variants.get("hand")
    for variant, ns in variants.items():
        ratio = f"{ns / hand:.3f}" if hand else "-"
        print(f"| {workload} | {variant} | {ns:.2f} | {ratio} |")

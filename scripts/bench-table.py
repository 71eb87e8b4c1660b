#!/usr/bin/env python3
"""Markdown table from Google Benchmark JSON files: median ns per gradient and the ratio of
each variant to the 'hand' variant of the same workload (names are 'workload/variant[/arg]')."""
import json
import sys

rows = {}
context = None
reps = None
for path in sys.argv[1:]:
    data = json.load(open(path))
    context = context or data["context"]
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        reps = b.get("repetitions", reps)
        parts = b["run_name"].split("/")
        workload, variant = parts[0], parts[1]
        extra = {k: v for k, v in b.items() if k.startswith("tape_bytes")}
        rows.setdefault(workload, {})[variant] = (b["real_time"], extra)  # ns

print(f"{context['date']}, {context['num_cpus']} x {context['mhz_per_cpu']} MHz, {reps} repetitions, medians")
print()
print("| workload | variant | ns per gradient | ratio to hand-written | tape bytes per W5 step |")
print("|---|---|---:|---:|---:|")
for workload, variants in rows.items():
    hand = variants.get("hand", (None, {}))[0]
    for variant, (ns, extra) in variants.items():
        ratio = f"{ns / hand:.3f}" if hand else "-"
        tb = f"{extra['tape_bytes_per_step']:.0f}" if "tape_bytes_per_step" in extra else ""
        print(f"| {workload} | {variant} | {ns:,.1f} | {ratio} | {tb} |")

#!/usr/bin/env python3
"""etgrad's benchmark suite in one command: etgrad and hand-written gradients against every
installed peer (scripts/install-bench-peers.sh), in one run.

  scripts/bench-suite.py            full run (Release, -O3, no -march=native), 10 repetitions
  scripts/bench-suite.py --quick    a few repetitions, short runs (a smoke test)

Writes build/bench-suite/results.json, results.md (median ns per gradient, ratio to
hand-written, ratio to the best peer) and results.png (log-scale bars per workload), and prints
a progress line per workload. Every timed gradient is first checked against the hand-written
one by the benchmark executables themselves: a wrong gradient fails the run. ADOL-C keeps
global state, so each of its cases runs in its own process.
"""
import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build", "bench-suite")
EXES = ["suite_hand_etgrad", "suite_forward_peers", "suite_sacado", "suite_adolc", "suite_libtorch"]
OWN = ("hand", "etgrad")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def configure_and_build(cxx):
    out = run(["cmake", "-S", ROOT, "-B", BUILD, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
               f"-DCMAKE_CXX_COMPILER={cxx}", "-DETGRAD_BUILD_TESTS=OFF", "-DETGRAD_BUILD_EXAMPLES=OFF",
               "-DETGRAD_BUILD_BENCHMARKS=ON"]).stdout
    for line in out.splitlines():
        if "etgrad suite:" in line:
            print(line.replace("-- ", ""))
    print("building the suite ...", flush=True)
    run(["cmake", "--build", BUILD, "--target", "etgrad_suite"])
    flags = ""
    for line in open(os.path.join(BUILD, "CMakeCache.txt")):
        if line.startswith("CMAKE_CXX_FLAGS_RELEASE:"):
            flags = line.split("=", 1)[1].strip()
    version = run([cxx, "--version"]).stdout.splitlines()[0]
    return version, flags


def exe_path(name):
    return os.path.join(BUILD, "benchmarks", "suite", name)


def list_tests(exe):
    return run([exe_path(exe), "--benchmark_list_tests=true"]).stdout.split()


def bench(exe, regex, reps, min_time):
    cmd = [exe_path(exe), f"--benchmark_filter={regex}", f"--benchmark_repetitions={reps}",
           "--benchmark_report_aggregates_only=true", "--benchmark_format=json"]
    if min_time:
        cmd.append(f"--benchmark_min_time={min_time}")
    res = subprocess.run(cmd, text=True, capture_output=True)
    if res.returncode != 0:
        sys.exit(f"{exe} failed (a wrong gradient?):\n{res.stderr}")
    out = {}
    for b in json.loads(res.stdout)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            workload, variant = b["run_name"].split("/")[:2]
            out[(workload, variant)] = {"ns": b["real_time"] if b["time_unit"] == "ns" else None,
                                        "counters": {k: v for k, v in b.items() if k.startswith("tape_bytes")}}
            unit = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
            out[(workload, variant)]["ns"] = b["real_time"] * unit
    return out


def is_peer(variant):
    return not variant.startswith(OWN)


def compile_times(cxx):
    """Seconds and peak MiB to compile W2 with etgrad and with each peer's headers (-O2, -c)."""
    flags = {"etgrad.cpp": [f"-I{ROOT}/include"], "adolc.cpp": [], "boost_fvar.cpp": [],
             "eigen.cpp": ["-I/usr/include/eigen3"],
             "sacado.cpp": ["-I/usr/include/trilinos", "-I/usr/lib/x86_64-linux-gnu/openmpi/include",
                            "-DOMPI_SKIP_MPICXX"],
             "libtorch.cpp": ["-I/usr/include/torch/csrc/api/include"]}
    rows = []
    timer = shutil.which("time") or "/usr/bin/time"
    for tu, extra in flags.items():
        path = os.path.join(ROOT, "benchmarks", "suite", "compile_w2", tu)
        cmd = [timer, "-f", "%e %M", cxx, "-std=c++20", "-O2", "-c", path, "-o", os.devnull] + extra
        res = subprocess.run(cmd, text=True, capture_output=True)
        if res.returncode != 0:
            rows.append((tu, None, None))
            continue
        secs, kib = res.stderr.strip().splitlines()[-1].split()
        rows.append((tu, float(secs), float(kib) / 1024))
    return rows


def chart(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not found (python3-matplotlib): no chart")
        return False
    workloads = list(dict.fromkeys(w for w, _ in results))
    fig, axes = plt.subplots(len(workloads), 1, figsize=(9, 1.0 + 0.32 * len(results)), squeeze=False)
    for ax, w in zip(axes[:, 0], workloads):
        items = sorted(((v, r["ns"]) for (ww, v), r in results.items() if ww == w), key=lambda t: t[1])
        names = [v for v, _ in items]
        colors = ["tab:green" if v.startswith("etgrad") else "tab:gray" if v == "hand" else "tab:blue" for v in names]
        ax.barh(names, [ns for _, ns in items], color=colors)
        ax.set_xscale("log")
        ax.set_title(w, fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
        ax.invert_yaxis()
    axes[-1, 0].set_xlabel("ns per gradient (median, log scale)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="few repetitions, short runs")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--cxx", default=os.environ.get("CXX", "g++"))
    args = ap.parse_args()
    reps = args.reps or (2 if args.quick else 10)
    min_time = 0.01 if args.quick else None

    version, flags = configure_and_build(args.cxx)
    print(f"compiler: {version}; flags: {flags}")
    present = [e for e in EXES if os.path.exists(exe_path(e))]
    tests = {e: list_tests(e) for e in present}
    workloads = list(dict.fromkeys(t.split("/")[0] for e in present for t in tests[e]))
    results = {}
    start = time.time()
    for i, w in enumerate(workloads, 1):
        for e in present:
            names = [t for t in tests[e] if t.split("/")[0] == w]
            if not names:
                continue
            if e == "suite_adolc":  # one process per case
                for n in names:
                    results.update(bench(e, "^" + re.escape(n) + "$", reps, min_time))
            else:
                results.update(bench(e, "^" + re.escape(w) + "/", reps, min_time))
        row = {v: r["ns"] for (ww, v), r in results.items() if ww == w}
        line = ", ".join(f"{v} {ns:,.0f} ns" for v, ns in sorted(row.items(), key=lambda t: t[1]))
        print(f"[{i}/{len(workloads)}] {w}: {line}  ({time.time() - start:.0f} s)", flush=True)

    # table
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {platform.node() or 'this machine'} "
             f"({os.cpu_count()} cores), {version}, {flags}; {reps} repetitions, medians"
             + (" (quick mode)" if args.quick else "") + ".", "",
             "| workload | variant | ns per gradient | ratio to hand-written | ratio to best peer | tape bytes per W5 step |",
             "|---|---|---:|---:|---:|---:|"]
    for w in workloads:
        row = {v: r for (ww, v), r in results.items() if ww == w}
        hand = row.get("hand", {}).get("ns")
        peers = [r["ns"] for v, r in row.items() if is_peer(v)]
        best_peer = min(peers) if peers else None
        for v, r in sorted(row.items(), key=lambda t: t[1]["ns"]):
            ratio_hand = f"{r['ns'] / hand:.3g}" if hand else "-"
            ratio_peer = f"{r['ns'] / best_peer:.3g}" if best_peer else "-"
            tb = r["counters"].get("tape_bytes_per_step")
            lines.append(f"| {w} | {v} | {r['ns']:,.1f} | {ratio_hand} | {ratio_peer} | {f'{tb:.0f}' if tb else ''} |")
    lines += ["", "Compile time of W2 (`benchmarks/suite/compile_w2/`, -O2, one TU):", "",
              "| translation unit | seconds | peak MiB |", "|---|---:|---:|"]
    for tu, secs, mib in compile_times(args.cxx):
        lines.append(f"| {tu} | {secs:.2f} | {mib:.0f} |" if secs is not None else f"| {tu} | (peer not installed) | |")
    os.makedirs(BUILD, exist_ok=True)
    with open(os.path.join(BUILD, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(BUILD, "results.json"), "w") as f:
        json.dump({"compiler": version, "flags": flags, "repetitions": reps, "quick": args.quick,
                   "results": [{"workload": w, "variant": v, **r} for (w, v), r in results.items()]}, f, indent=1)
    chart(results, os.path.join(BUILD, "results.png"))
    print("\n".join(lines))
    print(f"\nwritten: {BUILD}/results.md, results.json, results.png")


if __name__ == "__main__":
    main()

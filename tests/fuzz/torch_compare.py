#!/usr/bin/python3
"""Compares etgrad's tape with PyTorch (float64) on the cases tree_fuzz wrote with --torch:

    build/dev/tests/etgrad_tree_fuzz --seed 7 --count 100000 --torch /tmp/cases.jsonl
    /usr/bin/python3 tests/fuzz/torch_compare.py /tmp/cases.jsonl

Each case is evaluated with x, y, z as float64 tensors that require grad; the value and the three
gradients must agree with etgrad's within --rel (relative) or --rel times the gradient's size
(where terms cancel), NaN with NaN and infinities exactly. Prints the mismatches, a count per
op (the case's outermost torch call), and "N passed, M failed"; exits 1 on a mismatch. A case
PyTorch refuses (binary_cross_entropy of NaN, say) counts as one mismatch of its value.
Needs PyTorch (Debian: apt-get install python3-torch).
"""
import argparse
import collections
import json
import math
import re
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit("torch_compare.py needs PyTorch (apt-get install python3-torch)")


def K(v):
    return torch.tensor(v, dtype=torch.float64)


def agree(got, want, rel, floor):
    if math.isnan(got) and math.isnan(want):
        return True
    if got == want:
        return True
    if not (math.isfinite(got) and math.isfinite(want)):
        return False
    return abs(got - want) <= max(floor, rel * max(abs(got), abs(want)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--rel", type=float, default=1e-9)
    ap.add_argument("--show", type=int, default=20, help="mismatches printed in full")
    args = ap.parse_args()
    passed = failed = 0
    shown = 0
    by_op = collections.Counter()
    env = {"torch": torch, "F": F, "K": K}
    with open(args.cases) as f:
        for line in f:
            case = json.loads(line)
            code = compile(case["expr"], "<case>", "eval")
            for a, b, c, value, ga, gb, gc in case["points"]:
                x, y, z = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (a, b, c))
                try:
                    out = eval(code, env, {"x": x, "y": y, "z": z})
                    if out.requires_grad:
                        out.backward()
                except RuntimeError as e:
                    failed += 1
                    by_op["refused by torch"] += 1
                    if shown < args.show:
                        shown += 1
                        print(f"MISMATCH case {case['id']}: {case['expr']}\n  at x={a!r} y={b!r} z={c!r}: torch: {e}")
                    continue
                grads = [t.grad.item() if t.grad is not None else 0.0 for t in (x, y, z)]
                scale = max([1.0] + [abs(g) for g in (ga, gb, gc) if math.isfinite(g)])
                checks = [("value", out.item(), value, 1e-300)] + [
                    (f"d/d{n}", g, want, args.rel * scale) for n, g, want in zip("xyz", grads, (ga, gb, gc))]
                for what, torch_v, etgrad_v, floor in checks:
                    if agree(etgrad_v, torch_v, args.rel, floor):
                        passed += 1
                        continue
                    failed += 1
                    ops = re.findall(r"(?:torch|F)\.([a-z_0-9]+)", case["expr"])
                    by_op[ops[0] if ops else "arithmetic"] += 1
                    if shown < args.show:
                        shown += 1
                        print(f"MISMATCH case {case['id']}: {case['expr']}\n  at x={a!r} y={b!r} z={c!r}: "
                              f"{what}: etgrad {etgrad_v!r}, torch {torch_v!r}")
    if by_op:
        print("mismatches by outermost op: " + ", ".join(f"{k} {v}" for k, v in by_op.most_common()))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

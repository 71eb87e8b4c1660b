#!/usr/bin/env python3
"""Differential fuzzing of etgrad's engines: random expressions over the whole op set (in variables
x, y, z), each checked at random and special points (fuzz_check.hpp says how): static gradient == symbolic d()
evaluated == tape op by op == tape static statement == central finite differences in long
double, in float and double.

    tests/fuzz/fuzz.py --seed 1 --count 150                 # what the test suite runs
    tests/fuzz/fuzz.py --seed 2 --count 100 --sanitize address,undefined   # and this
    tests/fuzz/fuzz.py --seed 7 --count 100000 --jobs 2     # a long local run (hours)

Expressions are generated as C++ (a generic function of x, y, z, so that the same text is a
static expression with variables and an op-by-op tape computation with Tensors), compiled in
batches, and run. A mismatch is printed with its expression and point; --shrink then tries the
expression's subexpressions at that point and reports the smallest one that also fails.
Prints "N passed, M failed" (checks) at the end; exits 1 on a mismatch or a compile error.
"""
import argparse
import concurrent.futures
import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

UNARY = ["-", "exp", "expm1", "log1p", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs", "atan", "sinh",
         "cosh", "asinh", "erf", "softplus", "gelu", "square"]
POSITIVE_ARG = ["log", "sqrt", "acosh1"]  # need a positive argument (acosh1: acosh(1 + t))
UNIT_ARG = ["asin", "acos", "atanh"]      # need an argument in (-1, 1)
BINARY = ["+", "-", "*", "/", "min", "max", "atan2", "mse", "bce_with_logits", "pow_int", "pow_pos", "bce"]
RUNTIME_CONSTANTS = ["0.5", "-1.25", "2.0", "3.5", "-0.75"]
COMPILE_TIME_CONSTANTS = ["2_c", "c<1, 2>", "c<-3, 4>", "1_c"]


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def leaf(self):
        r = self.rng.random()
        if r < 0.75:
            return self.rng.choice(["x", "y", "z"])
        if r < 0.9:
            return self.rng.choice(RUNTIME_CONSTANTS)
        return self.rng.choice(COMPILE_TIME_CONSTANTS)

    def with_variable(self, e):
        """e itself if it mentions a variable, else a variable: an op on constants alone would be
        an expression even where a, b, c are Tensors, and expressions and Tensors do not mix."""
        return e if re.search(r"\b[xyz]\b", e) else self.rng.choice(["x", "y", "z"])

    def positive(self, depth):  # an expression that is > 0
        x = self.with_variable(self.expr(depth))
        return self.rng.choice([f"exp({x})", f"({x}) * ({x}) + 0.5", f"sigmoid({x})", f"softplus({x})"])

    def unit(self, depth):  # an expression in (-1, 1)
        x = self.with_variable(self.expr(depth))
        return self.rng.choice([f"0.9 * tanh({x})", f"sigmoid({x}) - 0.5", f"0.5 * sin({x})"])

    def expr(self, depth):
        return self.with_variable(self.op(depth)) if depth > 0 else self.leaf()

    def op(self, depth):
        if depth <= 0 or self.rng.random() < 0.25:
            return self.leaf()
        kind = self.rng.random()
        if kind < 0.45:
            op = self.rng.choice(UNARY)
            x = self.expr(depth - 1)
            return f"-({x})" if op == "-" else f"{op}({x})"
        if kind < 0.55:
            op = self.rng.choice(POSITIVE_ARG + UNIT_ARG)
            if op in UNIT_ARG:
                return f"{op}({self.unit(depth - 1)})"
            if op == "acosh1":
                return f"acosh(1.0 + {self.positive(depth - 1)})"
            return f"{op}({self.positive(depth - 1)})"
        if kind < 0.95:
            op = self.rng.choice(BINARY)
            x, y = self.expr(depth - 1), self.expr(depth - 1)
            if op in "+-*/":
                return f"({x}) {op} ({y})"
            if op == "pow_int":
                return f"pow({x}, {self.rng.choice([-2, -1, 0, 1, 2, 3])})"
            if op == "pow_pos":
                return f"pow({self.positive(depth - 1)}, {y})"
            if op == "bce":
                target = f"sigmoid({y})" if re.search(r"\b[xyz]\b", y) else "0.25"
                return f"bce(sigmoid({self.with_variable(x)}), {target})"
            if op in ("min", "max") and not (re.search(r"\b[xyz]\b", x) or re.search(r"\b[xyz]\b", y)):
                x = "x"  # min and max take at least one non-number
            return f"{op}({x}, {y})"
        x, lo = self.expr(depth - 1), self.expr(depth - 2)
        return f"clamp({x}, {lo}, ({lo}) + ({self.positive(0)}))" if self.rng.random() < 0.5 else f"clamp({x}, -1.0, 1.0)"

    def case(self, depth):
        while True:
            e = self.expr(depth)
            if re.search(r"\b[xyz]\b", e):
                return e


def cpp_case(i, e):
    text = e.replace("\\", "\\\\").replace('"', '\\"')
    return (f'    fuzz::check_case({i}, "{text}", [](auto x, auto y, auto z) {{ (void)x; (void)y; (void)z; '
            f'return {e}; }}, r);\n')


def write_batch(path, cases):
    with open(path, "w") as f:
        f.write('#include "fuzz_check.hpp"\nusing namespace etgrad;\nint main() {\n    fuzz::result r;\n')
        for i, e in cases:
            f.write(cpp_case(i, e))
        f.write("    return fuzz::report(r);\n}\n")


def compile_and_run(args, path):
    exe = path[:-4]
    # under a sanitizer -O0: a quarter of the compile time, and no access optimised away
    opt = "-O0" if args.sanitize else "-O1"
    cmd = [args.cxx, "-std=c++20", opt, "-w", f"-I{os.path.join(ROOT, 'include')}", f"-I{HERE}", path, "-o", exe]
    if args.sanitize:
        cmd += [f"-fsanitize={args.sanitize}", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return f"COMPILE ERROR in {path}:\n{r.stderr[:3000]}", 0, 0, True
    run = subprocess.run([exe], capture_output=True, text=True, timeout=600)
    m = re.search(r"(\d+) passed, (\d+) failed", run.stdout)
    passed, failed = (int(m.group(1)), int(m.group(2))) if m else (0, 1)
    mismatches = "\n".join(line for line in run.stdout.splitlines() if not re.match(r"\d+ passed", line))
    return mismatches, passed, failed, False


def subexpressions(e):
    """Every parenthesised or called subexpression of e that mentions a variable, shortest first."""
    subs = set()
    for i, ch in enumerate(e):
        if ch != "(":
            continue
        depth = 0
        for j in range(i, len(e)):
            depth += {"(": 1, ")": -1}.get(e[j], 0)
            if depth == 0:
                inner = e[i + 1:j]
                start = i
                while start > 0 and (e[start - 1].isalnum() or e[start - 1] == "_"):
                    start -= 1
                for cand in (inner, e[start:j + 1]):
                    if re.search(r"\b[xyz]\b", cand):
                        subs.add(cand.strip())
                break
    return sorted((s for s in subs if s != e), key=len)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--cxx", default=os.environ.get("CXX", "g++"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "fuzz"))
    ap.add_argument("--shrink", action="store_true", help="on a mismatch, report the smallest failing subexpression")
    ap.add_argument("--sanitize", default="", help="build with -fsanitize=<this>, e.g. address,undefined")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(args.seed)
    gen = Gen(rng)
    cases = [(i, gen.case(args.depth)) for i in range(args.count)]
    batches = [cases[k:k + args.batch] for k in range(0, len(cases), args.batch)]
    paths = []
    for n, b in enumerate(batches):
        path = os.path.join(args.work, f"seed{args.seed}_batch{n}.cpp")
        write_batch(path, b)
        paths.append(path)
    total_passed = total_failed = 0
    errors = False
    failing = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for path, (out, passed, failed, compile_error) in zip(paths, pool.map(lambda p: compile_and_run(args, p), paths)):
            total_passed += passed
            total_failed += failed
            errors = errors or compile_error
            if out:
                print(out)
                failing += [int(m) for m in re.findall(r"MISMATCH case (\d+)", out)]
            print(f"{os.path.basename(path)}: {passed} checks passed, {failed} failed", flush=True)
    if args.shrink and failing:
        i = failing[0]
        e = dict(cases)[i]
        subs = subexpressions(e)
        path = os.path.join(args.work, f"seed{args.seed}_shrink.cpp")
        write_batch(path, [(i, s) for s in subs])
        out, _, _, _ = compile_and_run(args, path)
        smallest = re.search(r"MISMATCH case \d+: (.*)\n(.*)", out)
        print(f"\nsmallest failing subexpression of case {i}: " + (f"{smallest.group(1)}\n{smallest.group(2)}"
                                                                    if smallest else "(none: only the whole fails)"))
    print(f"\nseed {args.seed}, {args.count} expressions:")
    print(f"{total_passed} passed, {total_failed} failed")
    return 1 if total_failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())

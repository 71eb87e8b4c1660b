#!/usr/bin/env python3
"""Every ```cpp block of a Markdown file is a whole program: it must compile warning-free, run,
and, where a ```text block follows it directly, print exactly that text.

    check_readme.py --cxx g++ --include DIR [--include DIR ...] --work DIR FILE.md [--same-as FILE.cpp]

--same-as: the file's first cpp block must also equal that file (an example kept in sync).
"""
import argparse
import os
import re
import subprocess
import sys


def blocks(text):
    """(language, body) of every fenced block, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```\s*$", text, re.M | re.S)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--work", required=True)
    ap.add_argument("--same-as")
    ap.add_argument("markdown")
    args = ap.parse_args()
    text = open(args.markdown, encoding="utf-8").read()
    found = blocks(text)
    programs = [(i, body) for i, (lang, body) in enumerate(found) if lang == "cpp"]
    if not programs:
        print(f"{args.markdown}: no cpp block")
        return 1
    os.makedirs(args.work, exist_ok=True)
    failures = 0
    if args.same_as:
        if open(args.same_as, encoding="utf-8").read() != programs[0][1]:
            print(f"{args.same_as} differs from the first cpp block of {args.markdown}")
            failures += 1
    for n, (i, body) in enumerate(programs, 1):
        src = os.path.join(args.work, f"block{n}.cpp")
        exe = os.path.join(args.work, f"block{n}")
        with open(src, "w", encoding="utf-8") as f:
            f.write(body)
        cmd = [args.cxx, "-std=c++20", "-Wall", "-Wextra", "-Wpedantic", "-Werror"]
        cmd += [f"-I{d}" for d in args.include] + [src, "-o", exe]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"block {n} of {args.markdown} does not compile:\n{body}\n{r.stderr[:4000]}")
            failures += 1
            continue
        run = subprocess.run([exe], capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            print(f"block {n} of {args.markdown} exits with {run.returncode}:\n{run.stdout}{run.stderr}")
            failures += 1
            continue
        expected = found[i + 1][1] if i + 1 < len(found) and found[i + 1][0] == "text" else None
        if expected is not None and run.stdout != expected:
            print(f"block {n} of {args.markdown} prints:\n{run.stdout}\nbut the text beside it says:\n{expected}")
            failures += 1
            continue
        print(f"block {n}: compiles, runs" + (", prints what the README says" if expected is not None else ""))
    print(f"{len(programs) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

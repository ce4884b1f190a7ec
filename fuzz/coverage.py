#!/usr/bin/env python3
"""Sums `llvm-cov export` JSON over one fuzz target's source files (see
coverage.sh): prints the markdown row for fuzz/README.md and writes
uncovered.txt beside the JSON: the target's functions that no input reached,
then the code regions no input reached inside the functions that ran.

Usage: coverage.py TARGET INPUTS EXPORT.json SRC_ROOT FILE...
"""
import json
import os
import sys

target, inputs, export, root = sys.argv[1:5]
files = set(sys.argv[5:])
data = json.load(open(export))["data"][0]

# Lines and regions, file by file, as `llvm-cov report` counts them.
summaries = [f for f in data["files"] if f["filename"] in files]
tot = {k: [0, 0] for k in ("lines", "regions")}
for f in summaries:
    for k in tot:
        tot[k][0] += f["summary"][k]["covered"]
        tot[k][1] += f["summary"][k]["count"]

# Functions: generic ones appear once per instantiation; one source function
# is one (file, first region) key, reached when any instantiation ran. Its code
# regions (kind 0) count once each, covered when any instantiation covered them.
funcs = {}
for fn in data["functions"]:
    names = fn["filenames"]
    code = [r for r in fn["regions"] if r[7] == 0 and names[r[5]] in files]
    if not code or names[code[0][5]] not in files:
        continue
    key = (names[code[0][5]], code[0][0], code[0][1])
    f = funcs.setdefault(key, {"count": 0, "regions": {}})
    f["count"] = max(f["count"], fn["count"])
    for r in code:
        rk = (names[r[5]], r[0], r[1], r[2], r[3])
        f["regions"][rk] = max(f["regions"].get(rk, 0), r[4])

reached = [f for f in funcs.values() if f["count"] > 0]
inner = [c for f in reached for c in f["regions"].values()]
inner_cov = sum(1 for c in inner if c > 0)


def pct(a, b):
    return f"{100 * a / max(b, 1):.1f}%"


def rel(p):
    return os.path.relpath(p, root)


print(
    f"| {target} | {inputs} | {len(summaries)} "
    f"| {tot['lines'][0]}/{tot['lines'][1]} ({pct(*tot['lines'])}) "
    f"| {tot['regions'][0]}/{tot['regions'][1]} ({pct(*tot['regions'])}) "
    f"| {len(reached)}/{len(funcs)} "
    f"| {inner_cov}/{len(inner)} ({pct(inner_cov, len(inner))}) |"
)

with open(os.path.join(os.path.dirname(export), "uncovered.txt"), "w") as out:
    out.write(f"# {target}: functions no input reached (file:line)\n")
    for (path, line, _), f in sorted(funcs.items()):
        if f["count"] == 0:
            out.write(f"{rel(path)}:{line}\n")
    out.write(f"\n# {target}: regions no input reached inside functions that ran\n")
    for f in sorted(reached, key=lambda f: min(f["regions"])):
        for (path, l1, c1, l2, c2), c in sorted(f["regions"].items()):
            if c == 0:
                out.write(f"{rel(path)}:{l1}:{c1}-{l2}:{c2}\n")

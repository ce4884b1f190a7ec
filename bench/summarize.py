#!/usr/bin/env python3
"""Markdown summary of one bench/run.sh run.

Usage: bench/summarize.py RESULTS_DIR STAMP
Reads RESULTS_DIR/<tree>--<tool>-<STAMP>.json (hyperfine --export-json),
RESULTS_DIR/<tree>-rss-<STAMP>.tsv and RESULTS_DIR/versions-<STAMP>.txt.

Columns: wall-clock median / mean ± σ / min over the timed runs; CPU = mean
user+system time (less sensitive than wall time to other load on a shared
machine, but it rewards single-threaded tools); × botlint = ratio of medians
(tool / botlint, > 1 means slower than botlint); × floor = ratio to the
`rg -c zzzz` read floor; peak RSS from one /usr/bin/time -v run.
"""
import glob
import json
import os
import re
import sys

TREE_ORDER = ["python-binance", "freqtrade", "hummingbot", "nautilus_trader", "Lean"]


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    res_dir, stamp = sys.argv[1], sys.argv[2]
    runs = {}  # tree -> tool -> hyperfine result
    pat = re.compile(r"^(?P<tree>.+)--(?P<tool>.+)-" + re.escape(stamp) + r"\.json$")
    for path in glob.glob(os.path.join(res_dir, f"*-{stamp}.json")):
        m = pat.match(os.path.basename(path))
        if not m:
            continue
        try:
            with open(path) as f:
                result = json.load(f)["results"][0]
        except (ValueError, KeyError, IndexError):
            print(f"note: skipping unreadable/incomplete {path}", file=sys.stderr)
            continue
        runs.setdefault(m["tree"], {})[m["tool"]] = result

    versions, machine = [], ""
    vpath = os.path.join(res_dir, f"versions-{stamp}.txt")
    if os.path.exists(vpath):
        for line in open(vpath):
            line = line.rstrip("\n")
            if line.startswith("machine: "):
                machine = line[len("machine: "):]
            elif line.strip():
                versions.append(line)

    print(f"Run `{stamp}`" + (f" — {machine}" if machine else "") + "\n")
    if versions:
        print("Tools: " + "; ".join(" ".join(v.split()) for v in versions) + "\n")

    trees = sorted(runs, key=lambda t: (TREE_ORDER.index(t) if t in TREE_ORDER else 99, t))
    for tree in trees:
        res = runs[tree]
        rss = {}
        rpath = os.path.join(res_dir, f"{tree}-rss-{stamp}.tsv")
        if os.path.exists(rpath):
            for line in open(rpath):
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[1]:
                    rss[parts[0]] = int(parts[1])
        cpu = {t: r["user"] + r["system"] for t, r in res.items()}
        base = res.get("botlint")
        floor = res.get("rg-floor")
        print(f"### {tree}\n")
        print("| tool | median (s) | mean ± σ (s) | min (s) | CPU user+sys (s) | runs "
              "| × botlint | × botlint (CPU) | × floor | peak RSS (MiB) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for tool in sorted(res, key=lambda t: res[t]["median"]):
            r = res[tool]
            x = f"{r['median'] / base['median']:.2f}" if base else "n/a"
            xc = f"{cpu[tool] / cpu['botlint']:.2f}" if base and cpu["botlint"] > 0 else "n/a"
            fl = f"{r['median'] / floor['median']:.0f}" if floor else "n/a"
            mem = f"{rss[tool] / 1024:.0f}" if tool in rss else ""
            sd = r.get("stddev") or 0.0
            print(f"| {tool} | {r['median']:.3f} | {r['mean']:.3f} ± {sd:.3f} | {r['min']:.3f} "
                  f"| {cpu[tool]:.3f} | {len(r['times'])} | {x} | {xc} | {fl} | {mem} |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

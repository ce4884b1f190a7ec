#!/usr/bin/env python3
"""Time commands side by side, in turn: one run of each, then the next round.

hyperfine (bench/run.sh) runs all of one tool's runs, then all of the next
one's; on a shared machine whose load drifts over a minute, the two blocks can
see different machines, and the ratio of their medians moves by 10-20 % from
one run of the script to the next. Run in turn, every command sees the same
drift, so the ratio holds where the absolute times do not.

    bench/interleave.py [--json FILE] RUNS CMD [CMD ...]

Each CMD is a shell command (stdout and stderr discarded). One warm-up run of
each, then RUNS rounds. Prints, per command: the median and the minimum wall
time, and the median CPU time (user + system, from the child's rusage) with
its parts; then, when there are two commands or more, the ratio of each
command's median wall time to the first's. --json writes, per command in
order, those medians and every run's times.
Exit status: 1 when a command fails (its exit status is not 0).

bench/vs-ruff.sh uses it for issue 3's comparison with ruff.
"""

import json
import os
import statistics
import subprocess
import sys
import time


def run(cmd):
    """One run of `cmd`: (wall ms, user ms, system ms, exit status)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    return wall, usage.ru_utime * 1000, usage.ru_stime * 1000, os.waitstatus_to_exitcode(status)


def main(argv):
    out = None
    if argv[:1] == ["--json"]:
        out, argv = argv[1], argv[2:]
    if len(argv) < 2 or not argv[0].isdigit():
        sys.exit(__doc__)
    rounds, cmds = int(argv[0]), argv[1:]
    times = [[] for _ in cmds]
    for c in cmds:
        if run(c)[3] != 0:
            print(f"failed: {c}", file=sys.stderr)
            return 1
    for _ in range(rounds):
        for c, ts in zip(cmds, times):
            wall, user, system, code = run(c)
            if code != 0:
                print(f"failed: {c}", file=sys.stderr)
                return 1
            ts.append({"wall": wall, "user": user, "sys": system})
    med = statistics.median
    summary = [
        {
            "cmd": c,
            "median_wall": med(t["wall"] for t in ts),
            "median_cpu": med(t["user"] + t["sys"] for t in ts),
            "runs": ts,
        }
        for c, ts in zip(cmds, times)
    ]
    first = summary[0]["median_wall"]
    for s in summary:
        ts = s["runs"]
        ratio = f"  x{s['median_wall'] / first:.2f}" if len(cmds) > 1 else ""
        print(
            f"{s['median_wall']:8.1f} ms (min {min(t['wall'] for t in ts):7.1f})  "
            f"cpu {s['median_cpu']:7.1f} (user {med(t['user'] for t in ts):6.1f}, "
            f"sys {med(t['sys'] for t in ts):6.1f}){ratio}  {s['cmd']}"
        )
    if out:
        with open(out, "w") as f:
            json.dump({"rounds": rounds, "commands": summary}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

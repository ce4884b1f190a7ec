#!/usr/bin/env python3
"""Compare botlint's dependency audit with cargo-audit, lockfile by lockfile.

For every directory in ../shared/bench/lockfiles/ (a Cargo.lock and the
cargo-audit.json that `cargo audit --json` wrote for it against
../shared/advisory-db/), run

    botlint --only vulnerable-dependency --only unsound-dependency \
            --only unmaintained-dependency --only dependency-notice \
            --format json --exit-zero --db ../shared/advisory-db <dir>/Cargo.lock

and compare the sets of (package, version, advisory id): cargo-audit's
vulnerabilities plus its unmaintained/unsound/notice warnings against botlint's
findings. Stricter than a set: every tuple also carries its kind (vulnerability,
unmaintained, unsound, notice: botlint's rule must be the matching one), and
the comparison counts duplicates. Prints one line per lockfile and a total such as `14/14`.

Usage: bench/audit-compare.py [-v]      (-v lists every pair on a mismatch)
Env:   SHARED_DIR  (default: <repo>/../shared)
       BOTLINT     (default: $CARGO_TARGET_DIR or target, /release/botlint; built if missing)
Exit:  0 all match (or ../shared absent: skipped), 1 a mismatch, 2 botlint failed.
"""

import json
from collections import Counter
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RULES = [
    "vulnerable-dependency",
    "unsound-dependency",
    "unmaintained-dependency",
    "dependency-notice",
]
WARNING_KINDS = ("unmaintained", "unsound", "notice")
KIND_OF_RULE = {
    "vulnerable-dependency": "vulnerability",
    "unsound-dependency": "unsound",
    "unmaintained-dependency": "unmaintained",
    "dependency-notice": "notice",
}


def cargo_audit_set(path):
    doc = json.load(open(path))
    out = []
    for v in doc["vulnerabilities"]["list"]:
        out.append((v["package"]["name"], v["package"]["version"], v["advisory"]["id"], "vulnerability"))
    for kind, items in doc.get("warnings", {}).items():
        if kind not in WARNING_KINDS:
            continue
        for w in items:
            if w.get("advisory"):
                out.append((w["package"]["name"], w["package"]["version"], w["advisory"]["id"], kind))
    return sorted(out)


def lock_blocks(lock_path):
    """line number of each `name = "…"` -> (name, version)."""
    lines = open(lock_path, encoding="utf-8").read().split("\n")
    kv = re.compile(r'^\s*(name|version)\s*=\s*"([^"]*)"')
    at = {}
    i = 0
    while i < len(lines):
        m = kv.match(lines[i])
        if m and m.group(1) == "name":
            name, line = m.group(2), i + 1
            j = i + 1
            while j < len(lines) and not lines[j].lstrip().startswith("["):
                mv = kv.match(lines[j])
                if mv and mv.group(1) == "version":
                    at[line] = (name, mv.group(2))
                    break
                j += 1
        i += 1
    return at


def botlint_set(botlint, db, lock):
    cmd = [botlint]
    for r in RULES:
        cmd += ["--only", r]
    cmd += ["--format", "json", "--exit-zero", "--db", db, lock]
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(f"botlint failed ({p.returncode}) on {lock}:\n{p.stderr}{p.stdout[:2000]}\n")
        sys.exit(2)
    doc = json.loads(p.stdout)
    if doc["errors"]:
        sys.stderr.write(f"botlint reported errors on {lock}: {doc['errors']}\n")
        sys.exit(2)
    blocks = lock_blocks(os.path.join(REPO, lock))
    out = []
    for f in doc["findings"]:
        line = f["span"]["start_line"]
        if line not in blocks:
            sys.stderr.write(f"{lock}:{line}: finding not on a package name line: {f}\n")
            sys.exit(2)
        name, version = blocks[line]
        out.append((name, version, f["sub_id"], KIND_OF_RULE[f["rule"]]))
    return sorted(out)


def main():
    verbose = "-v" in sys.argv[1:]
    shared = os.environ.get("SHARED_DIR", os.path.join(REPO, "..", "shared"))
    lock_root = os.path.join(shared, "bench", "lockfiles")
    db_abs = os.path.join(shared, "advisory-db")
    if not os.path.isdir(lock_root) or not os.path.isdir(db_abs):
        print(f"audit-compare: {lock_root} or {db_abs} not found; skipped")
        return 0
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    botlint = os.environ.get("BOTLINT") or os.path.join(target, "release", "botlint")
    if not os.environ.get("BOTLINT") and not os.path.exists(botlint):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    db = os.path.relpath(db_abs, REPO)
    dirs = sorted(
        d for d in os.listdir(lock_root)
        if os.path.isfile(os.path.join(lock_root, d, "cargo-audit.json"))
    )
    matched = 0
    for d in dirs:
        want = cargo_audit_set(os.path.join(lock_root, d, "cargo-audit.json"))
        lock = os.path.relpath(os.path.join(lock_root, d, "Cargo.lock"), REPO)
        got = botlint_set(botlint, db, lock)
        if want == got:
            matched += 1
            print(f"match     {d:<26} {len(got):>3} (package, version, advisory, kind)")
        else:
            missing = sorted((Counter(want) - Counter(got)).elements())
            extra = sorted((Counter(got) - Counter(want)).elements())
            print(f"MISMATCH  {d:<26} cargo-audit {len(want)}, botlint {len(got)}: "
                  f"{len(missing)} missing, {len(extra)} extra")
            for t in missing if verbose else missing[:10]:
                print(f"    missing {t}")
            for t in extra if verbose else extra[:10]:
                print(f"    extra   {t}")
    print(f"{matched}/{len(dirs)} lockfiles agree with cargo-audit")
    return 0 if matched == len(dirs) else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Accuracy of botlint's code rules against semgrep-rules' annotated JS/TS and Rust
test cases, next to semgrep itself running the same rules.

    bench/js-rust-rules-eval.py MIRROR [--botlint BIN] [--semgrep BIN] [--work DIR]

MIRROR is semgrep/semgrep-rules as `fetch` brings it (a git directory; a checkout
works too). The test files and rule YAMLs are read from its HEAD into a scratch
directory; nothing of semgrep's is kept or committed.

A semgrep test file marks a case with `// ruleid: R` (a finding expected) or
`// ok: R` (none expected) on the line before it. A case's region runs from the
line after the annotation to the line before the next annotation for R (or the
end of the file): the statement semgrep reports at its first line, botlint at
the argument or property inside it. A tool scores a TP when a `ruleid` region
holds one of its findings (for botlint: of the mapped rule), an FN when it holds
none, an FP for a finding in an `ok` region or outside every region.

Rust test files are top-level `let` statements, which are not Rust: syn does not
parse them (semgrep's parser recovers). Rust cases are therefore scored twice
for botlint: as written, and with the file wrapped in `fn __eval() { … }` on its
first and last lines (line numbers unchanged).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from evalscore import HEADER, row

# concern -> (botlint rule, [(semgrep rule id, rule yaml, test file)])
CASES = {
    "tls (JS)": ("tls-verification-disabled", [
        ("bypass-tls-verification",
         "problem-based-packs/insecure-transport/js-node/bypass-tls-verification.yaml",
         "problem-based-packs/insecure-transport/js-node/bypass-tls-verification.js"),
        ("sequelize-tls-disabled-cert-validation",
         "javascript/sequelize/security/audit/sequelize-tls-disabled-cert-validation.yaml",
         "javascript/sequelize/security/audit/sequelize-tls-disabled-cert-validation.js"),
    ]),
    "tls (Rust)": ("tls-verification-disabled", [
        ("reqwest-accept-invalid", "rust/lang/security/reqwest-accept-invalid.yml",
         "rust/lang/security/reqwest-accept-invalid.rs"),
        ("rustls-dangerous", "rust/lang/security/rustls-dangerous.yml",
         "rust/lang/security/rustls-dangerous.rs"),
        ("ssl-verify-none", "rust/lang/security/ssl-verify-none.yml",
         "rust/lang/security/ssl-verify-none.rs"),
    ]),
    "plaintext (JS/TS)": ("plaintext-endpoint", [
        ("http-request", "problem-based-packs/insecure-transport/js-node/http-request.yaml",
         "problem-based-packs/insecure-transport/js-node/http-request.js"),
        ("detect-insecure-websocket", "javascript/lang/security/detect-insecure-websocket.yaml",
         "javascript/lang/security/detect-insecure-websocket.js"),
        ("react-insecure-request", "typescript/react/security/react-insecure-request.yaml",
         "typescript/react/security/react-insecure-request.jsx"),
        ("react-insecure-request", "typescript/react/security/react-insecure-request.yaml",
         "typescript/react/security/react-insecure-request.tsx"),
        ("rest-http-client-support",
         "problem-based-packs/insecure-transport/js-node/rest-http-client-support.yaml",
         "problem-based-packs/insecure-transport/js-node/rest-http-client-support.js"),
    ]),
}

ANNOT = re.compile(r"(?://|#)\s*(ruleid|ok)\s*:\s*([\w\-, .]+)")


def read_blob(mirror, path):
    if os.path.isdir(os.path.join(mirror, ".git")) or os.path.exists(os.path.join(mirror, path)):
        with open(os.path.join(mirror, path), "rb") as f:
            return f.read()
    return subprocess.run(["git", "--git-dir", mirror, "show", f"HEAD:{path}"],
                          capture_output=True, check=True).stdout


def regions(text, rule):
    """[(kind, first_line, last_line)] for `rule`'s annotations (1-based lines)."""
    lines = text.splitlines()
    marks = []
    for i, line in enumerate(lines, 1):
        m = ANNOT.search(line)
        if m and rule in [r.strip() for r in m.group(2).split(",")]:
            marks.append((m.group(1), i))
    out = []
    for j, (kind, at) in enumerate(marks):
        end = marks[j + 1][1] - 1 if j + 1 < len(marks) else len(lines)
        out.append((kind, at + 1, end))
    return out


def score(regs, found_lines):
    tp = fn = fp = 0
    misses, extras = [], []
    covered = set()
    for kind, a, b in regs:
        hit = [l for l in found_lines if a <= l <= b]
        covered.update(hit)
        if kind == "ruleid":
            if hit:
                tp += 1
            else:
                fn += 1
                misses.append(a)
        elif hit:
            fp += 1
            extras.append(a)
    stray = [l for l in found_lines if l not in covered]
    fp += len(stray)
    extras += stray
    return tp, fn, fp, misses, extras


def botlint_lines(binary, path, rule):
    p = subprocess.run([binary, "--format", "json", "--only", rule, "--exit-zero", path],
                       capture_output=True, text=True)
    d = json.loads(p.stdout)
    lines = sorted({f["span"]["start_line"] for f in d["findings"] if f["rule"] == rule})
    return lines, d.get("parse_errors", [])


def semgrep_lines(binary, cfg, path):
    p = subprocess.run([binary, "scan", "--config", cfg, "--json", "--metrics=off",
                        "--disable-version-check", "--quiet", path],
                       capture_output=True, text=True)
    d = json.loads(p.stdout)
    return sorted({r["start"]["line"] for r in d["results"]})


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("mirror")
    ap.add_argument("--botlint", default=os.path.join(here, "..", "target", "release", "botlint"))
    ap.add_argument("--semgrep", default="/work/bench-data/venv/bin/semgrep")
    ap.add_argument("--work", default=None, help="scratch directory (default: a temp dir)")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="botlint-semgrep-eval-")
    os.makedirs(work, exist_ok=True)
    rows, notes = [], []
    for concern, (brule, cases) in CASES.items():
        totals = {"botlint": [0, 0, 0], "semgrep": [0, 0, 0]}
        wrapped = [0, 0, 0]
        for rule, yml, test in cases:
            d = os.path.join(work, rule)
            os.makedirs(d, exist_ok=True)
            src = read_blob(a.mirror, test)
            tpath = os.path.join(d, os.path.basename(test))
            cpath = os.path.join(d, os.path.basename(yml))
            with open(tpath, "wb") as f:
                f.write(src)
            with open(cpath, "wb") as f:
                f.write(read_blob(a.mirror, yml))
            text = src.decode("utf-8", "replace")
            regs = regions(text, rule)
            bl, perr = botlint_lines(a.botlint, tpath, brule)
            sl = semgrep_lines(a.semgrep, cpath, tpath)
            for tool, lines in (("botlint", bl), ("semgrep", sl)):
                tp, fn, fp, misses, extras = score(regs, lines)
                t = totals[tool]
                t[0] += tp; t[1] += fn; t[2] += fp
                for m in misses:
                    notes.append(f"{tool} misses {test}:{m} ({rule})")
                for x in extras:
                    notes.append(f"{tool} false positive {test}:{x} ({rule})")
            if perr:
                notes.append(f"botlint could not parse {test}: {perr[0]['reason']}")
            if test.endswith(".rs"):
                wpath = os.path.join(d, "wrapped_" + os.path.basename(test))
                lines = text.split("\n")
                lines[0] = "fn __eval() { " + lines[0]
                with open(wpath, "w") as f:
                    f.write("\n".join(lines) + "\n}\n")
                wl, _ = botlint_lines(a.botlint, wpath, brule)
                tp, fn, fp, misses, extras = score(regs, wl)
                wrapped[0] += tp; wrapped[1] += fn; wrapped[2] += fp
                for m in misses:
                    notes.append(f"botlint (wrapped) misses {test}:{m} ({rule})")
                for x in extras:
                    notes.append(f"botlint (wrapped) false positive {test}:{x} ({rule})")
        for tool in ("botlint", "semgrep"):
            tp, fn, fp = totals[tool]
            rows.append(row(concern, tool, tp, fn, fp))
        if any(wrapped):
            tp, fn, fp = wrapped
            rows.append(row(concern, "botlint, wrapped in fn", tp, fn, fp))
    print("\n".join(HEADER + rows))
    print()
    for n in notes:
        print("-", n)
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

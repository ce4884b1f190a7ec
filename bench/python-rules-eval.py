#!/usr/bin/env python3
"""Accuracy of botlint's Python code rules on the peers' own test cases for the same concerns
(semgrep-rules, bandit, ruff's flake8-bandit fixtures), next to the peers themselves.

    bench/python-rules-eval.py MIRROR_ROOT [--botlint BIN] [--venv DIR] [--labels FILE]
                               [--work DIR]

MIRROR_ROOT holds the peers as `fetch` brings them: MIRROR_ROOT/<owner>+<name>/repo, a bare git
directory (a checkout at MIRROR_ROOT/<owner>+<name> works too). The labelled files are read at
the commits pinned in the labels file into a scratch directory; nothing of the peers' is kept
or committed.

Ground truth is bench/python-rules-labels.toml: every case labelled by us (see its header for
how a case is scored). Each file is scored for the one concern it was written for. Every tool
runs on the same scratch tree, all of its rules on, and its findings are mapped to concerns:
  botlint  rule ids (all severities count: the paths are not test paths anyway)
  bandit   B501, B323 -> tls; B113 -> timeout (`bandit -r -f json`)
  ruff     S501, S323 -> tls; S113 -> timeout (`ruff check --isolated --select S`)
  semgrep  the semgrep-rules rules below, from the mirror, offline (`--metrics=off`)
A tool with no rule for a concern gets no row for it.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib

from evalscore import HEADER, row

CONCERNS = {
    "tls": "tls-verification-disabled",
    "timeout": "http-timeout-missing",
    "log": "secret-in-log",
    "plaintext": "plaintext-endpoint",
    "url": "secret-in-url",
}
BOTLINT = {rule: c for c, rule in CONCERNS.items()}
BANDIT = {"B501": "tls", "B323": "tls", "B113": "timeout"}
RUFF = {"S501": "tls", "S323": "tls", "S113": "timeout"}
# semgrep-rules rule files run by semgrep, and the concern of their findings.
SEMGREP = {
    "tls": [
        "python/requests/security/disabled-cert-validation.yaml",
        "python/lang/security/audit/network/disabled-cert-validation.yaml",
        "python/lang/security/unverified-ssl-context.yaml",
    ],
    "timeout": ["python/requests/best-practice/use-timeout.yaml"],
    "log": ["python/lang/security/audit/logging/logger-credential-leak.yaml"],
    "plaintext": [
        "python/lang/security/audit/insecure-transport/requests/request-session-http-in-with-context.yaml",
        "python/lang/security/audit/insecure-transport/requests/request-session-with-http.yaml",
        "python/lang/security/audit/insecure-transport/requests/request-with-http.yaml",
        "python/lang/security/audit/insecure-transport/urllib/insecure-openerdirector-open.yaml",
        "python/lang/security/audit/insecure-transport/urllib/insecure-request-object.yaml",
        "python/lang/security/audit/insecure-transport/urllib/insecure-urlopen.yaml",
        "python/lang/security/audit/insecure-transport/urllib/insecure-urlopener-open.yaml",
        "python/lang/security/audit/insecure-transport/urllib/insecure-urlopener-retrieve.yaml",
        "python/lang/security/audit/insecure-transport/urllib/insecure-urlretrieve.yaml",
        "python/lang/security/audit/network/http-not-https-connection.yaml",
        "python/requests/security/no-auth-over-http.yaml",
    ],
}
TOOLS = ["botlint", "semgrep", "bandit", "ruff"]
HAS_RULE = {
    "botlint": set(CONCERNS),
    "semgrep": set(SEMGREP),
    "bandit": set(BANDIT.values()),
    "ruff": set(RUFF.values()),
}


def read_blob(root, repo, commit, path):
    owner, name = repo.split("/")
    base = os.path.join(root, f"{owner}+{name}")
    gitdir = os.path.join(base, "repo")
    if not os.path.isdir(gitdir):
        gitdir = os.path.join(base, ".git") if os.path.isdir(os.path.join(base, ".git")) else base
    p = subprocess.run(["git", "--git-dir", gitdir, "show", f"{commit}:{path}"],
                       capture_output=True)
    if p.returncode != 0:
        sys.exit(f"cannot read {repo}@{commit[:7]}:{path}: {p.stderr.decode().strip()}")
    return p.stdout


def parse_lines(spec):
    out = set()
    for piece in spec.split(","):
        a, _, b = piece.strip().partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def local_path(peer, path):
    """Where a labelled file goes in the scratch tree: <peer>/<parent dir>/<name>, which keeps
    names apart and stays clear of test-looking paths (`test/fixtures/…`) that tools treat
    differently."""
    parent = os.path.basename(os.path.dirname(path))
    return os.path.join(peer, parent, os.path.basename(path))


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({p.returncode}): {p.stderr[-2000:]}")
    return p.stdout


def rel(cases_dir, path):
    return os.path.relpath(os.path.realpath(os.path.join(cases_dir, path)),
                           os.path.realpath(cases_dir))


def botlint_findings(binary, cases):
    d = json.loads(run([binary, "--format", "json", "--exit-zero", "."], cwd=cases))
    problems = [f"botlint parse error {e}" for e in d.get("parse_errors", [])]
    problems += [f"botlint skipped {s}" for s in d.get("skipped", [])]
    out = [(rel(cases, f["path"]), f["span"]["start_line"], BOTLINT[f["rule"]])
           for f in d["findings"] if f["rule"] in BOTLINT]
    return out, problems


def bandit_findings(venv, cases):
    d = json.loads(run([os.path.join(venv, "bin", "bandit"), "-q", "-f", "json", "-r", "."],
                       cwd=cases))
    problems = [f"bandit error {e}" for e in d.get("errors", [])]
    out = [(rel(cases, r["filename"]), r["line_number"], BANDIT[r["test_id"]])
           for r in d["results"] if r["test_id"] in BANDIT]
    return out, problems


def ruff_findings(venv, cases):
    d = json.loads(run([os.path.join(venv, "bin", "ruff"), "check", "--isolated", "--select", "S",
                        "--output-format", "json", "--no-cache", "--exit-zero", "."], cwd=cases))
    out = [(rel(cases, r["filename"]), r["location"]["row"], RUFF[r["code"]])
           for r in d if r["code"] in RUFF]
    return out, []


def semgrep_findings(venv, cases, config, rule_concern):
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    d = json.loads(run([os.path.join(venv, "bin", "semgrep"), "scan", "--config", config,
                        "--json", "--metrics=off", "--disable-version-check", "--quiet", "."],
                       cwd=cases, env=env))
    problems = [f"semgrep error {e.get('message', e)}" for e in d.get("errors", [])]
    out = []
    for r in d["results"]:
        for key, c in rule_concern.items():
            if r["check_id"].endswith("." + key):
                out.append((rel(cases, r["path"]), r["start"]["line"], c))
                break
        else:
            problems.append(f"semgrep finding of an unknown rule {r['check_id']}")
    return out, problems


def score(files, findings, verdict):
    """{concern: [tp, fn, fp]} and the list of misses and false positives."""
    totals = {}
    notes = []
    for f in files:
        c = f["concern"]
        t = totals.setdefault(c, [0, 0, 0])
        lines = sorted({ln for (p, ln, fc) in findings if p == f["local"] and fc == c})
        covered = set()
        for case in f["cases"]:
            want = parse_lines(case["lines"])
            hit = [ln for ln in lines if ln in want]
            covered.update(hit)
            pos = verdict(case)
            where = f"{f['peer']} {f['path']}:{case['lines']}"
            if pos and hit:
                t[0] += 1
            elif pos:
                t[1] += 1
                notes.append(("miss", c, where, case.get("why", "")))
            elif hit:
                t[2] += 1
                notes.append(("false positive", c, where, case.get("why", "")))
        for ln in lines:
            if ln not in covered:
                t[2] += 1
                notes.append(("false positive", c, f"{f['peer']} {f['path']}:{ln}",
                              "outside every case"))
    return totals, notes


def table(files, per_tool, verdict, concerns):
    rows = []
    notes = {}
    scored = {t: score(files, per_tool[t], verdict) for t in TOOLS}
    for c in concerns:
        for t in TOOLS:
            if c not in HAS_RULE[t]:
                continue
            tp, fn, fp = scored[t][0].get(c, [0, 0, 0])
            rows.append(row(c, t, tp, fn, fp))
        for t in TOOLS:
            if c in HAS_RULE[t]:
                notes.setdefault(t, []).extend(n for n in scored[t][1] if n[1] == c)
    return HEADER + rows, notes


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mirror_root")
    ap.add_argument("--botlint", default=os.path.join(here, "..", "target", "release", "botlint"))
    ap.add_argument("--venv", default="/work/bench-data/venv",
                    help="virtualenv with bandit, ruff and semgrep")
    ap.add_argument("--labels", default=os.path.join(here, "python-rules-labels.toml"))
    ap.add_argument("--work", default=None, help="scratch directory (kept; default: a temp dir)")
    a = ap.parse_args()
    with open(a.labels, "rb") as fh:
        labels = tomllib.load(fh)
    peers = labels["peers"]
    work = a.work or tempfile.mkdtemp(prefix="botlint-pyeval-")
    cases = os.path.join(work, "cases")
    config = os.path.join(work, "semgrep-config")
    shutil.rmtree(cases, ignore_errors=True)
    shutil.rmtree(config, ignore_errors=True)
    os.makedirs(cases)
    os.makedirs(config)

    files = labels["file"]
    for f in files:
        pin = peers[f["peer"]]
        f["local"] = local_path(f["peer"], f["path"])
        dest = os.path.join(cases, f["local"])
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as out:
            out.write(read_blob(a.mirror_root, pin["repo"], pin["commit"], f["path"]))
    rule_concern = {}
    sg = peers["semgrep-rules"]
    for c, ymls in SEMGREP.items():
        for y in ymls:
            # Each rule file in its own directory, as in semgrep-rules: semgrep names a
            # finding <directory path>.<rule id>, and two of these rules share an id
            # (disabled-cert-validation), which in one directory would silently become one.
            text = read_blob(a.mirror_root, sg["repo"], sg["commit"], y)
            dest = os.path.join(config, y)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as out:
                out.write(text)
            prefix = os.path.dirname(y).replace("/", ".")
            for line in text.decode().splitlines():
                s = line.strip()
                if s.startswith("- id:"):
                    rule_concern[f"{prefix}.{s.split(':', 1)[1].strip()}"] = c

    per_tool, problems = {}, []
    for t, fn in (("botlint", lambda: botlint_findings(a.botlint, cases)),
                  ("bandit", lambda: bandit_findings(a.venv, cases)),
                  ("ruff", lambda: ruff_findings(a.venv, cases)),
                  ("semgrep", lambda: semgrep_findings(a.venv, cases, config, rule_concern))):
        per_tool[t], p = fn()
        problems += p

    concerns = [c for c in CONCERNS if any(f["concern"] == c for f in files)]
    n_pos = {c: sum(1 for f in files if f["concern"] == c for k in f["cases"] if k["pos"])
             for c in concerns}
    n_neg = {c: sum(1 for f in files if f["concern"] == c for k in f["cases"] if not k["pos"])
             for c in concerns}
    print("peers: " + ", ".join(f"{k} {v['commit'][:7]}" for k, v in peers.items()))
    print(f"tools: {version([a.botlint, '--version'])}; "
          f"{version([os.path.join(a.venv, 'bin', 'bandit'), '--version'])}; "
          f"{version([os.path.join(a.venv, 'bin', 'ruff'), '--version'])}; "
          f"semgrep {version([os.path.join(a.venv, 'bin', 'semgrep'), '--version'])}")
    print("cases: " + ", ".join(f"{c} {n_pos[c]} positive / {n_neg[c]} negative in "
                                f"{sum(1 for f in files if f['concern'] == c)} files"
                                for c in concerns))
    missing = [c for c in CONCERNS if c not in concerns]
    if missing:
        print("no peer test cases for: " + ", ".join(f"{c} ({CONCERNS[c]})" for c in missing))
    print()
    rows, notes = table(files, per_tool, lambda k: k["pos"], concerns)
    print("\n".join(rows))

    disputed = [c for c in concerns
                if any("annotation" in k for f in files if f["concern"] == c for k in f["cases"])]
    if disputed:
        print()
        print("With semgrep-rules' own annotations where ours differ "
              "(`annotation` in the labels):")
        print()
        alt, _ = table(files, per_tool,
                       lambda k: {"ruleid": True, "ok": False}.get(k.get("annotation"), k["pos"]),
                       disputed)
        print("\n".join(alt))
    for t in TOOLS:
        if notes.get(t):
            print()
            print(f"{t} misses and false positives:")
            for kind, c, where, why in notes[t]:
                print(f"- {c}: {kind} {where}" + (f" ({why})" if why else ""))
    for p in problems:
        print("problem:", p)
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

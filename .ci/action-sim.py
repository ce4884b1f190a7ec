#!/usr/bin/env python3
"""Run action.yml's steps the way a GitHub runner would, without GitHub.

A simulated environment: GITHUB_WORKSPACE (a throwaway git repository), RUNNER_TEMP,
GITHUB_OUTPUT / GITHUB_PATH / GITHUB_ENV (a fresh file per step, read back after it),
GITHUB_STEP_SUMMARY, HOME. `run:` steps execute as GitHub does (`bash --noprofile --norc -eo
pipefail`), with `${{ }}` evaluated in `env:` only (a `${{` inside `run:` is an error).
`uses:` steps are not run: the cache steps report a miss, upload-sarif is recorded with its
inputs. The advisory database is pre-seeded as a git clone of a local repository built from
tests/data/advisory-db (as if restored from the cache), so `botlint db update` fast-forwards it
offline.

Scenarios: a leaky repository fails (exit 1) with annotations, a job summary, a SARIF file that
validates against ../shared/schemas (when present) and `findings` = 1; `fail-on: never` passes;
the example bot passes with no findings. Everything runs against this checkout
(`cargo install --locked --path` with the caller's CARGO_TARGET_DIR, so it reuses the release
build).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Fail(Exception):
    pass


def evaluate(expr: str, ctx: dict) -> str:
    """The few expression forms action.yml uses in values: context lookups."""
    m = re.fullmatch(r"inputs\.([\w-]+)", expr)
    if m:
        return ctx["inputs"][m.group(1)]
    m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
    if m:
        return ctx["steps"].get(m.group(1), {}).get(m.group(2), "")
    if expr == "github.action_path":
        return str(REPO)
    if expr == "runner.temp":
        return ctx["env"]["RUNNER_TEMP"]
    raise Fail(f"the simulator does not know the expression {expr!r}")


def substitute(value, ctx: dict) -> str:
    return EXPR.sub(lambda m: evaluate(m.group(1), ctx), str(value))


def condition(cond, ctx: dict) -> bool:
    """`if:` of the forms used in action.yml: always() && a == 'x' && b != 'y'."""
    if cond is None:
        return not ctx["failed"]
    cond = EXPR.sub(lambda m: m.group(1), str(cond))
    always = False
    result = True
    for part in (p.strip() for p in cond.split("&&")):
        if part == "always()":
            always = True
            continue
        m = re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", part)
        if not m:
            raise Fail(f"the simulator does not know the condition {part!r}")
        left = evaluate(m.group(1), ctx)
        result &= (left == m.group(3)) if m.group(2) == "==" else (left != m.group(3))
    return result and (always or not ctx["failed"])


def read_kv(path: Path) -> dict:
    out, lines = {}, path.read_text().splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[key] = "\n".join(lines[i + 1 : j])
            i = j + 1
            continue
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        i += 1
    return out


def run_action(workspace: Path, home: Path, inputs: dict) -> dict:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    full_inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    unknown = set(inputs) - set(full_inputs)
    if unknown:
        raise Fail(f"unknown inputs {unknown}")
    full_inputs.update(inputs)
    tmp = Path(tempfile.mkdtemp(prefix="runner-temp-"))
    summary = tmp / "step-summary.md"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_")) and k != "BOTLINT_ADVISORY_DB"
    }
    env.update(
        {
            "HOME": str(home),
            "CARGO_HOME": os.environ.get("CARGO_HOME", str(Path.home() / ".cargo")),
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "octo/bot",
            "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
            "RUNNER_TEMP": str(tmp),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "CARGO_TARGET_DIR": os.environ.get("CARGO_TARGET_DIR", str(REPO / "target")),
        }
    )
    if Path.home().joinpath(".rustup").is_dir():
        env.setdefault("RUSTUP_HOME", str(Path.home() / ".rustup"))
    ctx = {"inputs": full_inputs, "steps": {}, "env": env, "failed": False, "uses": [], "log": ""}
    code = 0
    for n, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {n}")
        if not condition(step.get("if"), ctx):
            print(f"   - {name}: skipped")
            continue
        sid = step.get("id", f"_{n}")
        if "uses" in step:
            with_ = {k: substitute(v, ctx) for k, v in (step.get("with") or {}).items()}
            ctx["uses"].append((step["uses"], with_))
            ctx["steps"][sid] = {"cache-hit": "false"}
            print(f"   - {name}: uses {step['uses'].split('@')[0]} (not run)")
            continue
        if "${{" in step["run"]:
            raise Fail(f"{name}: an expression inside run: (template injection); use env:")
        assert step.get("shell") == "bash", f"{name}: shell must be bash"
        files = {k: tmp / f"{k.lower()}-{n}" for k in ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV")}
        for f in files.values():
            f.write_text("")
        step_env = dict(env)
        step_env.update({k: str(v) for k, v in files.items()})
        step_env.update({k: substitute(v, ctx) for k, v in (step.get("env") or {}).items()})
        script = tmp / f"step-{n}.sh"
        script.write_text(step["run"])
        p = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
        )
        ctx["log"] += p.stdout + p.stderr
        print(f"   - {name}: exit {p.returncode}")
        ctx["steps"][sid] = read_kv(files["GITHUB_OUTPUT"])
        for line in files["GITHUB_PATH"].read_text().splitlines():
            env["PATH"] = line + os.pathsep + env["PATH"]
        env.update(read_kv(files["GITHUB_ENV"]))
        if p.returncode != 0:
            ctx["failed"] = True
            code = code or p.returncode
    outputs = {k: substitute(v["value"], ctx) for k, v in action["outputs"].items()}
    return {
        "code": code,
        "outputs": outputs,
        "summary": summary.read_text() if summary.exists() else "",
        "log": ctx["log"],
        "uses": ctx["uses"],
        "tmp": tmp,
    }


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def make_repo(path: Path, files: dict | None = None, copy_from: Path | None = None) -> Path:
    path.mkdir(parents=True)
    if copy_from:
        shutil.copytree(copy_from, path, dirs_exist_ok=True)
    for rel, text in (files or {}).items():
        (path / rel).write_text(text)
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "init")
    return path


def seed_advisory_db(home: Path, work: Path) -> None:
    """As if the cache restored yesterday's database: a clone whose origin is local."""
    origin = make_repo(work / "advisory-db-origin", copy_from=REPO / "tests/data/advisory-db")
    db = home / ".cache/botlint-action/advisory-db"
    db.parent.mkdir(parents=True, exist_ok=True)
    git(work, "clone", "-q", str(origin), str(db))


def check(cond: bool, what: str, result: dict) -> None:
    if not cond:
        print(result["log"])
        print(result["summary"])
        raise Fail(what)


def main() -> int:
    os.environ.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "ci",
            "GIT_AUTHOR_EMAIL": "ci@ci.invalid",
            "GIT_COMMITTER_NAME": "ci",
            "GIT_COMMITTER_EMAIL": "ci@ci.invalid",
        }
    )
    work = Path(tempfile.mkdtemp(prefix="action-sim-"))
    try:
        home = work / "home"
        home.mkdir()
        seed_advisory_db(home, work)
        secret = "Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5Hn4Tq8Wc2Lz6Rb1Xp9Kd3Vm7Fs5Gy0Ja"
        bad = make_repo(
            work / "bad",
            {"bot.py": f'import os\nBINANCE_API_SECRET = "{secret}"\n', ".gitignore": ".env\n"},
        )

        print("   scenario: leaky repository, upload-sarif: true")
        r = run_action(bad, home, {"upload-sarif": "true"})
        check(r["code"] == 1, f"expected the job to fail with 1, got {r['code']}", r)
        check(r["outputs"]["findings"] == "1", f"findings output {r['outputs']}", r)
        sarif = Path(r["outputs"]["sarif-file"])
        check(sarif.is_file(), "no SARIF file", r)
        check("::error file=bot.py,line=2," in r["log"], "no annotation", r)
        check("hardcoded-secret" in r["summary"], "no job summary", r)
        check("cloned" not in r["log"], "the database was cloned, not updated", r)
        uploads = [w for u, w in r["uses"] if u.startswith("github/codeql-action/upload-sarif@")]
        check(uploads == [{"sarif_file": str(sarif), "category": "botlint"}], f"upload {uploads}", r)
        for text in (r["log"], r["summary"], sarif.read_text()):
            check(secret[:8] not in text, "a secret in the output", r)
        if SCHEMA.is_file():
            subprocess.run(
                ["check-jsonschema", "--schemafile", str(SCHEMA), str(sarif)], check=True
            )
        else:
            print("   (SARIF schema check skipped: no ../shared/schemas)")

        print("   scenario: leaky repository, fail-on: never, format: text")
        r = run_action(bad, home, {"fail-on": "never", "format": "text"})
        check(r["code"] == 0, f"expected success, got {r['code']}", r)
        check("error[hardcoded-secret/" in r["log"], "no text report", r)
        check(r["outputs"]["findings"] == "1", f"findings output {r['outputs']}", r)
        check(not any("upload-sarif" in u for u, _ in r["uses"]), "uploaded without asking", r)

        print("   scenario: the example bot")
        good = make_repo(work / "good", copy_from=REPO / "fixtures/example-bot")
        r = run_action(good, home, {"paths": "bot requirements.txt"})
        check(r["code"] == 0, f"expected success, got {r['code']}", r)
        check(r["outputs"]["findings"] == "0", f"findings output {r['outputs']}", r)
        check("No findings" in r["summary"], "summary", r)

        print("   scenario: a bad input is a clear error")
        r = run_action(good, home, {"fail-on": "sometimes"})
        check(r["code"] == 2 and "input 'fail-on' must be" in r["log"], "bad input", r)
        print("   action: ok")
        return 0
    except Fail as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

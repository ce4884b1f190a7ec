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

The `version` input, with no network: `curl` on the steps' PATH is a stand-in that serves
`https://github.com/<owner>/<repo>/releases/download/<tag>/<file>` from a local folder of fake
releases (an archive made from the binary built above, and its .sha256) and answers 404 for
anything else; `cargo` is a wrapper that records its arguments, and `pip` refuses. Scenarios: the
prebuilt binary is downloaded from the action's own repository and verified; a checksum that does
not match fails the job and installs nothing; with no release asset (the repository read from
the action's path, as when `github.action_repository` is empty) the checkout is built with
`cargo install --locked --path`; a malformed version fails before any download.
"""
from __future__ import annotations

import hashlib
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
        return str(ctx["action_path"])
    if expr == "github.action_repository":
        return ctx["action_repository"]
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


STUB_CURL = """#!/usr/bin/env python3
# Stand-in for curl: GitHub release downloads from $FAKE_RELEASES, 404 for anything else.
import os, shutil, sys
args = sys.argv[1:]
with open(os.environ["SIM_CALLS"], "a") as log:
    log.write("curl " + " ".join(args) + "\\n")
if "--fail" not in args or args[args.index("--proto") + 1] != "=https":
    sys.exit("curl stand-in: expected --fail --proto =https")
url, out = args[-1], args[args.index("--output") + 1]
parts = url.split("/")
if url.startswith("https://github.com/") and len(parts) == 9 and parts[5:7] == ["releases", "download"]:
    src = os.path.join(os.environ["FAKE_RELEASES"], parts[3], parts[4], parts[7], parts[8])
    if os.path.isfile(src):
        shutil.copyfile(src, out)
        sys.exit(0)
sys.exit("curl: (22) The requested URL returned error: 404")
"""

STUB_CARGO = """#!/usr/bin/env python3
# Records cargo's arguments, then runs the real cargo.
import os, sys
with open(os.environ["SIM_CALLS"], "a") as log:
    log.write("cargo " + " ".join(sys.argv[1:]) + "\\n")
os.execv(REAL_CARGO, [REAL_CARGO] + sys.argv[1:])
"""

STUB_PIP = """#!/bin/sh
echo "pip $*" >> "$SIM_CALLS"
echo "pip stand-in: the action must not install packages by name" >&2
exit 1
"""


def make_stubs(work: Path) -> Path:
    stubs = work / "stubs"
    stubs.mkdir()
    cargo = shutil.which("cargo")
    if not cargo:
        raise Fail("no cargo on PATH")
    for name, text in {
        "curl": STUB_CURL,
        "cargo": STUB_CARGO.replace("REAL_CARGO", repr(cargo)),
        "pip": STUB_PIP,
        "pip3": STUB_PIP,
    }.items():
        (stubs / name).write_text(text)
        (stubs / name).chmod(0o755)
    return stubs


def run_action(
    workspace: Path,
    home: Path,
    inputs: dict,
    action_path: Path = REPO,
    action_repository: str = "octo-org/botlint",
) -> dict:
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
    calls = tmp / "calls.log"
    calls.write_text("")
    env["SIM_CALLS"] = str(calls)
    env["FAKE_RELEASES"] = str(home.parent / "releases")
    env["PATH"] = str(home.parent / "stubs") + os.pathsep + env["PATH"]
    ctx = {
        "inputs": full_inputs,
        "steps": {},
        "env": env,
        "failed": False,
        "uses": [],
        "log": "",
        "action_path": action_path,
        "action_repository": action_repository,
    }
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
        "calls": calls.read_text().splitlines(),
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


def installs(r: dict) -> list:
    return [c for c in r["calls"] if c.startswith(("cargo install", "pip"))]


def fake_release(work: Path, repo: str, version: str, binary: Path, tamper: bool = False) -> str:
    """The archive and .sha256 that release.yml publishes for x86_64 Linux (RUNNER_OS/ARCH
    above), holding `binary`. Returns the archive's URL."""
    name = f"botlint-v{version}-x86_64-unknown-linux-gnu"
    folder = work / "releases" / repo / f"v{version}"
    folder.mkdir(parents=True)
    stage = work / "stage" / repo / name
    stage.mkdir(parents=True)
    shutil.copy2(binary, stage / "botlint")
    archive = folder / f"{name}.tar.gz"
    subprocess.run(["tar", "-czf", str(archive), "-C", str(stage.parent), name], check=True)
    digest = hashlib.sha256(archive.read_bytes() + (b"x" if tamper else b"")).hexdigest()
    (folder / f"{archive.name}.sha256").write_text(f"{digest}  {archive.name}\n")
    return f"https://github.com/{repo}/releases/download/v{version}/{archive.name}"


def version_scenarios(work: Path, home: Path, bin_root: Path, good: Path) -> None:
    version = re.search(r'(?m)^version = "(.+)"$', (REPO / "Cargo.toml").read_text()).group(1)
    built = work / "botlint-built"
    shutil.copy2(bin_root / "bin" / "botlint", built)
    url = fake_release(work, "octo-org/botlint", version, built)
    fake_release(work, "octo-org/tampered", version, built, tamper=True)
    paths = {"paths": "bot requirements.txt"}

    print(f"   scenario: version {version}, the prebuilt binary from the action's own release")
    shutil.rmtree(bin_root, ignore_errors=True)
    r = run_action(good, home, {**paths, "version": version})
    check(r["code"] == 0 and r["outputs"]["findings"] == "0", f"exit {r['code']}", r)
    downloads = [c.split()[-1] for c in r["calls"] if c.startswith("curl ")]
    check(downloads == [url, url + ".sha256"], f"downloads {downloads}", r)
    check("checksum ok" in r["log"] and "prebuilt binary from octo-org/botlint" in r["log"], "log", r)
    check(installs(r) == [], f"installed by name or built: {installs(r)}", r)

    print("   scenario: a checksum that does not match fails and installs nothing")
    shutil.rmtree(bin_root, ignore_errors=True)
    r = run_action(good, home, {**paths, "version": version}, action_repository="octo-org/tampered")
    check(r["code"] == 2 and "checksum mismatch" in r["log"], f"exit {r['code']}", r)
    check(not (bin_root / "bin" / "botlint").exists(), "a binary was installed", r)
    check(installs(r) == [], f"fell back to {installs(r)}", r)

    print("   scenario: no release asset; the repository read from the action's path; build")
    shutil.rmtree(bin_root, ignore_errors=True)
    action_path = work / "_actions" / "acme" / "botlint" / "0123abc"
    action_path.parent.mkdir(parents=True)
    action_path.symlink_to(REPO)
    r = run_action(good, home, {**paths, "version": version}, action_path, action_repository="")
    check(r["code"] == 0 and r["outputs"]["findings"] == "0", f"exit {r['code']}", r)
    downloads = [c.split()[-1] for c in r["calls"] if c.startswith("curl ")]
    want = url.replace("octo-org/botlint", "acme/botlint")
    check(downloads == [want], f"downloads {downloads}", r)
    check(
        installs(r) == [f"cargo install --locked --root {bin_root} --path {action_path}"],
        f"installs {installs(r)}",
        r,
    )
    check(f"no prebuilt botlint {version}" in r["log"], "no notice", r)

    print("   scenario: a malformed version fails before anything is fetched")
    for bad_version in ("latest", f"v{version}", "0.1", "1.0.0 ", "01.0.0", "1.0.0\nbin-root=/"):
        shutil.rmtree(bin_root, ignore_errors=True)
        r = run_action(good, home, {"version": bad_version})
        check(r["code"] == 2, f"{bad_version!r}: exit {r['code']}", r)
        check("input 'version' must be" in r["log"], f"{bad_version!r}: no message", r)
        check(r["calls"] == [], f"{bad_version!r}: {r['calls']}", r)


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
        make_stubs(work)
        bin_root = home / ".cache/botlint-action/bin-root"
        secret = "Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5Hn4Tq8Wc2Lz6Rb1Xp9Kd3Vm7Fs5Gy0Ja"
        bad = make_repo(
            work / "bad",
            {"bot.py": f'import os\nBINANCE_API_SECRET = "{secret}"\n', ".gitignore": ".env\n"},
        )

        print("   scenario: leaky repository, upload-sarif: true")
        r = run_action(bad, home, {"upload-sarif": "true"})
        check(r["code"] == 1, f"expected the job to fail with 1, got {r['code']}", r)
        check(r["outputs"]["findings"] == "1", f"findings output {r['outputs']}", r)
        check(
            installs(r) == [f"cargo install --locked --root {bin_root} --path {REPO}"],
            f"cargo calls {r['calls']}",
            r,
        )
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

        version_scenarios(work, home, bin_root, good)
        print("   action: ok")
        return 0
    except Fail as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# The pre-commit hooks for real, in throwaway git repositories: every hook of
# .pre-commit-hooks.yaml, the `language: rust` ones (`botlint`, `botlint-repo`) and the
# `language: python` ones (`botlint-py`, `botlint-repo-py`). In a leaky repository each fails on
# its own (exit 1, rule id shown, secret redacted); in the example bot each passes.
#
# pre-commit's `language: rust` runs `cargo install --bins --root <env> --path <clone>` with the
# machine's cargo and CARGO_HOME set to the hook's environment; `language: python` pip-installs
# the clone, which builds the wheel with maturin (`cargo build --locked`, the machine's
# CARGO_HOME). Both honour CARGO_TARGET_DIR, so they reuse the compiled dependencies, and they
# build from the same clone, so the second build reuses the first. Both scenarios name this
# checkout's HEAD in a config of their own (as a user's .pre-commit-config.yaml does): pre-commit
# clones and installs a (repository, rev) once, so botlint is built once for both. (`try-repo`
# makes a new clone per call: a release build of botlint each time, 3-4 minutes on 2 cores.)
# What is tested is HEAD: CI runs on a clean clone; elsewhere, commit first.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@ci.invalid \
  GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@ci.invalid
cd "$repo"
pre-commit validate-manifest .pre-commit-hooks.yaml
if [ -n "$(git status --porcelain)" ]; then
  echo "   note: uncommitted changes are not tested (the hooks are installed from HEAD)"
fi
{
  printf 'repos:\n- repo: %s\n  rev: %s\n  hooks:\n' "$repo" "$(git rev-parse HEAD)"
  sed -n 's/^- id: \(.*\)$/  - id: \1/p' .pre-commit-hooks.yaml
} >"$work/hooks.yaml"
[ "$(grep -c 'id:' "$work/hooks.yaml")" -eq 4 ] || { cat "$work/hooks.yaml"; echo "FAIL: expected 4 hooks"; exit 1; }

run_hooks() { # dir expected-exit
  local dir=$1 want=$2 start code
  start=$(date +%s)
  set +e
  (cd "$dir" && pre-commit run --config "$work/hooks.yaml" --all-files --color never --verbose) \
    >"$work/out" 2>&1
  code=$?
  set -e
  echo "   hooks in $(basename "$dir"): exit $code in $(($(date +%s) - start)) s"
  if [ "$code" != "$want" ]; then
    cat "$work/out"
    echo "FAIL: expected exit $want"
    exit 1
  fi
}

hook() { # hook-id Passed|Failed must-contain...: that hook's part of the last run's output
  if ! python3 - "$work/out" "$@" <<'EOF'; then
import re
import sys

out, hook, status, *needles = sys.argv[1:]
# Each hook's part starts with its status line, `name.....Passed`, then `- hook id: <id>`.
parts = re.split(r"(?m)^(?=\S.*?\.{3,}(?:Passed|Failed|Skipped)$)", open(out).read())
mine = [p for p in parts if re.search(rf"(?m)^- hook id: {re.escape(hook)}$", p)]
if len(mine) != 1:
    sys.exit(f"FAIL: {len(mine)} results for hook {hook}")
part = mine[0]
if not part.split("\n", 1)[0].endswith(status):
    sys.exit(f"FAIL: hook {hook} did not report {status}")
for needle in needles:
    if needle not in part:
        sys.exit(f"FAIL: hook {hook}: output lacks '{needle}'")
EOF
    cat "$work/out"
    exit 1
  fi
}

mkdir "$work/bad"
cd "$work/bad"
git init -q
printf 'import os\nBINANCE_API_SECRET = "Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5Hn4Tq8Wc2Lz6Rb1Xp9Kd3Vm7Fs5Gy0Ja"\n' >bot.py
printf 'EXCHANGE=binance\n' >.env
git add bot.py
git commit -qm bad
run_hooks "$work/bad" 1
for id in botlint botlint-py; do
  hook "$id" Failed "- exit code: 1" "hardcoded-secret/binance-api-secret" "Zq3k…"
done
for id in botlint-repo botlint-repo-py; do
  hook "$id" Failed "- exit code: 1" "env-file-not-ignored"
done
if grep -qF "Zq3kLm9P" "$work/out"; then
  echo "FAIL: the hook output shows the secret"
  exit 1
fi

mkdir "$work/good"
cp -r "$repo/fixtures/example-bot/." "$work/good/"
cd "$work/good"
git init -q
git add -A
git commit -qm good
run_hooks "$work/good" 0
for id in botlint botlint-py botlint-repo botlint-repo-py; do
  hook "$id" Passed
done
echo "   pre-commit hooks (language: rust and python): ok"

#!/usr/bin/env bash
# The pre-commit hooks for real: `pre-commit try-repo <this checkout>` in throwaway git
# repositories, every hook of .pre-commit-hooks.yaml in each call: the `language: rust` ones
# (`botlint`, `botlint-repo`) and the `language: python` ones (`botlint-py`, `botlint-repo-py`).
# In a leaky repository each fails on its own (exit 1, rule id shown, secret redacted); in the
# example bot each passes.
#
# pre-commit's `language: rust` runs `cargo install --bins --root <env> --path <clone>` with the
# machine's cargo and CARGO_HOME set to the hook's environment; `language: python` pip-installs
# the clone, which builds the wheel with maturin (`cargo build --locked`, the machine's
# CARGO_HOME). Both honour CARGO_TARGET_DIR, so they reuse the compiled dependencies, and within
# one call they build from the same clone, so the second build reuses the first. Each try-repo
# clones the checkout afresh, so botlint itself is rebuilt once per call: one call per scenario.
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

try_repo() { # dir expected-exit
  local dir=$1 want=$2 start code
  start=$(date +%s)
  set +e
  (cd "$dir" && pre-commit try-repo "$repo" --all-files --color never --verbose) >"$work/out" 2>&1
  code=$?
  set -e
  echo "   try-repo in $(basename "$dir"): exit $code in $(($(date +%s) - start)) s"
  if [ "$code" != "$want" ]; then
    cat "$work/out"
    echo "FAIL: expected exit $want"
    exit 1
  fi
}

hook() { # hook-id Passed|Failed must-contain...: that hook's part of the last try-repo output
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
try_repo "$work/bad" 1
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
try_repo "$work/good" 0
for id in botlint botlint-py botlint-repo botlint-repo-py; do
  hook "$id" Passed
done
echo "   pre-commit hooks (language: rust and python): ok"

#!/usr/bin/env bash
# The pre-commit hooks for real: `pre-commit try-repo <this checkout>` in throwaway git
# repositories. A leaky file fails the `botlint` hook (exit 1, rule id shown), an untracked,
# unignored .env fails `botlint-repo`, and the example bot passes both.
#
# pre-commit's `language: rust` runs `cargo install --bins --root <env> --path <clone>` with
# the machine's cargo and CARGO_HOME (no new toolchain when cargo exists), so the registry cache
# is shared; CARGO_TARGET_DIR makes it reuse the compiled dependencies. Each try-repo clones the
# checkout afresh, so the botlint crate itself is rebuilt once per call: one call per scenario,
# both hooks in each.
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

try_repo() { # dir expected-exit must-contain...
  local dir=$1 want=$2
  shift 2
  local start code
  start=$(date +%s)
  set +e
  (cd "$dir" && pre-commit try-repo "$repo" --all-files --color never) >"$work/out" 2>&1
  code=$?
  set -e
  echo "   try-repo in $(basename "$dir"): exit $code in $(($(date +%s) - start)) s"
  if [ "$code" != "$want" ]; then
    cat "$work/out"
    echo "FAIL: expected exit $want"
    exit 1
  fi
  for s in "$@"; do
    if ! grep -qF -- "$s" "$work/out"; then
      cat "$work/out"
      echo "FAIL: output lacks '$s'"
      exit 1
    fi
  done
}

mkdir "$work/bad"
cd "$work/bad"
git init -q
printf 'import os\nBINANCE_API_SECRET = "Zq3kLm9Pw2XrT7vB4nY8cD1fG6hJ0sA5Hn4Tq8Wc2Lz6Rb1Xp9Kd3Vm7Fs5Gy0Ja"\n' >bot.py
printf 'EXCHANGE=binance\n' >.env
git add bot.py
git commit -qm bad
try_repo "$work/bad" 1 "hardcoded-secret" "env-file-not-ignored" "Zq3k…"
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
try_repo "$work/good" 0 "botlint" "Passed"
echo "   pre-commit hooks: ok"

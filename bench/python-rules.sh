#!/bin/sh
# Speed of botlint's Python code rules against peers, one tree at a time, side by side.
#
#   bench/python-rules.sh TREE... [--venv DIR]
#
# Needs hyperfine, a release build of botlint (cargo build --release), and a virtualenv
# with bandit, ruff and semgrep (default: $BENCH_VENV or ../wt-python-bench/venv):
#   python3 -m venv venv && venv/bin/pip install bandit ruff semgrep
# semgrep runs the local rules in $SEMGREP_RULES (a directory of rule YAML files for these
# concerns; default ../wt-python-bench/f1/rules) with --metrics=off, so nothing is fetched.
set -eu
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${BENCH_VENV:-$here/../wt-python-bench/venv}
rules=${SEMGREP_RULES:-$here/../wt-python-bench/f1/rules}
botlint=${BOTLINT:-$here/target/release/botlint}
runs=${RUNS:-3}
[ -x "$botlint" ] || { echo "build first: cargo build --release" >&2; exit 2; }
# Reports go to a scratch directory, never /dev/null: a tool that writes its report by
# create-then-rename (or deletes it first) would replace the device node when run as root.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for t in "$@"; do
  echo "== $t ($(find "$t" -name '*.py' | wc -l) Python files)"
  hyperfine --warmup 1 --runs "$runs" -i --export-markdown "/tmp/python-rules-$(basename "$t").md" \
    -n botlint "$botlint '$t' --exit-zero --format json -o $out/botlint.json" \
    -n ruff "$venv/bin/ruff check --select S113,S501,S323 --no-cache --exit-zero -q '$t'" \
    -n bandit "$venv/bin/bandit -r -q -f json -o $out/bandit.json '$t'" \
    -n semgrep "$venv/bin/semgrep scan --metrics=off -q --json -o $out/semgrep.json --config '$rules' '$t'"
done

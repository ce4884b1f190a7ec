#!/bin/sh
# Speed of botlint's Python code rules against peers, one tree at a time, side by side.
#
#   bench/python-rules.sh TREE... [--venv DIR]
#
# Needs hyperfine, a release build of botlint (cargo build --release), and a virtualenv
# with bandit, ruff and semgrep (default: $BENCH_VENV or /work/bench-data/venv, as
# bench/README.md sets it up):
#   python3 -m venv venv && venv/bin/pip install bandit ruff semgrep
# semgrep runs the local rules in $SEMGREP_RULES (default bench/semgrep-rules.yml, the rule
# set bench/run.sh gives it; `bench/python-rules-eval.py --work DIR` leaves semgrep-rules'
# own rules for these concerns in DIR/semgrep-config) with --metrics=off: nothing is fetched.
set -eu
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${BENCH_VENV:-/work/bench-data/venv}
rules=${SEMGREP_RULES:-$here/bench/semgrep-rules.yml}
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

#!/usr/bin/env bash
# Issue 3's speed clause: botlint (all rules) against `ruff check --select S113,S501,S323`
# on the same trees, run in turn (bench/interleave.py: one run of each, then the next
# round), so that both see the same machine. Prints one block per tree and a summary
# table of the medians and their ratio (botlint / ruff: below 1, botlint is faster).
#
# Usage: bench/vs-ruff.sh [TREE ...]   (default: the five bots of issue 3)
# Env:   TREES_DIR=/work/bench-data/trees  ROUNDS=31
#        BOTLINT=target/release/botlint  RUFF=/work/bench-data/venv/bin/ruff (else ruff on PATH)
#        OUT=DIR  also keep each tree's runs as DIR/<tree>.json
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
TREES_DIR=${TREES_DIR:-/work/bench-data/trees}
ROUNDS=${ROUNDS:-31}
BOTLINT=${BOTLINT:-$REPO/target/release/botlint}
RUFF=${RUFF:-/work/bench-data/venv/bin/ruff}
[ -x "$RUFF" ] || RUFF=$(command -v ruff) || { echo "ruff not found (pip install ruff)" >&2; exit 2; }
[ -x "$BOTLINT" ] || { echo "build first: cargo build --release" >&2; exit 2; }
[ $# -gt 0 ] || set -- python-binance freqtrade hummingbot OctoBot jesse
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "botlint: $("$BOTLINT" --version); ruff: $("$RUFF" --version); $ROUNDS rounds; $(nproc) cores"
summary=()
for t in "$@"; do
  tree=$TREES_DIR/$t
  [ -d "$tree" ] || { echo "skip $t: no $tree (bench/fetch-trees.sh)" >&2; continue; }
  echo "== $t"
  json=${OUT:+$OUT/$t.json}
  json=${json:-$scratch/$t.json}
  [ -z "${OUT:-}" ] || mkdir -p "$OUT"
  "$HERE/interleave.py" --json "$json" "$ROUNDS" \
    "'$BOTLINT' '$tree' --no-ignore --format json -o '$scratch/botlint.json' --exit-zero" \
    "'$RUFF' check --isolated --select S113,S501,S323 --no-cache --exit-zero --quiet '$tree'"
  summary+=("$(python3 - "$json" "$t" <<'PY'
import json, sys
(b, r) = [c["median_wall"] for c in json.load(open(sys.argv[1]))["commands"]]
print(f"| {sys.argv[2]} | {b:.1f} | {r:.1f} | {b / r:.2f} |")
PY
)")
done
echo
echo "| tree | botlint (ms) | ruff S113,S501,S323 (ms) | botlint / ruff |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${summary[@]}"

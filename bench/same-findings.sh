#!/usr/bin/env bash
# Do two botlint builds report the same thing on the bench trees? Every speed change
# must leave the output identical: findings (rule, sub-id, severity, path, span,
# message, snippet, fingerprint), skipped files and reasons, parse errors, and the
# per-language seen/parsed counts.
#
#   bench/same-findings.sh OLD_BINARY NEW_BINARY [TREE ...]
#
# TREE defaults to every tree under $TREES_DIR (/work/bench-data/trees, see
# bench/fetch-trees.sh). Exit 0 when every tree matches, 1 otherwise (the first
# differences are printed).
set -euo pipefail
declare -A bin=([old]=$1 [new]=$2)
shift 2
TREES_DIR=${TREES_DIR:-/work/bench-data/trees}
if [ $# -eq 0 ]; then
  set -- "$TREES_DIR"/*/
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for t in "$@"; do
  t=${t%/}
  name=$(basename "$t")
  for which in old new; do
    "${bin[$which]}" "$t" --no-ignore --exit-zero --format json -o "$scratch/$which.json"
    # Everything but the tool's own version and timing-free counts is compared.
    python3 - "$scratch/$which.json" >"$scratch/$which.txt" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
print("seen", json.dumps(s.get("seen"), sort_keys=True), "parsed", json.dumps(s.get("parsed"), sort_keys=True))
print("files_scanned", s["files_scanned"], "files_skipped", s["files_skipped"])
for f in d["findings"]:
    print(json.dumps(f, sort_keys=True))
for k in ("skipped", "parse_errors", "warnings", "errors"):
    for x in d[k]:
        print(k, json.dumps(x, sort_keys=True))
EOF
  done
  if cmp -s "$scratch/old.txt" "$scratch/new.txt"; then
    echo "same  $name ($(grep -c '"rule"' "$scratch/new.txt" || true) findings)"
  else
    echo "DIFF  $name"
    diff "$scratch/old.txt" "$scratch/new.txt" | head -20 || true
    status=1
  fi
done
exit $status

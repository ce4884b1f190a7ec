#!/bin/sh
# Is botlint's memory flat in the size of the repository? Scans 1, 2, 4 and 8 copies of one
# tree side by side in a scratch directory (hard links: no extra disk) and prints the peak RSS
# of each run, with all rules and with secrets only. Findings grow with the copies; memory
# should not (botlint streams files: it holds the paths, not the tree).
#
#   bench/memory-flat.sh TREE [COPIES...]      (default copies: 1 2 4 8)
#
# Needs a release build (cargo build --release) and GNU time (/usr/bin/time).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
botlint=${BOTLINT:-$here/target/release/botlint}
[ -x "$botlint" ] || { echo "build first: cargo build --release" >&2; exit 2; }
[ $# -ge 1 ] || { echo "usage: $0 TREE [COPIES...]" >&2; exit 2; }
tree=$(cd "$1" && pwd)
shift
copies=${*:-1 2 4 8}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
printf '%-7s %-9s %-10s %-12s %-12s %s\n' copies files MB "rss all MiB" "rss sec MiB" findings
for n in $copies; do
  dir=$scratch/x$n
  mkdir -p "$dir"
  i=1
  while [ "$i" -le "$n" ]; do
    [ -d "$dir/c$i" ] || cp -al "$tree" "$dir/c$i" 2>/dev/null || cp -a "$tree" "$dir/c$i"
    i=$((i + 1))
  done
  files=$(find "$dir" -type f | wc -l)
  mb=$(find "$dir" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s / 1048576}')

  /usr/bin/time -f %M -o "$scratch/rss-all" "$botlint" "$dir" --no-ignore --exit-zero \
    --format json -o "$scratch/out.json" --threads 2
  /usr/bin/time -f %M -o "$scratch/rss-sec" "$botlint" "$dir" --no-ignore --exit-zero \
    --only hardcoded-secret --format json -o "$scratch/sec.json" --threads 2
  found=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$scratch/out.json")
  printf '%-7s %-9s %-10s %-12s %-12s %s\n' "$n" "$files" "$mb" \
    "$(( $(cat "$scratch/rss-all") / 1024 ))" "$(( $(cat "$scratch/rss-sec") / 1024 ))" "$found"
done

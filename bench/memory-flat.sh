#!/bin/sh
# Is botlint's memory flat in the size of the repository? Scans 1, 2, 4 and 8 copies of one
# tree side by side in a scratch directory (hard links: no extra disk) and prints the peak RSS
# of each run, with all rules and with secrets only. Findings grow with the copies; memory
# should not (botlint streams files: it holds the paths, not the tree).
#
#   bench/memory-flat.sh TREE [COPIES...]      (default copies: 1 2 4 8)
#
# RUNS=n (default 3) runs each scan n times and prints the median peak RSS (single runs vary
# by a few MiB: thread timing decides which files are in flight together). BOTLINT=path picks
# the binary; EXTRA="..." adds arguments to every scan. Needs a release build
# (cargo build --release) and GNU time (/usr/bin/time).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
botlint=${BOTLINT:-$here/target/release/botlint}
[ -x "$botlint" ] || { echo "build first: cargo build --release" >&2; exit 2; }
[ $# -ge 1 ] || { echo "usage: $0 TREE [COPIES...]" >&2; exit 2; }
tree=$(cd "$1" && pwd)
shift
copies=${*:-1 2 4 8}
runs=${RUNS:-3}
extra=${EXTRA:-}
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

  # median peak RSS in KiB of $runs runs of: botlint DIR ARGS...
  rss() {
    : > "$scratch/rss-runs"
    r=1
    while [ "$r" -le "$runs" ]; do
      # shellcheck disable=SC2086 # $extra is a list of arguments
      /usr/bin/time -f %M -o "$scratch/rss-one" "$botlint" "$dir" --no-ignore --exit-zero \
        --threads 2 $extra "$@"
      cat "$scratch/rss-one" >> "$scratch/rss-runs"
      r=$((r + 1))
    done
    sort -n "$scratch/rss-runs" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
  }
  all=$(rss --format json -o "$scratch/out.json")
  sec=$(rss --only hardcoded-secret --format json -o "$scratch/sec.json")
  found=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$scratch/out.json")
  printf '%-7s %-9s %-10s %-12s %-12s %s\n' "$n" "$files" "$mb" \
    "$((all / 1024))" "$((sec / 1024))" "$found"
done

#!/usr/bin/env bash
# Materialise the benchmark trees (plain work trees, no .git) from bare git
# mirrors of the upstream repositories.
#
# Input : one bare git dir per repository, at $MIRROR_ROOT/<owner>+<name>/repo
#         (that is the layout the sandbox `fetch` tool produces; anywhere else,
#         create them with `git clone --bare https://github.com/<owner>/<name>
#         $MIRROR_ROOT/<owner>+<name>/repo`).
# Output: $TREES_DIR/<short-name>/ plus a markdown table on stdout (the one
#         recorded in bench/trees.md).
#
# By default each tree is checked out at the commit pinned below, so results
# stay comparable; PIN=0 uses the mirror's HEAD instead. A mirror that is
# missing, or lacks the pinned commit, is skipped with a message (never fatal).
#
# Usage: bench/fetch-trees.sh [short-name ...]     (default: all trees)
#   MIRROR_ROOT=/work/.mirror TREES_DIR=/work/bench-data/trees PIN=1 FORCE=0
set -euo pipefail

MIRROR_ROOT=${MIRROR_ROOT:-/work/.mirror}
TREES_DIR=${TREES_DIR:-/work/bench-data/trees}
PIN=${PIN:-1}
FORCE=${FORCE:-0}   # 1 = re-extract trees that already exist

# short-name  owner/repo                      pinned commit (see bench/trees.md)
TREES=(
  "freqtrade        freqtrade/freqtrade             c9ae5e1e9ff25bb55dd61f5e5519f7c479291edb"
  "hummingbot       hummingbot/hummingbot           2bfaccc48dd49e71a5b6d9b3011808e127dd00cd"
  "nautilus_trader  nautechsystems/nautilus_trader  a95c8042b00133829d252ae8cf68f78fc176a973"
  "python-binance   sammchardy/python-binance       b697c97a94901d79786dd5d899a40268953aa0f5"
  "Lean             QuantConnect/Lean               24863901deffa9ec7985e21ef8fbdb0258efb9e4"
)

want() {  # is tree $1 selected on the command line? (none given = all)
  [ "${#SELECTED[@]}" -eq 0 ] && return 0
  local t; for t in "${SELECTED[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1
}
SELECTED=("$@")

mkdir -p "$TREES_DIR"
echo "| tree | upstream | commit | commit date | files | size (du -sh) | blobs absent from mirror |"
echo "|---|---|---|---|---:|---:|---:|"
for line in "${TREES[@]}"; do
  read -r name slug pinned <<<"$line"
  want "$name" || continue
  gitdir="$MIRROR_ROOT/${slug/\//+}/repo"
  dest="$TREES_DIR/$name"
  stamp="$TREES_DIR/.$name.commit"   # kept outside the tree: scanners must not see it
  if ! git --git-dir="$gitdir" rev-parse --git-dir >/dev/null 2>&1; then
    echo "skip $name: no mirror at $gitdir" >&2; continue
  fi
  rev=HEAD; [ "$PIN" = 1 ] && rev=$pinned
  if ! commit=$(git --git-dir="$gitdir" rev-parse --verify -q "$rev^{commit}"); then
    echo "skip $name: commit $rev not in $gitdir (PIN=0 to use its HEAD)" >&2; continue
  fi
  if [ -d "$dest" ] && [ "$FORCE" != 1 ] && [ -f "$stamp" ] \
     && [ "$(cat "$stamp")" = "$commit" ]; then
    echo "keep $name: $dest already at $commit" >&2
  else
    rm -rf "$dest" && mkdir -p "$dest"
    # Check out through a throwaway index so the (shared, read-mostly) mirror
    # is never written to. No smudge filters: LFS files would stay pointers.
    idx=$(mktemp)
    GIT_INDEX_FILE=$idx git --git-dir="$gitdir" read-tree "$commit"
    # Snapshot mirrors may lack the blobs of a few very large files (datasets,
    # wheels): checkout-index reports each and carries on; we count them below.
    GIT_INDEX_FILE=$idx git --git-dir="$gitdir" --work-tree="$dest" checkout-index -a -f \
      2>/dev/null || true
    rm -f "$idx"
    echo "$commit" > "$stamp"
  fi
  date=$(git --git-dir="$gitdir" log -1 --format=%cs "$commit")
  files=$(find "$dest" -type f | wc -l)
  size=$(du -sh "$dest" | cut -f1)
  missing=$(git --git-dir="$gitdir" ls-tree -r "$commit" \
    | awk '$2=="blob"{print $3}' \
    | git --git-dir="$gitdir" cat-file --batch-check 2>/dev/null | grep -c ' missing$' || true)
  echo "| $name | $slug | \`${commit:0:12}\` | $date | $files | $size | $missing |"
done

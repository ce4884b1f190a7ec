#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds: the repository's own fixtures (copied
# at run time, not committed twice), the small committed seeds in fuzz/seeds/,
# and every crash input in fuzz/regressions/.
# tests/fuzz_regressions.rs replays the same choice of files on stable Rust.
# Usage: fuzz/seed.sh [target...]   (default: every target)
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(secrets python rust js config lockfile advisory gitindex)

# copy DIR PREFIX FILE...: FILE into the corpus DIR, named by its content's hash;
# PREFIX "00" puts a 0 byte first (targets whose first byte picks a file name).
copy() {
  local dir=$1 prefix=$2; shift 2
  mkdir -p "$dir"
  local f tmp
  for f in "$@"; do
    [ -f "$f" ] || continue
    tmp=$(mktemp)
    if [ "$prefix" = 00 ]; then printf '\0' >"$tmp"; fi
    cat "$f" >>"$tmp"
    mv "$tmp" "$dir/seed-$(sha1sum "$tmp" | cut -c1-16)"
  done
}

fixtures() { find "$root/fixtures" -type f "$@" -print0; }

for t in "${targets[@]}"; do
  out="$fuzz/corpus/$t"
  mkdir -p "$out"
  files=()
  case $t in
    secrets) prefix=00; mapfile -d '' files < <(fixtures) ;;
    python) prefix=; mapfile -d '' files < <(fixtures -name '*.py') ;;
    rust) prefix=; mapfile -d '' files < <(fixtures -name '*.rs') ;;
    js) prefix=00; mapfile -d '' files < <(fixtures \( -name '*.js' -o -name '*.ts' -o -name '*.jsx' -o -name '*.tsx' -o -name '*.mjs' -o -name '*.cjs' \)) ;;
    config) prefix=; files=("$root/pyproject.toml" "$root/tests/harness.toml") ;;
    lockfile) prefix=; files=("$root/Cargo.lock"); mapfile -d '' -O 1 files < <(fixtures -name Cargo.lock) ;;
    advisory) prefix=; mapfile -d '' files < <(find "$root/tests/data/advisory-db/crates" -type f -print0) ;;
    gitindex) prefix=; files=() ;; # fuzz/seeds/gitindex: indexes v2, v3, v4 written by git
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  [ ${#files[@]} -eq 0 ] || copy "$out" "$prefix" "${files[@]}"
  for d in seeds regressions; do
    if [ -d "$fuzz/$d/$t" ]; then
      mapfile -d '' extra < <(find "$fuzz/$d/$t" -type f -print0)
      [ ${#extra[@]} -eq 0 ] || copy "$out" "" "${extra[@]}"
    fi
  done
  echo "$t: $(find "$out" -type f | wc -l) inputs in $out"
done

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

# The first byte for FILE of a target whose first byte picks the file name
# (src/fuzz.rs): the name of the same kind, so a fixture is scanned as what it
# is. tests/fuzz_regressions.rs (name_byte) makes the same choice.
name_byte() {
  local t=$1 f=$2 base
  base=$(basename "$f")
  case $t:$base in
    secrets:.env*) echo 1 ;;
    secrets:Cargo.lock) echo 9 ;;
    secrets:*.json | secrets:*.ipynb) echo 2 ;;
    secrets:*.yaml | secrets:*.yml) echo 3 ;;
    secrets:*.ini | secrets:*.cfg) echo 4 ;;
    secrets:*.go) echo 5 ;;
    secrets:*.py) echo 6 ;;
    secrets:*.ts | secrets:*.js | secrets:*.tsx | secrets:*.jsx | secrets:*.mjs | secrets:*.cjs) echo 7 ;;
    secrets:*.rs) echo 8 ;;
    js:*.ts) echo 1 ;;
    js:*.jsx) echo 2 ;;
    js:*.tsx) echo 3 ;;
    js:*.cjs) echo 4 ;;
    *) echo 0 ;;
  esac
}

# copy DIR PREFIX FILE...: FILE into the corpus DIR, named by its content's hash;
# PREFIX "name" puts name_byte first (targets whose first byte picks a file name).
copy() {
  local dir=$1 prefix=$2; shift 2
  mkdir -p "$dir"
  local f tmp
  for f in "$@"; do
    [ -f "$f" ] || continue
    tmp=$(mktemp)
    if [ "$prefix" = name ]; then
      # shellcheck disable=SC2059 # the format is an octal escape built here
      printf "\\$(printf '%03o' "$(name_byte "$t" "$f")")" >"$tmp"
    fi
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
    secrets) prefix=name; mapfile -d '' files < <(fixtures) ;;
    python) prefix=; mapfile -d '' files < <(fixtures -name '*.py') ;;
    rust) prefix=; mapfile -d '' files < <(fixtures -name '*.rs') ;;
    js) prefix=name; mapfile -d '' files < <(fixtures \( -name '*.js' -o -name '*.ts' -o -name '*.jsx' -o -name '*.tsx' -o -name '*.mjs' -o -name '*.cjs' \)) ;;
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

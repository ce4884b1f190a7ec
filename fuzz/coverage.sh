#!/usr/bin/env bash
# Source-line coverage that each fuzz target's corpus reaches in botlint's own
# code: `cargo fuzz coverage` (an instrumented build, no sanitizer) replays
# fuzz/corpus/<target>/, then llvm-cov sums lines and regions over the source
# files that target exists to exercise, and prints one markdown row per target
# for fuzz/README.md.
# Usage: fuzz/coverage.sh [target...]   (default: every target)
# Needs: nightly, cargo-fuzz, `rustup component add llvm-tools-preview --toolchain nightly`,
# python3, and corpora (fuzz/run.sh fills them; fuzz/seed.sh gives the seeds alone).
# Per target it leaves, under fuzz/coverage/<target>/: coverage.profdata,
# report.txt (llvm-cov's per-file table), export.json, and uncovered.txt (the
# functions no input reached, then the unreached regions of those that ran).
# "lines" and "regions" count whole files, including functions the target
# never calls by design (reading from disk, CLI glue); "regions in reached
# functions" counts only the functions that ran at least once.
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(secrets python rust js config lockfile advisory gitindex)
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
tools="$(rustc +nightly --print sysroot)/lib/rustlib/$host/bin"
[ -x "$tools/llvm-cov" ] || { echo "no llvm-cov: rustup component add llvm-tools-preview --toolchain nightly" >&2; exit 2; }

# The files a target exists to exercise (paths under src/, shell globs).
files_of() {
  case $1 in
    secrets) echo "secrets/*.rs keywords.rs finding.rs suppress.rs classify.rs source.rs prefilter.rs" ;;
    python) echo "lang/python.rs lang/facts.rs checks/*.rs rules/*.rs" ;;
    rust) echo "lang/rust.rs lang/rust_items.rs lang/rust_select.rs lang/facts.rs checks/*.rs rules/*.rs" ;;
    js) echo "lang/js.rs lang/facts.rs checks/*.rs rules/*.rs" ;;
    config) echo "config.rs" ;;
    lockfile) echo "repo/audit/lockfile.rs repo/audit/mod.rs" ;;
    advisory) echo "repo/audit/db.rs" ;;
    gitindex) echo "repo/gitindex.rs" ;;
  esac
}

cd "$fuzz"
echo "| target | inputs | files | lines | regions | functions reached | regions in reached functions |"
echo "|---|---|---|---|---|---|---|"
for t in "${targets[@]}"; do
  [ -d "corpus/$t" ] || bash "$fuzz/seed.sh" "$t" >/dev/null
  out="$fuzz/coverage/$t"
  mkdir -p "$out"
  # The instrumented build is niced (shared machine); the replay is one process
  # per input. --no-cfg-fuzzing as in run.sh (real spans for the Rust front end).
  nice -n 10 cargo +nightly fuzz coverage --no-cfg-fuzzing --sanitizer none "$t" "corpus/$t" >"$out/build.log" 2>&1
  bin="$fuzz/target/$host/coverage/$host/release/$t"
  prof="$out/coverage.profdata"
  mapfile -t srcs < <(cd "$root/src" && for g in $(files_of "$t"); do ls $g; done | sort -u | sed "s|^|$root/src/|")
  "$tools/llvm-cov" report "$bin" -instr-profile="$prof" "${srcs[@]}" >"$out/report.txt"
  "$tools/llvm-cov" export "$bin" -instr-profile="$prof" "${srcs[@]}" >"$out/export.json"
  python3 "$fuzz/coverage.py" "$t" "$(find "corpus/$t" -type f | wc -l)" "$out/export.json" "$root" "${srcs[@]}"
done

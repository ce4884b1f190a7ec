#!/usr/bin/env bash
# Runs each fuzz target for a bounded time, one after the other (one process,
# one core), and prints a markdown row per target for fuzz/README.md:
# target, seconds, executions, exec/s, cov, ft, crash inputs.
# Usage: fuzz/run.sh [seconds per target (default 300)] [target...]
# MAX_LEN=N passes -max_len=N (libFuzzer's default grows inputs to ~4 KB at most:
# set it to reach what only large files do, e.g. MAX_LEN=65536).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
secs=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(secrets python rust js config lockfile advisory gitindex)
cd "$fuzz"
bash "$fuzz/seed.sh" "${targets[@]}"
# Built once, then the binaries are run directly: editing the sources while
# this runs does not rebuild anything under the later targets.
# Niced: the machine is shared, and the build is the long part.
# --no-cfg-fuzzing: under cfg(fuzzing) proc-macro2 gives every span the same
# dummy location, so the Rust front end would see no source text at all
# (format strings, snippets, spans); botlint frees proc-macro2's source map
# after each file itself (rust.rs), which is what that cfg guards against.
nice -n 10 cargo +nightly fuzz build --no-cfg-fuzzing
bin="$fuzz/target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release"
logs="$fuzz/artifacts/logs"
mkdir -p "$logs"
echo "| target | seconds | execs | exec/s | cov | ft | corpus | crashes |"
echo "|---|---|---|---|---|---|---|---|"
for t in "${targets[@]}"; do
  mkdir -p "artifacts/$t"
  log="$logs/$t.log"
  # Crash inputs of earlier runs stay in artifacts/<target>/: count this run's only.
  stamp="$logs/$t.start"
  touch "$stamp"
  start=$(date +%s)
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: an input that
  # takes 2 GiB is a memory blow-up. Both are reported as crashes.
  status=0
  "$bin/$t" "corpus/$t" ${MAX_LEN:+-max_len="$MAX_LEN"} \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" >"$log" 2>&1 || status=$?
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.*corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
  crashes=$(find "artifacts/$t" -maxdepth 1 -type f -newer "$stamp" \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)
  rate=$(( ${execs:-0} / (took > 0 ? took : 1) ))
  echo "| $t | $took | ${execs:-?} | $rate | ${cov:-?} | ${ft:-?} | ${corp:-?} | $crashes$([ "$status" = 0 ] || echo " (exit $status, see $log)") |"
done

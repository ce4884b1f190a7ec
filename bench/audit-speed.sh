#!/usr/bin/env bash
# Speed of the dependency audit alone: botlint vs `cargo audit --no-fetch`, side by side
# (hyperfine), on one lockfile and the same database.
#
# Usage: bench/audit-speed.sh [LOCKFILE]
#        (default: ../shared/bench/lockfiles/nautilus-2026/Cargo.lock, 902 packages)
# Env:   DB=../shared/advisory-db
#        BOTLINT=${CARGO_TARGET_DIR:-target}/release/botlint (built if missing)
#        CARGO_AUDIT=/work/bench-data/tools/bin/cargo-audit (else `cargo-audit` on PATH)
#        WARMUP=3 RUNS=20 ROUNDS=3   hyperfine rounds; the command order rotates each round
#        EXPORT=FILE.md              also write the first round's markdown table there
#
# Two pairs, each like for like:
#   advisories only      botlint's four advisory rules  vs  cargo audit --no-fetch --no-yanked
#   advisories + yanked  the same plus yanked-dependency vs  cargo audit --no-fetch
#                        (both answer "yanked?" offline from the local cargo index cache)
# Both write JSON; neither touches the network. They report the same advisories
# (bench/audit-compare.py checks that). The figure that matters is the median, pooled over
# every run of every round.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
cd "$REPO"

LOCK=${1:-../shared/bench/lockfiles/nautilus-2026/Cargo.lock}
DB=${DB:-../shared/advisory-db}
BOTLINT=${BOTLINT:-${CARGO_TARGET_DIR:-target}/release/botlint}
WARMUP=${WARMUP:-3}
RUNS=${RUNS:-20}
ROUNDS=${ROUNDS:-3}

if [[ ! -f $LOCK || ! -d $DB ]]; then
    echo "audit-speed: $LOCK or $DB not found; skipped"
    exit 0
fi
if ! command -v hyperfine >/dev/null; then
    echo "audit-speed: hyperfine is needed (apt-get install hyperfine)" >&2
    exit 2
fi
if [[ -z ${CARGO_AUDIT:-} ]]; then
    if [[ -x /work/bench-data/tools/bin/cargo-audit ]]; then
        CARGO_AUDIT=/work/bench-data/tools/bin/cargo-audit
    elif command -v cargo-audit >/dev/null; then
        CARGO_AUDIT=$(command -v cargo-audit)
    else
        echo "audit-speed: cargo-audit not found (cargo install cargo-audit --locked)" >&2
        exit 2
    fi
fi
if [[ ! -x $BOTLINT ]]; then
    cargo build --release --quiet
fi

echo "lockfile:    $LOCK ($(grep -c '^\[\[package\]\]' "$LOCK") packages)"
echo "database:    $DB ($(find "$DB/crates" -name '*.md' | wc -l) advisory files)"
echo "botlint:     $("$BOTLINT" --version)"
echo "cargo-audit: $("$CARGO_AUDIT" audit --version 2>/dev/null || "$CARGO_AUDIT" --version)"
echo "cores:       $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"

ONLY="--only vulnerable-dependency --only unsound-dependency --only unmaintained-dependency --only dependency-notice"
NAMES=("botlint" "cargo audit --no-fetch --no-yanked" "botlint +yanked" "cargo audit --no-fetch")
CMDS=(
    "$BOTLINT $ONLY --format json --exit-zero --db $DB $LOCK"
    "$CARGO_AUDIT audit --no-fetch --no-yanked --json --db $DB -f $LOCK"
    "$BOTLINT $ONLY --only yanked-dependency --format json --exit-zero --db $DB $LOCK"
    "$CARGO_AUDIT audit --no-fetch --json --db $DB -f $LOCK"
)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for ((r = 0; r < ROUNDS; r++)); do
    args=(-N -i --warmup "$WARMUP" --runs "$RUNS" --style basic --export-json "$TMP/round$r.json")
    if [[ -n ${EXPORT:-} && $r -eq 0 ]]; then
        args+=(--export-markdown "$EXPORT")
    fi
    for ((k = 0; k < ${#CMDS[@]}; k++)); do
        i=$(((k + r) % ${#CMDS[@]}))
        args+=(-n "${NAMES[$i]}" "${CMDS[$i]}")
    done
    echo "== round $((r + 1))/$ROUNDS"
    hyperfine "${args[@]}" 2>&1 | grep -E '^(Benchmark|  Time)' || true
done

python3 - "$TMP" "${NAMES[@]}" <<'PY'
import glob, json, statistics, sys
tmp, names = sys.argv[1], sys.argv[2:]
times = {n: [] for n in names}
user = {n: [] for n in names}
for f in sorted(glob.glob(f"{tmp}/round*.json")):
    for r in json.load(open(f))["results"]:
        times[r["command"]] += r["times"]
        user[r["command"]] += r.get("user") and [r["user"]] or []
med = {n: statistics.median(t) * 1000 for n, t in times.items()}
print()
for n in names:
    u = statistics.median(user[n]) * 1000 if user[n] else float("nan")
    print(f"median {n:<36} {med[n]:7.1f} ms  (mean user CPU {u:.1f} ms, {len(times[n])} runs)")
print(f"advisories only:     botlint / cargo-audit = {med[names[0]] / med[names[1]]:.2f}")
print(f"advisories + yanked: botlint / cargo-audit = {med[names[2]] / med[names[3]]:.2f}")
PY

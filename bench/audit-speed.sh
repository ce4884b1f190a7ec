#!/usr/bin/env bash
# Speed of the dependency audit alone: botlint vs `cargo audit --no-fetch`, side by side
# (hyperfine, alternating runs in one invocation), on one lockfile and the same database.
#
# Usage: bench/audit-speed.sh [LOCKFILE]
#        (default: ../shared/bench/lockfiles/nautilus-2026/Cargo.lock, 902 packages)
# Env:   DB=../shared/advisory-db
#        BOTLINT=target/release/botlint (built if missing)
#        CARGO_AUDIT=/work/bench-data/tools/bin/cargo-audit (else `cargo-audit` on PATH)
#        WARMUP=3 RUNS=30
#        EXPORT=FILE.md   also write hyperfine's markdown table there
# Both tools report the same advisories (bench/audit-compare.py checks that) and both write
# JSON; neither touches the network (botlint never does; cargo-audit gets --no-fetch and no
# yanked check is asked of either). The figure that matters is the median.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
cd "$REPO"

LOCK=${1:-../shared/bench/lockfiles/nautilus-2026/Cargo.lock}
DB=${DB:-../shared/advisory-db}
BOTLINT=${BOTLINT:-${CARGO_TARGET_DIR:-target}/release/botlint}
WARMUP=${WARMUP:-3}
RUNS=${RUNS:-30}

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

echo "lockfile: $LOCK ($(grep -c '^\[\[package\]\]' "$LOCK") packages)"
echo "database: $DB ($(find "$DB/crates" -name '*.md' | wc -l) advisory files)"
echo "botlint:  $("$BOTLINT" --version)"
echo "cargo-audit: $("$CARGO_AUDIT" audit --version 2>/dev/null || "$CARGO_AUDIT" --version)"
echo "cores: $(nproc)"

ONLY="--only vulnerable-dependency --only unsound-dependency --only unmaintained-dependency --only dependency-notice"
args=(-N -i --warmup "$WARMUP" --runs "$RUNS" --sort command)
[[ -n ${EXPORT:-} ]] && args+=(--export-markdown "$EXPORT")
JSON=$(mktemp)
trap 'rm -f "$JSON"' EXIT
hyperfine "${args[@]}" --export-json "$JSON" \
    -n botlint "$BOTLINT $ONLY --format json --exit-zero --db $DB $LOCK" \
    -n "cargo audit --no-fetch" "$CARGO_AUDIT audit --no-fetch --json --db $DB -f $LOCK"

python3 - "$JSON" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
for r in res:
    print(f"median {r['command']:<24} {r['median'] * 1000:7.1f} ms  "
          f"(mean {r['mean'] * 1000:.1f} ± {r['stddev'] * 1000:.1f} ms, user {r['user'] * 1000:.1f} ms, "
          f"{len(r['times'])} runs)")
b, c = res[0]["median"], res[1]["median"]
print(f"botlint / cargo-audit (median): {b / c:.2f}")
EOF

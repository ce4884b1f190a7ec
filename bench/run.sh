#!/usr/bin/env bash
# Side-by-side speed benchmark: botlint vs peer secret scanners / SAST tools on
# real trading-bot trees (see bench/README.md, bench/fetch-trees.sh).
#
# Usage: bench/run.sh [tree ...]          (default: every tree present in $TREES_DIR)
# Knobs (env):
#   TREES_DIR=/work/bench-data/trees  RESULTS_DIR=/work/bench-data/results
#   WARMUP=1 RUNS=5                   hyperfine settings for fast tools
#   SLOW_WARMUP=0 SLOW_RUNS=5         ... for the tools in $SLOW_TOOLS
#   SLOW_TOOLS="detect-secrets semgrep semgrep-cov bandit"
#   TOOLS="botlint botlint-secrets ..."   subset/order of tools to run
#   RSS_TOOLS="botlint ... " | all    tools whose peak RSS is measured once per tree
#   DRY_RUN=1                         only print the commands
#   Tool paths: BOTLINT NOSEYPARKER GITLEAKS RIPSECRETS DETECT_SECRETS BANDIT RUFF SEMGREP RG
#   SEMGREP_RULES_MIRROR=/work/.mirror/semgrep+semgrep-rules/repo
#                                     a checkout or bare clone of semgrep/semgrep-rules;
#                                     semgrep-cov runs the files bench/semgrep-cov.txt lists
#   SANDBOX="unshare -n setpriv --reuid=65534 --regid=65534 --clear-groups"
#   SANDBOX_TOOLS="gitleaks"          prefix those tools' commands with $SANDBOX
#                                     (no network, unprivileged; needs root)
# Exit status: 0 unless the arguments are wrong; a tool that fails is reported
# and left out of the table, the others still run.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")

TREES_DIR=${TREES_DIR:-/work/bench-data/trees}
RESULTS_DIR=${RESULTS_DIR:-/work/bench-data/results}
ALL_TREES="python-binance freqtrade hummingbot nautilus_trader Lean"
WARMUP=${WARMUP:-1}
RUNS=${RUNS:-5}
SLOW_WARMUP=${SLOW_WARMUP:-0}
SLOW_RUNS=${SLOW_RUNS:-5}
SLOW_TOOLS=${SLOW_TOOLS:-"detect-secrets semgrep semgrep-cov bandit"}
TOOLS=${TOOLS:-"botlint botlint-secrets noseyparker gitleaks ripsecrets detect-secrets bandit ruff-S ruff-S3 semgrep semgrep-cov rg-floor"}
RSS_TOOLS=${RSS_TOOLS:-"botlint botlint-secrets noseyparker gitleaks ripsecrets ruff-S rg-floor"}
SANDBOX=${SANDBOX:-}
SANDBOX_TOOLS=${SANDBOX_TOOLS:-}
DRY_RUN=${DRY_RUN:-0}
# Scratch dir for report files and the noseyparker datastore. World-writable
# (sticky) so that a tool run under $SANDBOX as nobody can write its report.
SCRATCH=${SCRATCH:-$(mktemp -d /tmp/botlint-bench.XXXXXX)}
mkdir -p "$SCRATCH" && chmod 1777 "$SCRATCH"
trap 'rm -rf "$SCRATCH"' EXIT
NP_DS=${NP_DS:-$SCRATCH/np-ds}                   # noseyparker datastore, wiped before every run
SEMGREP_RULES=${SEMGREP_RULES:-$HERE/semgrep-rules.yml}
SEMGREP_RULES_MIRROR=${SEMGREP_RULES_MIRROR:-/work/.mirror/semgrep+semgrep-rules/repo}
# semgrep-cov's rules: the files bench/semgrep-cov.txt lists, copied out of the
# mirror with their paths (semgrep names a rule after its path; two files in one
# directory with the same rule id would shadow each other). Copied only when
# semgrep-cov is among $TOOLS; missing when the mirror or a file is: the version
# probe then skips the tool.
SEMGREP_COV=$SCRATCH/semgrep-cov
semgrep_cov_rules() {
  local f out
  [ -e "$SEMGREP_RULES_MIRROR" ] || return 1
  while read -r f; do
    case "$f" in ''|'#'*) continue ;; esac
    out="$SEMGREP_COV/$f"
    mkdir -p "$(dirname "$out")"
    if [ -e "$SEMGREP_RULES_MIRROR/$f" ]; then cp "$SEMGREP_RULES_MIRROR/$f" "$out"
    else git --git-dir="$SEMGREP_RULES_MIRROR" show "HEAD:$f" > "$out" 2>/dev/null || return 1
    fi
  done < "$HERE/semgrep-cov.txt"
}

# Where to look for tools not on PATH (the layout used by bench/README.md).
TOOLS_BIN=${TOOLS_BIN:-/work/bench-data/tools/bin}
VENV_BIN=${VENV_BIN:-/work/bench-data/venv/bin}
find_tool() {  # find_tool <name>: $TOOLS_BIN, then $VENV_BIN, then PATH
  local p
  for p in "$TOOLS_BIN/$1" "$VENV_BIN/$1"; do [ -x "$p" ] && { echo "$p"; return; }; done
  p=$(command -v "$1" 2>/dev/null) && { echo "$p"; return; }
  echo "$1"
}
BOTLINT=${BOTLINT:-$REPO/target/release/botlint}
NOSEYPARKER=${NOSEYPARKER:-$(find_tool noseyparker)}
GITLEAKS=${GITLEAKS:-$(find_tool gitleaks)}
RIPSECRETS=${RIPSECRETS:-$(find_tool ripsecrets)}
DETECT_SECRETS=${DETECT_SECRETS:-$(find_tool detect-secrets)}
BANDIT=${BANDIT:-$(find_tool bandit)}
RUFF=${RUFF:-$(find_tool ruff)}
SEMGREP=${SEMGREP:-$(find_tool semgrep)}
RG=${RG:-$(find_tool rg)}

# ---------------------------------------------------------------------------
# The commands. {T} is replaced by the tree's path. Every command must exit 0
# on success *with or without findings* (hyperfine stops on a non-zero exit);
# exit 1 = "found something" is mapped to 0 where a tool has no exit-zero flag.
# stdout is discarded by hyperfine (and by the RSS run).
#
# NEVER point a report/output option at /dev/null: gitleaks checks its
# --report-path by creating and then *deleting* it, so as root it unlinks the
# /dev/null device node (and the next `>/dev/null` anywhere on the machine
# creates a regular file there). Any tool that writes its output atomically
# (temp file + rename) does the same. Reports go to $SCRATCH instead.
# ---------------------------------------------------------------------------
declare -A CMD PREP VERSION
# --no-ignore: the trees are archives without .git, where botlint cannot tell which
# .gitignore'd files were committed anyway; the peers read every file, so botlint does too.
CMD[botlint]="$BOTLINT {T} --no-ignore --format json -o $SCRATCH/botlint.json --exit-zero"
CMD[botlint-secrets]="$BOTLINT {T} --no-ignore --only hardcoded-secret --format json -o $SCRATCH/botlint-secrets.json --exit-zero"
CMD[noseyparker]="$NOSEYPARKER scan --progress never --datastore $NP_DS {T}"
PREP[noseyparker]="rm -rf $NP_DS"
CMD[gitleaks]="$GITLEAKS dir {T} --report-format json --report-path $SCRATCH/gitleaks.json --exit-code 0 --no-banner --log-level error"
# The tools that write their report to a file start each run without one, as the
# tools that print theirs (to hyperfine's /dev/null) do: on a file system mounted
# with `discard` (ext4 on the bench machine), truncating the last run's report
# took 0.27 ms (1.3 % of a 20 ms scan of python-binance).
PREP[botlint]="rm -f $SCRATCH/botlint.json"
PREP[botlint-secrets]="rm -f $SCRATCH/botlint-secrets.json"
PREP[gitleaks]="rm -f $SCRATCH/gitleaks.json"
CMD[ripsecrets]="$RIPSECRETS {T} || [ \$? -eq 1 ]"
# detect-secrets only scans paths below its cwd, and without --all-files only
# git-tracked files (the trees have no .git): both are needed or it scans nothing.
CMD[detect-secrets]="cd {T} && $DETECT_SECRETS scan --all-files ."
CMD[bandit]="$BANDIT -r -q --exit-zero {T}"
CMD[ruff-S]="$RUFF check --isolated --select S --no-cache --exit-zero --quiet {T}"
# Issue 3's yardstick: the three bandit rules for botlint's Python concerns (timeouts, TLS).
CMD[ruff-S3]="$RUFF check --isolated --select S113,S501,S323 --no-cache --exit-zero --quiet {T}"
CMD[semgrep]="$SEMGREP scan --config $SEMGREP_RULES --metrics=off --disable-version-check --quiet --jobs $(nproc) {T}"
# The like-for-like peer of botlint's all rules: semgrep-rules' files for the same
# concerns (75 rules, bench/semgrep-cov.txt).
CMD[semgrep-cov]="$SEMGREP scan --config $SEMGREP_COV --metrics=off --disable-version-check --quiet --jobs $(nproc) {T}"
CMD[rg-floor]="$RG -c zzzz {T} || [ \$? -eq 1 ]"

# Version probes; a tool whose probe fails is skipped.
VERSION[botlint]="$BOTLINT --version"
VERSION[botlint-secrets]="$BOTLINT --version"
VERSION[noseyparker]="$NOSEYPARKER --version"
VERSION[gitleaks]="$GITLEAKS version"
VERSION[ripsecrets]="$RIPSECRETS --version"
VERSION[detect-secrets]="$DETECT_SECRETS --version"
VERSION[bandit]="$BANDIT --version"
VERSION[ruff-S]="$RUFF --version"
VERSION[ruff-S3]="$RUFF --version"
VERSION[semgrep]="$SEMGREP --version --disable-version-check"
VERSION[semgrep-cov]="test -d $SEMGREP_COV && $SEMGREP --version --disable-version-check"
VERSION[rg-floor]="$RG --version"

# A tool that unlinks /dev/null breaks every process on the machine: check
# after each tool, put the device back if we can, and stop the run.
devnull_guard() {
  [ -c /dev/null ] && return 0
  echo "!! /dev/null is no longer a character device (after: $1)." >&2
  if mknod -m 666 /dev/.null.bench c 1 3 && mv -f /dev/.null.bench /dev/null; then
    echo "!! restored /dev/null (c 1 3, 0666)" >&2
  else
    echo "!! restore it as root: mknod -m 666 /dev/.null.new c 1 3 && mv -f /dev/.null.new /dev/null" >&2
  fi
  exit 3
}
devnull_guard "start"
in_list() { local x; for x in $2; do [ "$x" = "$1" ] && return 0; done; return 1; }
with_sandbox() {  # with_sandbox <tool> <command>: prefix the command with $SANDBOX (first simple command only)
  if [ -n "$SANDBOX" ] && in_list "$1" "$SANDBOX_TOOLS"; then echo "$SANDBOX $2"; else echo "$2"; fi
}

command -v hyperfine >/dev/null || { echo "hyperfine not found (apt-get install hyperfine)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found (needed for the summary table)" >&2; exit 2; }
TIME_BIN=/usr/bin/time
[ -x "$TIME_BIN" ] || { echo "note: $TIME_BIN missing (apt-get install time): no peak-RSS column" >&2; TIME_BIN=; }

# Trees
if [ "$#" -gt 0 ]; then want_trees="$*"; else want_trees=$ALL_TREES; fi
trees=()
for t in $want_trees; do
  if [ -d "$TREES_DIR/$t" ]; then trees+=("$t"); else echo "skip tree $t: $TREES_DIR/$t missing (run bench/fetch-trees.sh)" >&2; fi
done
[ "${#trees[@]}" -gt 0 ] || { echo "no trees to benchmark" >&2; exit 0; }

# Tools
if in_list semgrep-cov "$TOOLS" && ! semgrep_cov_rules; then
  echo "note: no semgrep-rules mirror at $SEMGREP_RULES_MIRROR (or a file of bench/semgrep-cov.txt is missing): semgrep-cov skipped" >&2
  rm -rf "$SEMGREP_COV"
fi
mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
versions_file="$RESULTS_DIR/versions-$stamp.txt"
tools=()
for tool in $TOOLS; do
  [ -n "${CMD[$tool]:-}" ] || { echo "unknown tool '$tool' (edit CMD[] in $0)" >&2; exit 2; }
  v=$(eval "$(with_sandbox "$tool" "${VERSION[$tool]}")" 2>/dev/null </dev/null | head -n1)
  if [ -z "$v" ]; then
    echo "skip $tool: not installed or not working (${VERSION[$tool]} printed nothing)" >&2
    continue
  fi
  tools+=("$tool")
  printf '%-16s %s\n' "$tool" "$v" | tee -a "$versions_file"
done
[ "${#tools[@]}" -gt 0 ] || { echo "no tools to run" >&2; exit 0; }

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/{printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo), load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $machine" | tee -a "$versions_file"

for tree in "${trees[@]}"; do
  T="$TREES_DIR/$tree"
  echo
  echo "=== $tree ($T: $(find "$T" -type f | wc -l) files, $(du -sh "$T" | cut -f1)) ==="
  rss_file="$RESULTS_DIR/$tree-rss-$stamp.tsv"
  for tool in "${tools[@]}"; do
    cmd=$(with_sandbox "$tool" "${CMD[$tool]//\{T\}/$T}")
    prep=${PREP[$tool]:-}
    if in_list "$tool" "$SLOW_TOOLS"; then w=$SLOW_WARMUP; r=$SLOW_RUNS; else w=$WARMUP; r=$RUNS; fi
    json="$RESULTS_DIR/$tree--$tool-$stamp.json"
    if [ "$DRY_RUN" = 1 ]; then
      echo "[$tool] ${prep:+prepare: $prep ; }$cmd"; continue
    fi
    # Peak RSS (and a sanity run whose exit status and stderr we keep).
    if [ -n "$TIME_BIN" ] && { [ "$RSS_TOOLS" = all ] || in_list "$tool" "$RSS_TOOLS"; }; then
      [ -n "$prep" ] && sh -c "$prep"
      err="$RESULTS_DIR/$tree--$tool-$stamp.stderr"
      "$TIME_BIN" -f 'RSS_KB=%M WALL=%e RC=%x' -o "$err.time" sh -c "$cmd" >/dev/null 2>"$err"
      rss=$(sed -n 's/.*RSS_KB=\([0-9]*\).*/\1/p' "$err.time" | tail -n1)
      rc=$(sed -n 's/.*RC=\([0-9]*\).*/\1/p' "$err.time" | tail -n1)
      printf '%s\t%s\t%s\n' "$tool" "${rss:-}" "${rc:-}" >> "$rss_file"
      if [ "${rc:-1}" != 0 ]; then
        echo "!! $tool failed on $tree (exit ${rc:-?}); stderr: $err" >&2; tail -n 5 "$err" >&2
        devnull_guard "$tool on $tree"; continue
      fi
    fi
    args=(--warmup "$w" --runs "$r" --style basic --export-json "$json" -n "$tool")
    [ -n "$prep" ] && args+=(--prepare "$prep")
    if ! hyperfine "${args[@]}" "$cmd"; then
      echo "!! $tool failed on $tree; rerun by hand: $cmd" >&2; rm -f "$json"
    fi
    devnull_guard "$tool on $tree"
  done
  [ -n "${PREP[noseyparker]:-}" ] && sh -c "${PREP[noseyparker]}"
done
[ "$DRY_RUN" = 1 ] && exit 0

# Summary table (markdown) from this run's JSON exports.
summary="$RESULTS_DIR/summary-$stamp.md"
python3 "$HERE/summarize.py" "$RESULTS_DIR" "$stamp" > "$summary"
echo
cat "$summary"
echo "(JSON: $RESULTS_DIR/*-$stamp.json; table: $summary; redo it: bench/summarize.py $RESULTS_DIR $stamp)"

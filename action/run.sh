#!/usr/bin/env bash
# action.yml step "Run botlint". Inputs (env): INPUT_PATHS, INPUT_FORMAT, INPUT_FAIL_ON,
# INPUT_CONFIG, INPUT_BASELINE, SARIF_FILE. Records the exit code for the last step, so
# that the SARIF upload runs first.
set -euo pipefail
fail() {
  echo "::error title=botlint::$1"
  exit 2
}
case "${INPUT_FORMAT}" in
  github | text | json | sarif) ;;
  *) fail "input 'format' must be github, text, json or sarif (got '${INPUT_FORMAT}')" ;;
esac
args=(--format "${INPUT_FORMAT}" --sarif-file "${SARIF_FILE}")
case "${INPUT_FAIL_ON}" in
  error | warning | note) args+=(--fail-on "${INPUT_FAIL_ON}") ;;
  never) args+=(--exit-zero) ;;
  *) fail "input 'fail-on' must be error, warning, note or never (got '${INPUT_FAIL_ON}')" ;;
esac
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then args+=(--summary "${GITHUB_STEP_SUMMARY}"); fi
if [ -n "${INPUT_CONFIG}" ]; then args+=(--config "${INPUT_CONFIG}"); fi
if [ -n "${INPUT_BASELINE}" ]; then args+=(--baseline "${INPUT_BASELINE}"); fi
# Paths: split on white space, no glob expansion; `--` so none is read as an option.
set -f
# shellcheck disable=SC2206
paths=(${INPUT_PATHS})
set +f
if [ ${#paths[@]} -eq 0 ]; then paths=(.); fi
cd "${GITHUB_WORKSPACE:-.}"
rm -f "${SARIF_FILE}"
set +e
botlint "${args[@]}" -- "${paths[@]}"
code=$?
set -e
findings=0
if [ -s "${SARIF_FILE}" ]; then
  # One "ruleId" per result in botlint's pretty-printed SARIF (rule descriptors have none).
  findings=$(grep -c '"ruleId":' "${SARIF_FILE}" || true)
  echo "sarif-file=${SARIF_FILE}" >> "${GITHUB_OUTPUT}"
fi
echo "findings=${findings}" >> "${GITHUB_OUTPUT}"
echo "exit-code=${code}" >> "${GITHUB_OUTPUT}"

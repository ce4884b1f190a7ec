# Sourced by the action's steps (keys.sh, install.sh): the `version` input's check, the
# runner's release target, and the repository the action itself comes from.
# shellcheck shell=bash

# Semantic version without build metadata: 0.1.0, 1.2.3-rc.1. Anything else (a leading `v`,
# `latest`, a range, white space, quotes) is refused before it reaches a URL or a cache key.
valid_version() {
  [ "${#1}" -le 64 ] \
    && [[ "$1" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?$ ]]
}

check_version() {
  if [ -n "${VERSION}" ] && ! valid_version "${VERSION}"; then
    echo "::error title=botlint::input 'version' must be a version number such as 0.1.0 or 1.2.0-rc.1, or empty (got '${VERSION}')"
    exit 2
  fi
}

# The Rust target whose archive .github/workflows/release.yml publishes for this runner.
release_target() {
  case "${RUNNER_OS:-}-${RUNNER_ARCH:-}" in
    Linux-X64) echo x86_64-unknown-linux-gnu ;;
    Linux-ARM64) echo aarch64-unknown-linux-gnu ;;
    macOS-X64) echo x86_64-apple-darwin ;;
    macOS-ARM64) echo aarch64-apple-darwin ;;
    Windows-X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

# owner/name of the repository this action was checked out from: `github.action_repository`
# (ACTION_REPOSITORY), which the runner leaves empty inside composite actions in some
# versions, else the runner's layout of ACTION_PATH, `…/_actions/<owner>/<name>/<ref>`.
# Nothing (and status 1) when neither says: a local `uses: ./…` action has no release.
action_repository() {
  local repo="${ACTION_REPOSITORY:-}" path rest
  if [ -z "${repo}" ]; then
    path="${ACTION_PATH//\\//}"
    case "${path}" in
      */_actions/*/*/*) ;;
      *) return 1 ;;
    esac
    rest="${path##*/_actions/}"
    repo="${rest%%/*}"
    rest="${rest#*/}"
    repo="${repo}/${rest%%/*}"
  fi
  [[ "${repo}" =~ ^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_][A-Za-z0-9._-]*$ ]] || return 1
  echo "${repo}"
}

# How to hash: sha256sum, or shasum on macOS runners.
if [ -n "$(command -v sha256sum || true)" ]; then
  SHA256=(sha256sum)
else
  # shellcheck disable=SC2034 # used by the scripts that source this file
  SHA256=(shasum -a 256)
fi

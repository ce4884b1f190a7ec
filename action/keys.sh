#!/usr/bin/env bash
# action.yml step "Cache keys": where the action keeps botlint and the advisory
# database, and the cache keys for both. Inputs (env): ACTION_PATH, ACTION_REPOSITORY, VERSION.
set -euo pipefail
# shellcheck source=action/common.sh
. "${ACTION_PATH}/action/common.sh"
check_version
root="${HOME}/.cache/botlint-action"
os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
# The action's own source decides the build (and install.sh's logic): hash what
# `cargo install --path` reads, and the action's scripts.
src_hash=$(cd "${ACTION_PATH}" && find Cargo.toml Cargo.lock src rules action -type f -print0 \
  | LC_ALL=C sort -z | xargs -0 "${SHA256[@]}" | "${SHA256[@]}" | cut -c1-24)
bin_key="botlint-bin-${os}-${arch}-src-${src_hash}"
if [ -n "${VERSION}" ]; then
  # A release binary: which one depends on the version and on the repository it comes from.
  repo=$(action_repository || echo local)
  bin_key="${bin_key}-v${VERSION}-${repo/\//-}"
fi
{
  echo "bin-root=${root}/bin-root"
  echo "bin-key=${bin_key}"
  echo "db-path=${root}/advisory-db"
  # A new database key a day; any older one is restored, then fast-forwarded.
  echo "db-key=botlint-advisory-db-$(date -u +%Y-%m-%d)"
  echo "db-restore-key=botlint-advisory-db-"
} >> "${GITHUB_OUTPUT}"

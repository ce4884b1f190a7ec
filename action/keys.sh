#!/usr/bin/env bash
# action.yml step "Cache keys": where the action keeps botlint and the advisory
# database, and the cache keys for both. Inputs (env): ACTION_PATH, VERSION.
set -euo pipefail
root="${HOME}/.cache/botlint-action"
os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
if [ -n "${VERSION}" ]; then
  bin_key="botlint-bin-${os}-${arch}-v${VERSION}"
else
  # The action's own source decides the build: hash what `cargo install --path` reads.
  if command -v sha256sum >/dev/null; then sha=(sha256sum); else sha=(shasum -a 256); fi
  src_hash=$(cd "${ACTION_PATH}" && find Cargo.toml Cargo.lock src rules -type f -print0 \
    | LC_ALL=C sort -z | xargs -0 "${sha[@]}" | "${sha[@]}" | cut -c1-24)
  bin_key="botlint-bin-${os}-${arch}-src-${src_hash}"
fi
{
  echo "bin-root=${root}/bin-root"
  echo "bin-key=${bin_key}"
  echo "db-path=${root}/advisory-db"
  # A new database key a day; any older one is restored, then fast-forwarded.
  echo "db-key=botlint-advisory-db-$(date -u +%Y-%m-%d)"
  echo "db-restore-key=botlint-advisory-db-"
} >> "${GITHUB_OUTPUT}"

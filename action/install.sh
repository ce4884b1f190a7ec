#!/usr/bin/env bash
# action.yml step "Install botlint". Inputs (env): ACTION_PATH, ACTION_REPOSITORY, VERSION,
# BIN_ROOT. A cached binary wins. Else, with VERSION, the archive for this runner from the GitHub
# Release v$VERSION of the action's OWN repository (.github/workflows/release.yml builds them),
# checked against the .sha256 file published beside it; a checksum that does not match is an
# error. Without VERSION, or when that release has no archive for this runner, the action's own
# checkout is built with `cargo install --locked --path`. Nothing is installed by package name
# from a registry (PyPI and crates.io names are not ours to vouch for).
set -euo pipefail
# shellcheck source=action/common.sh
. "${ACTION_PATH}/action/common.sh"
check_version
exe=""
if [ "${RUNNER_OS:-}" = Windows ]; then exe=".exe"; fi
bin="${BIN_ROOT}/bin"

fail() {
  echo "::error title=botlint::$1"
  exit 2
}

download() { # URL FILE: HTTPS only, failing on HTTP errors
  curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 --retry 3 \
    --output "$2" "$1"
}

# Installs the release archive into $bin and sets `installed`; leaves both alone when the
# release has no archive for this runner.
from_release() {
  local repo target name archive url tmp want got
  if ! repo=$(action_repository); then
    echo "the action's repository is unknown (a local action?): no release to download"
    return 0
  fi
  if ! target=$(release_target); then
    echo "no release archive is built for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"
    return 0
  fi
  name="botlint-v${VERSION}-${target}"
  archive="${name}.tar.gz"
  if [ "${target}" = x86_64-pc-windows-msvc ]; then archive="${name}.zip"; fi
  url="https://github.com/${repo}/releases/download/v${VERSION}/${archive}"
  tmp=$(mktemp -d)
  echo "downloading ${url}"
  if ! download "${url}" "${tmp}/${archive}" || ! download "${url}.sha256" "${tmp}/${archive}.sha256"; then
    rm -rf "${tmp}"
    echo "no ${archive} (or its .sha256) in ${repo}'s release v${VERSION}"
    return 0
  fi
  want=$(head -c 64 "${tmp}/${archive}.sha256")
  got=$("${SHA256[@]}" < "${tmp}/${archive}")
  got="${got%% *}"
  if ! [[ "${want}" =~ ^[0-9a-f]{64}$ ]]; then
    fail "${archive}.sha256 from ${repo}'s release v${VERSION} holds no SHA-256"
  fi
  if [ "${got}" != "${want}" ]; then
    fail "checksum mismatch for ${url}: expected ${want}, got ${got}; not installed"
  fi
  echo "checksum ok: ${got}"
  if [ "${archive}" = "${name}.zip" ] && [ -n "$(command -v unzip || true)" ]; then
    unzip -q "${tmp}/${archive}" "${name}/botlint${exe}" -d "${tmp}"
  elif [ "${archive}" = "${name}.zip" ]; then
    7z x -y -bd "-o${tmp}" "${tmp}/${archive}" "${name}/botlint${exe}"
  else
    tar -xzf "${tmp}/${archive}" -C "${tmp}" "${name}/botlint${exe}"
  fi
  mkdir -p "${bin}"
  cp "${tmp}/${name}/botlint${exe}" "${bin}/botlint${exe}"
  chmod +x "${bin}/botlint${exe}"
  rm -rf "${tmp}"
  if [ "$("${bin}/botlint${exe}" --version)" != "botlint ${VERSION}" ]; then
    rm -f "${bin}/botlint${exe}"
    fail "the binary in ${archive} is not botlint ${VERSION}"
  fi
  installed="botlint ${VERSION}: the prebuilt binary from ${repo}'s release"
}

installed=""
if [ -x "${bin}/botlint${exe}" ]; then
  installed="botlint from the cache"
elif [ -n "${VERSION}" ]; then
  from_release
fi
if [ -n "${installed}" ]; then
  echo "${installed}"
else
  if [ -n "${VERSION}" ]; then
    built=$(sed -n 's/^version = "\(.*\)"$/\1/p' "${ACTION_PATH}/Cargo.toml" | head -n 1)
    echo "::notice title=botlint::no prebuilt botlint ${VERSION} for this runner: building the action's own checkout (botlint ${built})"
    if [ "${built}" != "${VERSION}" ]; then
      echo "::warning title=botlint::input 'version' is ${VERSION} but the action's checkout is botlint ${built}; pin the action to the v${VERSION} tag's commit"
    fi
  fi
  cargo install --locked --root "${BIN_ROOT}" --path "${ACTION_PATH}"
fi
echo "${bin}" >> "${GITHUB_PATH}"
"${bin}/botlint${exe}" --version

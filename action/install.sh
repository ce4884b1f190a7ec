#!/usr/bin/env bash
# action.yml step "Install botlint". Inputs (env): ACTION_PATH, VERSION, BIN_ROOT.
# A cached binary wins; else VERSION set: the prebuilt wheel from PyPI, falling back to
# `cargo install --locked botlint --version`; else build the action's own checkout.
set -euo pipefail
bin="${BIN_ROOT}/bin"
if [ -x "${bin}/botlint" ]; then
  echo "botlint from the cache"
elif [ -n "${VERSION}" ]; then
  if ! [[ "${VERSION}" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.+-][0-9A-Za-z.-]+)?$ ]]; then
    echo "::error title=botlint::input 'version' must be a version number such as 0.1.0 (got '${VERSION}')"
    exit 2
  fi
  venv="${BIN_ROOT}/venv"
  if python3 -m venv "${venv}" \
    && "${venv}/bin/pip" install --quiet --only-binary=:all: "botlint==${VERSION}" \
    && "${venv}/bin/botlint" --version | grep -qxF "botlint ${VERSION}"; then
    mkdir -p "${bin}"
    cp "${venv}/bin/botlint" "${bin}/botlint"
  else
    echo "no prebuilt botlint ${VERSION} for this platform: building it with cargo"
    cargo install --locked --root "${BIN_ROOT}" botlint --version "${VERSION}"
  fi
  rm -rf "${venv}"
else
  cargo install --locked --root "${BIN_ROOT}" --path "${ACTION_PATH}"
fi
echo "${bin}" >> "${GITHUB_PATH}"
"${bin}/botlint" --version

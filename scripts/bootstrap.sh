#!/usr/bin/env bash
# Installs pnpm (pinned) when missing and the workspace dependencies. Needs Node >= 20 and npm.
# On Debian, also installs Chromium for the web console's browser tests when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ "$(pnpm --version 2>/dev/null || true)" != "12.21.0" ]; then
  npm install -g pnpm@12.21.0 --allow-scripts=pnpm >/dev/null 2>&1 || npm install -g pnpm@12.21.0
fi
pnpm install --frozen-lockfile=false

# The console's browser tests drive Debian's Chromium (playwright-core cannot download a
# browser here). Installed with apt-get, as root or through passwordless sudo; without either
# the tests say what to do (and fail under CI=true rather than skip).
if [ -z "${HCDL_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    as_root=(none)
  fi
  if [ "${as_root[0]:-}" = "none" ]; then
    echo "bootstrap: chromium is missing and neither root nor passwordless sudo is available: install it with apt-get install -y chromium for the console tests" >&2
  else
    echo "bootstrap: installing chromium (console browser tests)" >&2
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

#!/usr/bin/env bash
# Installs pnpm (pinned) when missing and the workspace dependencies. Needs Node >= 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ "$(pnpm --version 2>/dev/null || true)" != "12.21.0" ]; then
  npm install -g pnpm@12.21.0 --allow-scripts=pnpm >/dev/null 2>&1 || npm install -g pnpm@12.21.0
fi
pnpm install --frozen-lockfile=false

#!/usr/bin/env bash
# Installs a folder's front-end packages from its lock file (npm ci), installing Debian's Node.js and npm
# first if the machine has none. The build of Workflows.Server runs it for the dashboard's packages.
#   scripts/npm-ci.sh DIR
set -euo pipefail
dir=${1:?usage: npm-ci.sh DIR}
if ! command -v npm >/dev/null 2>&1; then
  bash "$(dirname "$0")/apt-install.sh" "the dashboard's packages (Mermaid), installed when Workflows.Server builds" nodejs npm
fi
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error

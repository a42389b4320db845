#!/usr/bin/env bash
# Installs a folder's front-end packages from its lock file (npm ci), installing Debian's Node.js and npm
# first if the machine has none. The build of Workflows.Server runs it for the dashboard's packages.
#   scripts/npm-ci.sh DIR
# Two builds may run it at once (the test run builds Debug while the package tests pack Release): they take
# turns on a lock on DIR, and the second finds the packages installed and leaves them alone — npm ci would
# delete node_modules under the first build's compiler.
set -euo pipefail
dir=${1:?usage: npm-ci.sh DIR}
scripts=$(cd "$(dirname "$0")" && pwd)
cd "$dir"
exec 9<.
flock 9
if [[ node_modules/.package-lock.json -nt package-lock.json && node_modules/.package-lock.json -nt package.json ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  bash "$scripts/apt-install.sh" "the dashboard's packages (Mermaid), installed when Workflows.Server builds" nodejs npm
fi
npm ci --no-audit --no-fund --loglevel=error

#!/usr/bin/env bash
# Installs a folder's front-end packages from its lock file (npm ci), installing Debian's Node.js and npm
# first if the machine has none. The build of Workflows.Server runs it for the dashboard's packages.
#   scripts/npm-ci.sh DIR
set -euo pipefail
dir=${1:?usage: npm-ci.sh DIR}
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed; installing Debian's nodejs and npm packages..." >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
  else
    echo "Building Workflows.Server needs Node.js and npm for the dashboard's packages (Mermaid); run 'apt-get install nodejs npm' as root." >&2
    exit 1
  fi
fi
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error

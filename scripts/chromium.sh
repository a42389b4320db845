#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser tests (Playwright drives it; no browser download).
#   scripts/chromium.sh   installs the chromium package if it is missing and prints the browser's path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "Chromium is not installed; installing Debian's chromium package..." >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "Chromium is not installed and this user cannot install it: run 'apt-get install chromium' as root." >&2
    exit 1
  fi
fi
command -v chromium

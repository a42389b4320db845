#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser tests (Playwright drives it; no browser download).
#   scripts/chromium.sh   installs the chromium package if it is missing and prints the browser's path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  bash "$(dirname "$0")/apt-install.sh" "the dashboard's browser tests" chromium
fi
command -v chromium

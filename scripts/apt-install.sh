#!/usr/bin/env bash
# Installs Debian packages for the build and the tests, as root or through passwordless sudo.
#   scripts/apt-install.sh WHY PACKAGE...   WHY says what needs them, for the message when this user cannot install.
# Test projects run in parallel and may each need a package at once (PostgreSQL, Chromium): installs
# take turns under one lock file, and apt itself waits for a dpkg lock held by anything else.
set -euo pipefail
why=${1:?usage: apt-install.sh WHY PACKAGE...}
shift
[ $# -gt 0 ] || { echo "usage: apt-install.sh WHY PACKAGE..." >&2; exit 2; }

if [ "$(id -u)" = 0 ]; then
  run=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "$why needs the Debian package(s) $*, and this user cannot install them: run 'apt-get install $*' as root." >&2
  exit 1
fi

echo "Installing Debian's $* (for $why)..." >&2
wait_for_dpkg=(-o DPkg::Lock::Timeout=600)
(
  flock -w 900 9 || { echo "Waited 15 minutes for another package installation to finish." >&2; exit 1; }
  "${run[@]}" apt-get "${wait_for_dpkg[@]}" update -qq >&2
  "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${wait_for_dpkg[@]}" install -y -qq "$@" >&2
) 9>"${TMPDIR:-/tmp}/workflows-apt-install.lock"

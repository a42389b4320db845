#!/usr/bin/env bash
# Makes sure Native AOT can link here: it needs clang (or gcc) and zlib's development files.
# Installs Debian's clang and zlib1g-dev when they are missing, as scripts/postgres.sh does for PostgreSQL.
# Prints nothing on success; exits non-zero with what is missing otherwise.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v clang >/dev/null || missing+=(clang)
[ -e /usr/lib/x86_64-linux-gnu/libz.so ] || [ -e /usr/lib/aarch64-linux-gnu/libz.so ] || [ -e /usr/lib/libz.so ] || missing+=(zlib1g-dev)
if [ ${#missing[@]} -gt 0 ]; then
  bash "$here/apt-install.sh" "Native AOT publishing" "${missing[@]}"
fi
command -v clang >/dev/null || { echo "Native AOT needs clang on PATH; installing Debian's clang did not provide it." >&2; exit 1; }

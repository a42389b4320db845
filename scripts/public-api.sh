#!/usr/bin/env bash
# Records every change of public surface in the packages' PublicAPI.Unshipped.txt, as the public-API
# analyzer's own fixes would in the IDE: a new symbol is added (RS0016), a symbol that is gone is
# marked *REMOVED* (RS0017). Review the diff before committing; move Unshipped to Shipped at a release.
# A package's complaints show once the packages it builds on compile, hence a few rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
for round in 1 2 3 4 5; do
  changes=$(dotnet build Workflows.Generators.sln 2>&1 \
    | grep -oE "[^ ]*/[A-Za-z0-9.]+\([0-9]+,[0-9]+\): error RS001[67]: Symbol '.*' is (not part|part) of the declared (public )?API" \
    | sed -E "s#^(.*/src/[^/]+)/.*: error (RS001[67]): Symbol '(.*)' is (not part|part) of the declared (public )?API\$#\1\t\2\t\3#" \
    | sort -u || true)
  [ -z "$changes" ] && break
  while IFS=$'\t' read -r directory rule symbol; do
    file="$directory/PublicAPI.Unshipped.txt"
    line=$([ "$rule" = RS0017 ] && echo "*REMOVED*$symbol" || echo "$symbol")
    grep -qxF -- "$line" "$file" || echo "$line" >> "$file"
  done <<< "$changes"
done
for file in src/*/PublicAPI.Unshipped.txt; do
  { head -n 1 "$file"; tail -n +2 "$file" | LC_ALL=C sort -u; } > "$file.sorted" && mv "$file.sorted" "$file"
done

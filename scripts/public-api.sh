#!/usr/bin/env bash
# Records every change of public surface in the packages' PublicAPI.Unshipped.txt, as the public-API
# analyzer's own fixes would in the IDE: a new symbol is added (RS0016), a symbol that is gone is
# marked *REMOVED* (RS0017). Review the diff before committing; move Unshipped to Shipped at a release.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dotnet format analyzers "$project" --diagnostics RS0016 --severity info -v q
done

# RS0017 has no fixer that dotnet format runs: read the build's complaints and mark each symbol removed.
# A package's complaints show once the packages it builds on compile, hence a few rounds.
for round in 1 2 3 4; do
dotnet build Workflows.Generators.sln 2>&1 \
  | grep -oE '[^ ]*PublicAPI\.(Shipped|Unshipped)\.txt\([0-9]+,[0-9]+\): error RS0017: Symbol .* is part of the declared API' \
  | sed -E "s/^(.*)\/PublicAPI\.[A-Za-z]+\.txt\([0-9]+,[0-9]+\): error RS0017: Symbol '(.*)' is part of the declared API$/\1\t\2/" \
  | sort -u \
  | while IFS=$'\t' read -r directory symbol; do
      grep -qxF "*REMOVED*$symbol" "$directory/PublicAPI.Unshipped.txt" || echo "*REMOVED*$symbol" >> "$directory/PublicAPI.Unshipped.txt"
    done
done

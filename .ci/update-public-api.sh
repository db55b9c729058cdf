#!/usr/bin/env bash
# Brings PublicAPI.*.txt of every shipped package (src/LstmSharp, src/LstmSharp.Onnx) up to date with the code, from the
# public API analyzer's own findings in a full build with TrackPublicApi=true:
#   RS0016 (public in the code, not declared)       -> the entry is added to PublicAPI.Unshipped.txt
#   RS0017 (declared, no longer public or gone)      -> an Unshipped entry is deleted; a Shipped one is marked
#                                                       *REMOVED* in PublicAPI.Unshipped.txt
# PublicAPI.Shipped.txt is the API as released (1.x) and is never rewritten here, so a removal of shipped API stays
# visible as a *REMOVED* line until the next release records it.
#
#   .ci/update-public-api.sh                 both packages
#   .ci/update-public-api.sh src/LstmSharp   one package (its folder)
#
# Then: .ci/count-public-api.sh (the counts), dotnet build LstmSharp.sln -c Release -p:TrackPublicApi=true (the check).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${1:-}" = "--reset" ]; then
  echo "--reset is gone: PublicAPI.Shipped.txt is the released API and changes only at a release" >&2
  exit 2
fi
projects=("$@")
[ "${#projects[@]}" -gt 0 ] || projects=(src/LstmSharp src/LstmSharp.Onnx)

log=$(mktemp) work=$(mktemp)
trap 'rm -f "$log" "$work"' EXIT
# --no-incremental: an up-to-date build skips the compiler, and with it the analyzer, whatever TrackPublicApi says.
build() { dotnet build "$1" -c Release -p:TrackPublicApi=true --no-incremental -nologo -clp:NoSummary > "$log" 2>&1; }
# The quoted symbols of one diagnostic, exactly as the PublicAPI files spell them, one per line.
symbols() { grep -E "(error|warning) $1: Symbol '" "$log" | sed -E "s/.* $1: Symbol '(.*)' is (not )?part of the declared .*/\1/" | LC_ALL=C sort -u || true; }

status=0
for folder in "${projects[@]}"; do
  folder=${folder%/}
  project=$(ls "$folder"/*.csproj)
  shipped=$folder/PublicAPI.Shipped.txt unshipped=$folder/PublicAPI.Unshipped.txt
  if ! build "$project"; then
    added=$(symbols RS0016) gone=$(symbols RS0017)
    {
      grep -vxF -f <(printf '%s\n' "$gone") "$unshipped" | grep -v '^#' || true
      [ -z "$added" ] || printf '%s\n' "$added"
      # gone from the code but released: record the removal
      [ -z "$gone" ] || grep -xF -f <(printf '%s\n' "$gone") "$shipped" | sed 's/^/*REMOVED*/' || true
    } | grep -v '^$' | LC_ALL=C sort -u > "$work"
    { printf '#nullable enable\n'; cat "$work"; } > "$unshipped"
    if ! build "$project"; then
      grep -oE '(error|warning) [A-Z]+[0-9]+: .*' "$log" | sed 's/ \[.*//' | sort -u >&2
      echo "$folder: PublicAPI files updated, but the build still reports the diagnostics above" >&2
      status=1
      continue
    fi
  fi
  echo "$folder: PublicAPI files match the code: $(grep -vc '^#' "$shipped") shipped," \
    "$(grep -vc '^#' "$unshipped") unshipped lines ($(grep -c '^\*REMOVED\*' "$unshipped" || true) of them *REMOVED*)"
done
exit "$status"

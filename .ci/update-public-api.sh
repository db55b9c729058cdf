#!/usr/bin/env bash
# Regenerates PublicAPI.*.txt of every shipped package (src/LstmSharp, src/LstmSharp.Onnx) from the code, with the
# analyzer's own code fix (RS0016, through dotnet format): new public API is declared in PublicAPI.Unshipped.txt, and
# API that is gone is listed (RS0017) so its line can be removed or, for shipped API, marked *REMOVED* in Unshipped.
#
#   .ci/update-public-api.sh                 both packages
#   .ci/update-public-api.sh src/LstmSharp   one package (its folder)
#
# PublicAPI.Shipped.txt is the API as released (1.x) and is never rewritten here: a removal of shipped API shows as a
# *REMOVED* line in PublicAPI.Unshipped.txt, so the break stays visible until the next release records it.
# Then check: dotnet build LstmSharp.sln -c Release -p:TrackPublicApi=true;  count: .ci/count-public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${1:-}" = "--reset" ]; then
  echo "--reset is gone: PublicAPI.Shipped.txt is the released API and changes only at a release" >&2
  exit 2
fi
projects=("$@")
[ "${#projects[@]}" -gt 0 ] || projects=(src/LstmSharp src/LstmSharp.Onnx)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for folder in "${projects[@]}"; do
  folder=${folder%/}
  project=$(ls "$folder"/*.csproj)
  # MSBuild reads environment variables as properties: this turns the analyzer's diagnostics on for dotnet format.
  TrackPublicApi=true dotnet format analyzers "$project" --diagnostics RS0016 --severity warn
  # Whatever is still wrong (API removed or changed: RS0017 names the line) fails this build and is listed.
  if ! dotnet build "$project" -c Release -p:TrackPublicApi=true -nologo -clp:NoSummary > "$log" 2>&1; then
    grep -oE '(error|warning) RS[0-9]+: .*' "$log" | sort -u >&2
    echo "$folder: PublicAPI files updated, but the build still reports the diagnostics above" >&2
    status=1
    continue
  fi
  echo "$folder: PublicAPI files match the code: $(grep -vc '^#' "$folder/PublicAPI.Shipped.txt") shipped," \
    "$(grep -vc '^#' "$folder/PublicAPI.Unshipped.txt") unshipped lines"
done
exit "$status"

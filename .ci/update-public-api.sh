#!/usr/bin/env bash
# Regenerates src/LstmSharp/PublicAPI.*.txt from the code with the analyzer's own code fix (RS0016, through dotnet format).
#
#   .ci/update-public-api.sh          declare new public API in PublicAPI.Unshipped.txt, list API that is gone (RS0017)
#   .ci/update-public-api.sh --reset  record the whole current public API as shipped (before the first release, or at one)
#
# Then check: dotnet build src/LstmSharp -c Release -p:TrackPublicApi=true
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
project=src/LstmSharp/LstmSharp.csproj
shipped=src/LstmSharp/PublicAPI.Shipped.txt
unshipped=src/LstmSharp/PublicAPI.Unshipped.txt

if [ "${1:-}" = "--reset" ]; then
  printf '#nullable enable\n' > "$shipped"
  printf '#nullable enable\n' > "$unshipped"
fi

# MSBuild reads environment variables as properties: this turns the analyzer's diagnostics on for dotnet format.
TrackPublicApi=true dotnet format analyzers "$project" --diagnostics RS0016 --severity warn

if [ "${1:-}" = "--reset" ]; then
  { printf '#nullable enable\n'; grep -v '^#nullable enable$' "$unshipped" | LC_ALL=C sort -u; } > "$shipped"
  printf '#nullable enable\n' > "$unshipped"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Whatever is still wrong (API removed or changed: RS0017 names the line to delete) fails this build and is listed.
if ! dotnet build "$project" -c Release -p:TrackPublicApi=true -nologo -clp:NoSummary > "$log" 2>&1; then
  grep -oE '(error|warning) RS[0-9]+: .*' "$log" | sort -u >&2
  echo "PublicAPI files updated, but the build still reports the diagnostics above" >&2
  exit 1
fi
echo "PublicAPI files match the code: $(grep -vc '^#' "$shipped") shipped, $(grep -vc '^#' "$unshipped") unshipped"

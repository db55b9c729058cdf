#!/usr/bin/env bash
# Packs LstmSharp into artifacts/packages (a local folder feed) and builds and runs tests/consumer, a separate app that
# references LstmSharp as a package from that folder: it trains a few steps, samples, reloads and exports to ONNX.
# Last line: "consumer: passed" or "consumer: failed (...)"; the exit code says the same.
#
#   .ci/package-consumer.sh              pack (building LstmSharp as needed), then run the consumer
#   .ci/package-consumer.sh --no-build   pack what the Release build already produced (after `dotnet build -c Release`)
#   .ci/package-consumer.sh --aot        also publish the consumer with Native AOT and run that (needs clang and lld)
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

no_build="" aot=0
for argument in "$@"; do
  case "$argument" in
    --no-build) no_build="--no-build" ;;
    --aot) aot=1 ;;
    *) echo "unknown option: $argument" >&2; exit 2 ;;
  esac
done

fail() { echo "consumer: failed ($1)"; exit 1; }

# A version of its own for every run, so restore can never take a stale LstmSharp from the NuGet cache: the project's
# own version (VersionPrefix, 2.0.0) with a prerelease tag, so the consumer sees the packages as the next release.
prefix=$(dotnet msbuild src/LstmSharp/LstmSharp.csproj -getProperty:VersionPrefix 2>/dev/null) || prefix=""
[ -n "$prefix" ] || fail "could not read VersionPrefix from src/LstmSharp/LstmSharp.csproj"
version="$prefix-consumer.$(date +%s).$$"
feed=artifacts/packages
mkdir -p "$feed"
cache=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')
cleanup() {
  rm -f "$feed"/LstmSharp*."$version".nupkg "$feed"/LstmSharp*."$version".snupkg
  [ -n "$cache" ] && rm -rf "$cache/lstmsharp/$version" "$cache/lstmsharp.onnx/$version"
}
trap cleanup EXIT

for project in src/LstmSharp/LstmSharp.csproj src/LstmSharp.Onnx/LstmSharp.Onnx.csproj; do
  dotnet pack "$project" -c Release $no_build -o "$feed" -p:Version="$version" -nologo -clp:NoSummary \
    || fail "dotnet pack $project"
done
for file in "$feed/LstmSharp.$version.nupkg" "$feed/LstmSharp.$version.snupkg"; do
  [ -s "$file" ] || fail "$file was not produced"
done
# The listing is read whole first: under pipefail, `unzip -l | grep -q` fails when grep exits early and unzip gets SIGPIPE.
contents=$(unzip -l "$feed/LstmSharp.$version.nupkg") || fail "unzip could not list the package"
grep -q ' README.md$' <<<"$contents" || fail "README.md is not in the package"
grep -q 'lib/net10.0/LstmSharp.xml$' <<<"$contents" || fail "the XML docs are not in the package"
# The core package depends on exactly System.Numerics.Tensors and Microsoft.Extensions.Logging.Abstractions.
dependencies=$(unzip -p "$feed/LstmSharp.$version.nupkg" LstmSharp.nuspec | grep -o 'dependency id="[^"]*"' | sort -u | tr '\n' ' ')
[ "$dependencies" = 'dependency id="Microsoft.Extensions.Logging.Abstractions" dependency id="System.Numerics.Tensors" ' ] \
  || fail "unexpected dependencies of the LstmSharp package: $dependencies"

consumer=tests/consumer/Consumer.csproj
dotnet build "$consumer" -c Release -p:LstmSharpVersion="$version" -nologo -clp:NoSummary || fail "consumer build"
output=$(dotnet run --project "$consumer" -c Release --no-build -p:LstmSharpVersion="$version") || { echo "$output"; fail "consumer run"; }
echo "$output"
grep -qx 'LSTMSHARP CONSUMER OK' <<<"$output" || fail "the consumer did not report OK"

if [ "$aot" -eq 1 ]; then
  publish=artifacts/consumer-aot
  log=$(dotnet publish "$consumer" -c Release -r linux-x64 -p:PublishAot=true -p:LstmSharpVersion="$version" -o "$publish" -nologo 2>&1)
  status=$?
  echo "$log" | grep -E 'warning|error' | sort -u
  [ "$status" -eq 0 ] || { echo "$log" | tail -20; fail "Native AOT publish"; }
  ! grep -qE ': (warning|error) ' <<<"$log" || fail "Native AOT publish reported warnings"
  output=$("$publish/Consumer") || { echo "$output"; fail "Native AOT run"; }
  echo "$output"
  grep -qx 'LSTMSHARP CONSUMER OK' <<<"$output" || fail "the Native AOT consumer did not report OK"
fi

echo "consumer: passed"

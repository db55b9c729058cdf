#!/usr/bin/env bash
# Package validation against the released 1.x packages: packs LstmSharp and LstmSharp.Onnx as they are now and lets the
# SDK's package validation (ApiCompat) compare each with the same package built from the last 1.x commit. Every break
# must be listed in the project's committed CompatibilitySuppressions.xml, and every suppression there must still be
# needed (an unnecessary one is an error too), so the file is the exact list of what 2.0 breaks.
# The baseline is built locally from git (no feed needed): a temporary worktree at the 1.x commit, packed as 1.0.0, and
# kept in artifacts/package-baseline/<commit>/ for the next run.
# Last line: "package validation: passed" or "package validation: failed (...)"; the exit code says the same.
#
#   .ci/package-validation.sh             build what is needed, then validate
#   .ci/package-validation.sh --no-build  pack what the Release build already produced (after `dotnet build -c Release`)
#   .ci/package-validation.sh --update    rewrite src/*/CompatibilitySuppressions.xml from the breaks found now
#                                         (after an intended API change; review the diff before committing it)
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

baseline_commit=a5c6aa8   # the last commit before the 2.0 API cut (issue 15): what 1.x users have
baseline_version=1.0.0
projects=(src/LstmSharp/LstmSharp.csproj src/LstmSharp.Onnx/LstmSharp.Onnx.csproj)

no_build="" update=0
for argument in "$@"; do
  case "$argument" in
    --no-build) no_build="--no-build" ;;
    --update) update=1 ;;
    *) echo "unknown option: $argument" >&2; exit 2 ;;
  esac
done

fail() { echo "package validation: failed ($1)"; exit 1; }

if ! commit=$(git rev-parse --verify -q "$baseline_commit^{commit}"); then
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    echo "This clone is shallow: it does not hold the 1.x baseline commit $baseline_commit, so the 1.x packages cannot be" >&2
    echo "built to validate against. Fetch the history (git fetch --unshallow) or clone without --depth." >&2
    fail "shallow clone: baseline commit $baseline_commit is missing"
  fi
  fail "baseline commit $baseline_commit is not in this repository"
fi

baseline=artifacts/package-baseline/$commit
if [ ! -s "$baseline/LstmSharp.$baseline_version.nupkg" ] || [ ! -s "$baseline/LstmSharp.Onnx.$baseline_version.nupkg" ]; then
  echo "== building the $baseline_version baseline packages from $baseline_commit"
  source_tree=$(mktemp -d)
  rmdir "$source_tree"
  git worktree add --detach "$source_tree" "$commit" >/dev/null 2>&1 || fail "git worktree add $baseline_commit"
  mkdir -p "$baseline"
  status=0
  for project in "${projects[@]}"; do
    dotnet pack "$source_tree/$project" -c Release -o "$baseline" -p:VersionPrefix="$baseline_version" -nologo -clp:NoSummary \
      || status=1
  done
  git worktree remove --force "$source_tree" >/dev/null 2>&1 || rm -rf "$source_tree"
  git worktree prune
  [ "$status" -eq 0 ] || { rm -rf "$baseline"; fail "could not pack the $baseline_version baseline"; }
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
summary=""
for project in "${projects[@]}"; do
  id=$(basename "$project" .csproj)
  suppressions=$(dirname "$project")/CompatibilitySuppressions.xml
  extra=()
  if [ "$update" -eq 1 ]; then
    rm -f "$suppressions"
    extra=(-p:ApiCompatGenerateSuppressionFile=true)
  fi
  echo "== $id: packing and validating against $id $baseline_version ($baseline_commit)"
  dotnet pack "$project" -c Release $no_build -o "$out" -nologo -clp:NoSummary \
    -p:PackageValidationBaselinePath="$PWD/$baseline/$id.$baseline_version.nupkg" "${extra[@]}" \
    || fail "$id: its breaks of the $baseline_version API differ from $suppressions (a break not listed, or a listed one gone); after an intended API change: .ci/package-validation.sh --update"
  count=0
  [ -f "$suppressions" ] && count=$(grep -c '<Suppression>' "$suppressions")
  summary="$summary $id: $count suppressed breaks;"
done
echo "validated against $baseline_version:$summary"
echo "package validation: passed"

#!/usr/bin/env bash
# Before/after in one run: builds the CLI's `bench step` and the optimizer-step timer at git revision REV (in a
# temporary worktree) and at the working tree, then alternates the two builds round by round (before, after; the next
# round after, before) on each job, and prints each side's median and the median of the per-round ratios after/before
# (> 1 means the working tree is faster). These machines are noisy: only numbers taken side by side compare.
#
#   benchmarks/compare-revisions.sh REV [ROUNDS=5]
#       THREADS=2          threads for `bench step`
#       ONLY=regex         run only the jobs whose name matches
#       BENCH_LOCK=path    take this flock only while timing (the builds run before it, under nice)
#
# Jobs: `bench step` at S (lstm H=100 T=25 B=1), M (lstm H=256 T=100 B=32), GRU-M and RNN-M, and one optimizer step of
# each of the five optimizers over the M model's 347,457 parameters (benchmarks/LstmSharp.Benchmarks/OptimizerStepTimer.cs,
# compiled against each revision's library, so it isolates the optimizers from the rest of the step).
# REV must have the CLI's `bench step` and the optimizers' public constructors and Step (any revision since 1.0).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
rev=$1
rounds=${2:-5}
threads=${THREADS:-2}
only=${ONLY:-.}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
git rev-parse --verify --quiet "$rev^{commit}" >/dev/null || { echo "no such revision: $rev" >&2; exit 2; }

work=$(mktemp -d)
cleanup() { git worktree remove --force "$work/before" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add --detach --quiet "$work/before" "$rev"

# The optimizer timer: the working tree's OptimizerStepTimer.cs in a throwaway project per revision.
timer_project() {   # $1 = side, $2 = that side's src/LstmSharp/LstmSharp.csproj
  mkdir -p "$work/timer-$1"
  cp benchmarks/LstmSharp.Benchmarks/OptimizerStepTimer.cs "$work/timer-$1/"
  echo 'return LstmSharp.Benchmarks.OptimizerStepTimer.Run(args);' > "$work/timer-$1/Program.cs"
  cat > "$work/timer-$1/OptimizerTimer.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$2" />
  </ItemGroup>
</Project>
EOF
}

build() {   # $1 = side, $2 = that side's checkout
  timer_project "$1" "$2/src/LstmSharp/LstmSharp.csproj"
  nice -n 19 dotnet build "$2/src/LstmSharp.Cli" -c Release -nologo -clp:NoSummary -v quiet -o "$work/cli-$1" >/dev/null
  nice -n 19 dotnet build "$work/timer-$1" -c Release -nologo -clp:NoSummary -v quiet -o "$work/opt-$1" >/dev/null
}
echo "building $rev ($(git rev-parse --short "$rev")) and the working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+changes'))..." >&2
build before "$work/before"
build after "$PWD"

# One job = a name and the command after the program: the CLI's `bench …` arguments, or `optimizer-step KIND`.
jobs=(
  "S  lstm H=100 T=25 B=1|cli|bench step --cell lstm --vocab 65 --hidden 100 --seq-length 25 --batch 1 --steps 400 --threads $threads"
  "M  lstm H=256 T=100 B=32|cli|bench step --cell lstm --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20 --threads $threads"
  "M  gru  H=256 T=100 B=32|cli|bench step --cell gru --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20 --threads $threads"
  "M  rnn  H=256 T=100 B=32|cli|bench step --cell rnn --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20 --threads $threads"
  "optimizer sgd (M params)|opt|sgd"
  "optimizer adagrad (M params)|opt|adagrad"
  "optimizer rmsprop (M params)|opt|rmsprop"
  "optimizer adam (M params)|opt|adam"
  "optimizer adamw (M params)|opt|adamw"
)

# The timing loop, in its own scheduler group and, with BENCH_LOCK, under that lock.
time_all() {
  median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  # A higher-is-better figure from one run: chars/s for `bench step`, steps/s for the optimizer timer.
  measure() {   # $1 = side, $2 = kind, $3 = arguments
    local -a args=($3)
    if [ "$2" = cli ]; then
      dotnet "$work/cli-$1/LstmSharp.Cli.dll" "${args[@]}" | sed -n 's/.*: \([0-9.]*\) chars\/s.*/\1/p'
    else
      dotnet "$work/opt-$1/OptimizerTimer.dll" "${args[@]}" | sed -n 's/.*: \([0-9.]*\) us\/step.*/\1/p' | awk '{ print 1e6 / $1 }'
    fi
  }
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $rounds alternating rounds; bench step on $threads threads"
  echo "before = $rev ($(git rev-parse --short "$rev")), after = working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+changes'))"
  printf '%-32s %13s %13s %8s %7s %7s\n' job before after ratio "(min" "max)"
  local job name kind arguments round b a
  for job in "${jobs[@]}"; do
    IFS='|' read -r name kind arguments <<<"$job"
    [[ $name =~ $only ]] || continue
    local -a befores=() afters=() ratios=()
    for round in $(seq "$rounds"); do
      if [ $((round % 2)) -eq 1 ]; then
        b=$(measure before "$kind" "$arguments"); a=$(measure after "$kind" "$arguments")
      else
        a=$(measure after "$kind" "$arguments"); b=$(measure before "$kind" "$arguments")
      fi
      befores+=("$b"); afters+=("$a"); ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { print a / b }')")
    done
    printf '%-32s %13.1f %13.1f %7.3fx %7.3f %7.3f\n' "$name" \
      "$(printf '%s\n' "${befores[@]}" | median)" "$(printf '%s\n' "${afters[@]}" | median)" \
      "$(printf '%s\n' "${ratios[@]}" | median)" \
      "$(printf '%s\n' "${ratios[@]}" | sort -g | head -n 1)" "$(printf '%s\n' "${ratios[@]}" | sort -g | tail -n 1)"
  done
  echo "units: chars/s for bench step, optimizer steps/s for the optimizer jobs; ratio = median over rounds of after/before"
}
export -f time_all
export work rev rounds threads only
export jobs_list="$(printf '%s\n' "${jobs[@]}")"
runner='mapfile -t jobs <<<"$jobs_list"; echo -15 > /proc/$$/autogroup 2>/dev/null || true; time_all'
if [ -n "${BENCH_LOCK:-}" ]; then
  flock "$BENCH_LOCK" setsid bash -c "$runner"
else
  setsid bash -c "$runner"
fi

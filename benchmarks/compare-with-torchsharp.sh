#!/usr/bin/env bash
# Runs every job of docs/benchmarks.md on the TorchSharp anchor and on LstmSharp, alternating (anchor, ours, anchor,
# ours, …) for ROUNDS rounds, and prints each side's median chars/s and the median of the per-round ratios, all from
# this one session: these machines are noisy, so only numbers taken side by side compare. It first measures the
# machine's FLOP ceiling (OpenBLAS SGEMM, ../shared/anchors/sgemm-peak.sh) in the same run, and prints for each job the
# GFLOP/s of the work LstmSharp actually does (matrix products only: the one-hot gather and scatter cost no FLOPs) as a
# share of that ceiling.
#   benchmarks/compare-with-torchsharp.sh [ROUNDS=3]     (ANCHOR=path/to/run.sh for another anchor; THREADS=2;
#                                                         PEAK=path/to/sgemm-peak.sh; ONLY=regex to run some jobs)
# Run it alone, under the benchmark lock: flock /work/bench.lock benchmarks/compare-with-torchsharp.sh 3
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
anchor=${ANCHOR:-../shared/anchors/torchsharp/run.sh}
peak=${PEAK:-../shared/anchors/sgemm-peak.sh}
threads=${THREADS:-2}
only=${ONLY:-.}
[ -x "$anchor" ] || { echo "no anchor at $anchor (see ../shared/anchors/torchsharp/setup.sh)" >&2; exit 1; }
dotnet build src/LstmSharp.Cli -c Release -nologo -clp:NoSummary -v quiet >/dev/null
cli=(dotnet src/LstmSharp.Cli/bin/Release/net10.0/LstmSharp.Cli.dll)

ceiling=$("$peak" | sed -n "s/.*threads=$threads: \([0-9.]*\) GFLOP\/s.*/\1/p")
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $threads threads each; $rounds alternating rounds"
echo "ceiling: OpenBLAS sgemm 2048^3 on $threads threads, same run: $ceiling GFLOP/s"
printf '%-30s %11s %11s %8s %7s %7s %6s  %s\n' job torchsharp lstmsharp ratio "(min" "max)" share "lstmsharp allocations"

speed() { sed -n 's/.*: \([0-9]*\) chars\/s.*/\1/p'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# name, anchor arguments, lstmsharp arguments, real FLOPs per character, [anchor environment]
run() {
  local name=$1 flops=$4 env_args=${5:-} theirs ours ratios line allocated="" t o
  [[ $name =~ $only ]] || return 0
  local -a anchor_args=($2) our_args=($3)
  local -a their_speeds=() our_speeds=() round_ratios=()
  for _ in $(seq "$rounds"); do
    t=$(env THREADS="$threads" $env_args "$anchor" "${anchor_args[@]}" | speed)
    line=$("${cli[@]}" bench "${our_args[@]}" --threads "$threads")
    o=$(speed <<<"$line")
    allocated=$(grep -o '[0-9.]* B/[a-z]* allocated' <<<"$line" || true)
    their_speeds+=("$t"); our_speeds+=("$o")
    round_ratios+=("$(awk -v a="$o" -v b="$t" 'BEGIN { print a / b }')")
  done
  theirs=$(printf '%s\n' "${their_speeds[@]}" | median)
  ours=$(printf '%s\n' "${our_speeds[@]}" | median)
  ratios=$(printf '%s\n' "${round_ratios[@]}" | median)
  local low high
  low=$(printf '%s\n' "${round_ratios[@]}" | sort -n | head -n 1)
  high=$(printf '%s\n' "${round_ratios[@]}" | sort -n | tail -n 1)
  printf '%-30s %11.0f %11.0f %7.2fx %7.2f %7.2f %5.0f%%  %s\n' "$name" "$theirs" "$ours" "$ratios" "$low" "$high" \
    "$(awk -v c="$ours" -v f="$flops" -v p="$ceiling" 'BEGIN { print 100 * c * f / 1e9 / p }')" "$allocated"
}

# Real FLOPs per character of a training step (forward, then backward at twice the forward's products): layer 0's
# recurrent product 2·G·H² (its input is a gather), each upper layer's 4·G·H² (input and recurrent), the head's 2·V·H.
train() { awk -v g="$1" -v v="$2" -v h="$3" -v l="${4:-1}" 'BEGIN { print 3 * (2 * g * h * h + (l - 1) * 4 * g * h * h + 2 * v * h) }'; }
# Real FLOPs per sampled character: one forward step.
sample() { awk -v g="$1" -v v="$2" -v h="$3" 'BEGIN { print 2 * g * h * h + 2 * v * h }'; }

run "S  lstm H=100 T=25 B=1"    "step lstm 65 100 25 1 400"   "step --cell lstm --vocab 65 --hidden 100 --seq-length 25 --batch 1 --steps 400"   "$(train 4 65 100)"
run "M  lstm H=256 T=100 B=32"  "step lstm 65 256 100 32 20"  "step --cell lstm --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20" "$(train 4 65 256)"
run "L  lstm H=512 T=100 B=64"  "step lstm 65 512 100 64 10"  "step --cell lstm --vocab 65 --hidden 512 --seq-length 100 --batch 64 --steps 10" "$(train 4 65 512)"
run "XL lstm H=1024 T=50 B=64"  "step lstm 65 1024 50 64 6"   "step --cell lstm --vocab 65 --hidden 1024 --seq-length 50 --batch 64 --steps 6"  "$(train 4 65 1024)"
run "M  gru  H=256 T=100 B=32"  "step gru 65 256 100 32 20"   "step --cell gru --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20"  "$(train 3 65 256)"
run "M  rnn  H=256 T=100 B=32"  "step rnn 65 256 100 32 20"   "step --cell rnn --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20"  "$(train 1 65 256)"
run "L2 lstm 2x512 T=100 B=64 d.5" "step lstm 65 512 100 64 5" "step --cell lstm --vocab 65 --hidden 512 --seq-length 100 --batch 64 --layers 2 --dropout 0.5 --steps 5" "$(train 4 65 512 2)" "LAYERS=2 DROPOUT=0.5"
run "sample lstm H=512"         "sample lstm 65 512 3000"     "sample --cell lstm --vocab 65 --hidden 512 --chars 3000"  "$(sample 4 65 512)"
run "sample lstm H=100"         "sample lstm 65 100 3000"     "sample --cell lstm --vocab 65 --hidden 100 --chars 3000"  "$(sample 4 65 100)"
# The optional bfloat16 view (SamplingOptions.BFloat16) against the same float anchor: its speed, not a like-for-like ratio.
run "sample lstm H=512 bf16"    "sample lstm 65 512 3000"     "sample --cell lstm --vocab 65 --hidden 512 --chars 3000 --bf16"  "$(sample 4 65 512)"
run "sample lstm H=100 bf16"    "sample lstm 65 100 3000"     "sample --cell lstm --vocab 65 --hidden 100 --chars 3000 --bf16"  "$(sample 4 65 100)"

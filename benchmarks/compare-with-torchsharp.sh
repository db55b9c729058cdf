#!/usr/bin/env bash
# Runs every job of docs/benchmarks.md on the TorchSharp anchor and on LstmSharp, alternating (anchor, ours, anchor,
# ours), and prints each one's best chars/s and the ratio, from this one session: these machines are noisy, so only
# numbers taken side by side compare.
#   benchmarks/compare-with-torchsharp.sh [ROUNDS]     (ANCHOR=path/to/run.sh to use another anchor; THREADS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
anchor=${ANCHOR:-../shared/anchors/torchsharp/run.sh}
threads=${THREADS:-2}
[ -x "$anchor" ] || { echo "no anchor at $anchor (see ../shared/anchors/torchsharp/setup.sh)" >&2; exit 1; }
dotnet build src/LstmSharp.Cli -c Release -nologo -clp:NoSummary -v quiet >/dev/null
cli=(dotnet src/LstmSharp.Cli/bin/Release/net10.0/LstmSharp.Cli.dll)

speed() { sed -n 's/.*: \([0-9]*\) chars\/s.*/\1/p'; }
best() { sort -n | tail -n 1; }

printf '%-34s %12s %12s %7s  %s\n' job torchsharp lstmsharp ratio "lstmsharp allocations"
run() {   # name, anchor arguments, lstmsharp arguments
  local name=$1 theirs ours line allocated=""
  local -a anchor_args=($2) our_args=($3)
  theirs=$(for _ in $(seq "$rounds"); do
    THREADS=$threads "$anchor" "${anchor_args[@]}" | speed
    line=$("${cli[@]}" bench "${our_args[@]}" --threads "$threads"); echo "OURS $line"
  done)
  ours=$(grep '^OURS' <<<"$theirs" | sed 's/^OURS //' | speed | best)
  allocated=$(grep '^OURS' <<<"$theirs" | tail -n 1 | grep -o '[0-9]* B/[a-z]* allocated' || true)
  theirs=$(grep -v '^OURS' <<<"$theirs" | best)
  printf '%-34s %12s %12s %6.2fx  %s\n' "$name" "$theirs" "$ours" "$(awk -v a="$ours" -v b="$theirs" 'BEGIN { print a / b }')" "$allocated"
}

run "S  lstm H=100 T=25 B=1"    "step lstm 65 100 25 1 400"  "step --cell lstm --vocab 65 --hidden 100 --seq-length 25 --batch 1 --steps 400"
run "M  lstm H=256 T=100 B=32"  "step lstm 65 256 100 32 20" "step --cell lstm --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20"
run "L  lstm H=512 T=100 B=64"  "step lstm 65 512 100 64 10" "step --cell lstm --vocab 65 --hidden 512 --seq-length 100 --batch 64 --steps 10"
run "XL lstm H=1024 T=50 B=64"  "step lstm 65 1024 50 64 6"  "step --cell lstm --vocab 65 --hidden 1024 --seq-length 50 --batch 64 --steps 6"
run "M  gru  H=256 T=100 B=32"  "step gru 65 256 100 32 20"  "step --cell gru --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20"
run "M  rnn  H=256 T=100 B=32"  "step rnn 65 256 100 32 20"  "step --cell rnn --vocab 65 --hidden 256 --seq-length 100 --batch 32 --steps 20"
run "sample lstm H=512"         "sample lstm 65 512 3000"    "sample --cell lstm --vocab 65 --hidden 512 --chars 3000"

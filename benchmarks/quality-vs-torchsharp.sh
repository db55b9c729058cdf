#!/usr/bin/env bash
# The same char-rnn run on TorchSharp (the anchor's `quality` job) and on LstmSharp (`lstmsharp train`), one after the
# other: LSTM H=256, 1 layer, T=100, B=32, Adam 2e-3, global-norm clip 5, the first 95% for training for a fixed wall
# time, then the mean cross-entropy on the last 5% read as one stream from a zero state.
#   benchmarks/quality-vs-torchsharp.sh [FILE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-../shared/data/tinyshakespeare.txt}
seconds=${2:-120}
anchor=${ANCHOR:-../shared/anchors/torchsharp/run.sh}
[ -f "$file" ] || { echo "no corpus at $file" >&2; exit 1; }
dotnet build src/LstmSharp.Cli -c Release -nologo -clp:NoSummary -v quiet >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

THREADS=${THREADS:-2} "$anchor" quality "$file" "$seconds" 256 1 100 32 0.002 lstm
dotnet src/LstmSharp.Cli/bin/Release/net10.0/LstmSharp.Cli.dll train --input "$file" --cell lstm --hidden 256 --layers 1 \
  --seq-length 100 --batch 32 --optimizer adam --lr 2e-3 --clip 5 --time "${seconds}s" --eval-every 1000000000 \
  --seed 1234 --out "$out/model.safetensors" > "$out/train.log"
# The trainer evaluates once more when the time limit is reached: that last validation is the final model's.
grep -E 'val [0-9]' "$out/train.log" | tail -n 1 | sed 's/^/lstmsharp quality (final model): /'
grep '^Finished' "$out/train.log" | sed 's/^/lstmsharp quality: /'

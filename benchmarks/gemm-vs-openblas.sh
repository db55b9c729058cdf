#!/usr/bin/env bash
# LstmSharp's GEMM against NumPy's OpenBLAS SGEMM on the products one LSTM training step runs (float, 2 threads), in
# one run, alternating (OpenBLAS, LstmSharp) for ROUNDS rounds; prints each side's median GFLOP/s and the median of the
# per-round ratios. OpenBLAS uses the kernel ../shared/anchors/sgemm-peak.sh finds fastest on this CPU (printed first).
#   benchmarks/gemm-vs-openblas.sh [ROUNDS=3]    (THREADS=2; CONFIGS="M L XL"; SGEMM_PEAK=path/to/sgemm-peak.sh)
# GEMM_CLOCK=cpu (with THREADS=1) times both sides in process CPU time instead of wall time, which leaves out the time
# the OS gives other processes when the machine is shared.
# With ISA=1 it times LstmSharp alone at each vector width instead: AVX-512, AVX2 (DOTNET_EnableAVX512=0),
# Vector128 with FMA (DOTNET_PreferredVectorBitWidth=128, as on ARM64) and Vector128 without FMA (DOTNET_EnableAVX2=0,
# as on x64 before AVX2), alternating, on the same shapes.
# Run it under the benchmark lock on a shared machine: flock /work/bench.lock benchmarks/gemm-vs-openblas.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${THREADS:-2}
configs=${CONFIGS:-"M L XL"}
python=/usr/bin/python3   # Debian's, with python3-numpy; a pyenv python3 on PATH has no numpy
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# The products of one step of an LSTM (G = 4 gates, V = 65), as LstmSharp's cells and head call them:
#   step   h_{t-1}·W_hhᵀ        (B, H)·(H, 4H)   against W_hh packed once per window of T steps
#   carry  dGates_t·W_hh        (B, 4H)·(4H, H)  likewise
#   dWhh   dGatesᵀ·h            (4H, T·B)·(T·B, H)
#   head   h·W_hyᵀ              (T·B, H)·(H, V)
#   dhead  dLogits·W_hy         (T·B, V)·(V, H)
#   dWhy   dLogitsᵀ·h           (V, T·B)·(T·B, H)
shapes=$work/shapes.txt
for config in $configs; do
  case $config in
    M) H=256 T=100 B=32 ;; L) H=512 T=100 B=64 ;; XL) H=1024 T=50 B=64 ;;
    *) echo "unknown config $config (M, L or XL)" >&2; exit 1 ;;
  esac
  V=65 G=$((4 * H)) R=$((T * B))
  cat >>"$shapes" <<SHAPES
$config-step ABt $B $H $G $T
$config-carry AB $B $G $H $T
$config-dWhh AtB $G $R $H 0
$config-head ABt $R $H $V 0
$config-dhead AB $R $V $H 0
$config-dWhy AtB $V $R $H 0
SHAPES
done

dotnet build benchmarks/LstmSharp.Benchmarks -c Release -nologo -clp:NoSummary -v quiet >/dev/null
ours=(dotnet benchmarks/LstmSharp.Benchmarks/bin/Release/net10.0/LstmSharp.Benchmarks.dll gemm-shapes "$shapes" "$threads")

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if [ "${ISA:-0}" = 1 ]; then
  levels=("AVX-512:" "AVX2:DOTNET_EnableAVX512=0" "Vector128+FMA:DOTNET_PreferredVectorBitWidth=128" "Vector128-noFMA:DOTNET_EnableAVX2=0")
  for round in $(seq "$rounds"); do
    for level in "${levels[@]}"; do
      env ${level#*:} "${ours[@]}" | sed "s/^/${level%%:*} /" >>"$work/isa.txt"
    done
  done
  printf '%-10s' shape; for level in "${levels[@]}"; do printf ' %14s' "${level%%:*}"; done; echo '   (GFLOP/s, median of rounds)'
  while read -r name _; do
    printf '%-10s' "$name"
    for level in "${levels[@]}"; do
      printf ' %14.1f' "$(awk -v l="${level%%:*}" -v s="$name" '$1 == l && $2 == s { print $3 }' "$work/isa.txt" | median)"
    done
    echo
  done <"$shapes"
  exit 0
fi

peak=$("${SGEMM_PEAK:-../shared/anchors/sgemm-peak.sh}" 2048)
echo "$peak"
core=$(sed -n "s/.*threads=$threads: .*(kernel \(.*\))/\1/p" <<<"$peak")
echo "OpenBLAS kernel: ${core:-autodetected}"

numpy() {
  env ${core:+OPENBLAS_CORETYPE=$core} OPENBLAS_NUM_THREADS="$threads" "$python" - "$shapes" <<'PY'
import sys, time, numpy as np
import os
now = time.process_time if os.environ.get("GEMM_CLOCK") == "cpu" else time.perf_counter
def median_seconds(f):
    f(); t = now(); reps = 0
    while now() - t < 0.04: f(); reps += 1
    batches = []
    for _ in range(7):
        t = now()
        for _ in range(reps): f()
        batches.append((now() - t) / reps)
    return sorted(batches)[3]
rng = np.random.default_rng(1)
for line in open(sys.argv[1]):
    name, form, m, k, n, _ = line.split(); m, k, n = int(m), int(k), int(n)
    r = lambda *s: rng.uniform(-1, 1, s).astype(np.float32)
    # Stored as LstmSharp stores them; NumPy passes the transposes to sgemm as flags, without a copy.
    a = r(k, m).T if form == "AtB" else r(m, k)
    b = r(n, k).T if form == "ABt" else r(k, n)
    c = np.zeros((m, n), np.float32)
    s = median_seconds(lambda: np.matmul(a, b, out=c))
    print(f"{name} {2 * m * k * n / s / 1e9:.1f}")
PY
}

for round in $(seq "$rounds"); do
  numpy | sed 's/^/openblas /' >>"$work/all.txt"
  "${ours[@]}" | sed 's/^/lstmsharp /' >>"$work/all.txt"
  # Per-round ratio, so the median ratio compares runs taken seconds apart.
  awk -v r="$round" '{ v[$1 " " $2] = $3; names[$2] } END { for (s in names) print s, v["lstmsharp " s] / v["openblas " s] }' \
    <(tail -n $((2 * $(wc -l <"$shapes"))) "$work/all.txt") >>"$work/ratios.txt"
done

printf '%-10s %5s %6s %6s %6s %12s %12s %8s\n' shape form m k n "OpenBLAS" "LstmSharp" ratio
while read -r name form m k n _; do
  theirs=$(awk -v s="$name" '$1 == "openblas" && $2 == s { print $3 }' "$work/all.txt" | median)
  mine=$(awk -v s="$name" '$1 == "lstmsharp" && $2 == s { print $3 }' "$work/all.txt" | median)
  ratio=$(awk -v s="$name" '$1 == s { print $2 }' "$work/ratios.txt" | median)
  printf '%-10s %5s %6s %6s %6s %12.1f %12.1f %7.0f%%\n' "$name" "$form" "$m" "$k" "$n" "$theirs" "$mine" "$(awk -v r="$ratio" 'BEGIN { print 100 * r }')"
done <"$shapes"
echo "(GFLOP/s: median over $rounds alternating rounds, $threads threads, ${GEMM_CLOCK:-wall} clock; ratio: median of the per-round LstmSharp/OpenBLAS ratios)"

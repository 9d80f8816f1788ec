#!/usr/bin/env bash
# Every GPU check of issue 19 in one run, under 10 minutes on one H200 with 16 cores (each step capped by timeout):
#   1. build (Release; skipped with --no-build, e.g. when the build folders were carried to a machine without NuGet)
#   2. the GPU tests on the CUDA device (SUBQUAD_GPU_TESTS=cuda; they skip, saying why, without one)
#   3. dense d=256 and binary l=1024 exact solves at n = 10^5 and 10^6 (pairs/s, fraction of the published peak),
#      CPU engine side by side at n = 10^5
#   4. the OV transformer's attention at n = 2^16 .. 2^20 on the GPU, the CPU attention engine at 2^16 and 2^17
#   5. one JSON: bench/results/gpu.json (each step also leaves its own part, so a step cut short keeps its rows)
# --dry-run: the same script end to end on ILGPU's CPU accelerator at tiny sizes (proves the script, measures nothing).
# Budget (seconds, H200 estimate in brackets): build 150 [60], tests 120 [40], dense 150 [~25], binary 120 [~15],
# attention 150 [~40]; the caps sum to 690 s and the expected total is ~3 minutes.
set -u
cd "$(dirname "$0")/.."
DRY=0; BUILD=1
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY=1 ;;
    --no-build) BUILD=0 ;;
    *) echo "error: unknown option $arg (expected --dry-run, --no-build)" >&2; exit 2 ;;
  esac
done
OUT=bench/results; [ "$DRY" = 1 ] && OUT=bench/results/dry-run
mkdir -p "$OUT"
PARTS="$OUT/gpu-parts"; rm -rf "$PARTS"; mkdir -p "$PARTS"
LOG="$OUT/gpu.log"; : > "$LOG"
say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG"; }
step() { # step NAME CAP_SECONDS COMMAND...
  local name=$1 cap=$2; shift 2
  local t0=$(date +%s)
  say "step $name (cap ${cap}s): $*"
  timeout --signal=INT --kill-after=10 "$cap" "$@" >> "$LOG" 2>&1
  local rc=$?
  say "step $name: exit $rc after $(( $(date +%s) - t0 ))s"
  echo "{\"step\":\"$name\",\"exit\":$rc,\"seconds\":$(( $(date +%s) - t0 ))}" >> "$PARTS/steps.jsonl"
  return 0
}
say "machine: $(lscpu 2>/dev/null | grep 'Model name' | sed 's/ \+/ /g'), $(nproc) cores; nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo none)"

if [ "$DRY" = 1 ]; then
  DEVICE=cpu; DENSE_N=300,600; BINARY_N=300,600; ATTN_N=256,512; CPU_MAX=1000000; ATTN_CPU_MAX=1000000
  TEST_FILTER="FullyQualifiedName~PtxCompile"; export SUBQUAD_GPU_TESTS=none
else
  DEVICE=cuda; DENSE_N=100000,1000000; BINARY_N=100000,1000000; ATTN_N=65536,131072,262144,524288,1048576
  CPU_MAX=100000; ATTN_CPU_MAX=131072; TEST_FILTER=""; export SUBQUAD_GPU_TESTS=cuda
fi

if [ "$BUILD" = 1 ]; then
  step build 150 dotnet build bench/Subquad.Benchmarks -c Release
  step build-tests 150 dotnet build tests/Subquad.Gpu.Tests -c Release
fi
BENCH=bench/Subquad.Benchmarks/bin/Release/net10.0/Subquad.Benchmarks
if [ ! -x "$BENCH" ]; then say "error: $BENCH is missing (build failed, or --no-build without carried build folders)"; exit 4; fi

if [ -n "$TEST_FILTER" ]; then
  step tests 120 dotnet test tests/Subquad.Gpu.Tests -c Release --no-build --filter "$TEST_FILTER"
else
  step tests 120 dotnet test tests/Subquad.Gpu.Tests -c Release --no-build --filter "FullyQualifiedName~Cuda|FullyQualifiedName~PtxCompile"
fi
step dense 150 "$BENCH" gpu dense --device $DEVICE --n $DENSE_N --cpu-baseline-max $CPU_MAX --out "$PARTS/dense.json"
step binary 120 "$BENCH" gpu binary --device $DEVICE --n $BINARY_N --cpu-baseline-max $CPU_MAX --out "$PARTS/binary.json"
step attention 150 "$BENCH" gpu attention --device $DEVICE --n $ATTN_N --cpu-baseline-max $ATTN_CPU_MAX --out "$PARTS/attention.json"
"$BENCH" gpu merge "$OUT/gpu.json" "$PARTS/dense.json" "$PARTS/binary.json" "$PARTS/attention.json" | tee -a "$LOG"
say "done: $OUT/gpu.json (log: $LOG)"

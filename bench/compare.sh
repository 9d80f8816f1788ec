#!/usr/bin/env bash
# Runs the exact engine and the numpy / FAISS baselines on the same generated .npy files in one run and prints
# the ratios. Usage: bench/compare.sh [quick]   (quick: n = 4000 instead of 20000 / 65536).
# The engine generates each seeded instance, writes it as .npy (subquad bench --save-npy) and times its own solve;
# /usr/bin/python3 loads the same file and times numpy's blocked float32 GEMM and FAISS (python3-faiss).
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for the numpy commands only (see the machine notes: they slow a
# current OpenBLAS); tests and CI never touch them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c "import numpy, faiss" 2>/dev/null; then
  echo "installing python3-numpy python3-faiss with apt" >&2
  apt-get update -qq && apt-get install -y -qq python3-numpy python3-faiss >/dev/null
fi
"$PY" -c "import threadpoolctl" 2>/dev/null || apt-get install -y -qq python3-threadpoolctl >/dev/null 2>&1 || true
# Debian's numpy links whatever libblas.so.3 the alternatives system points at; on a bare image that is the netlib
# reference BLAS (single-threaded, unblocked), far slower than the issue's OpenBLAS anchor. INSTALL_OPENBLAS=1 installs
# Debian's OpenBLAS (a machine-wide change, hence opt-in). The BLAS in use is printed below either way.
if [ "${INSTALL_OPENBLAS:-0}" = "1" ]; then apt-get install -y -qq libopenblas0-pthread >/dev/null; fi

dotnet build src/Subquad.Cli -c Release -v q -nologo >/dev/null
SUBQUAD="dotnet src/Subquad.Cli/bin/Release/net10.0/subquad.dll"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
N=${N:-20000}
NSMALL=${NSMALL:-65536}
if [ "${1:-}" = "quick" ]; then N=4000; NSMALL=8000; fi

run_case() { # name, subquad bench args..., problems for python
  local name=$1 problems=$2; shift 2
  # --repeat 2: the median of two runs after one untimed warm-up run (a process's first solve includes JIT compilation).
  $SUBQUAD bench "$@" --repeat 2 --problem "$problems" --save-npy "$OUT/$name" --format json > "$OUT/$name.engine.json"
  local file
  file=$(ls "$OUT/$name"_n*.npy | head -1)
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $BLAS_ENV "$PY" bench/baselines.py "$file" "$problems" > "$OUT/$name.baselines.jsonl"
  "$PY" - "$OUT/$name.engine.json" "$OUT/$name.baselines.jsonl" "$name" <<'PYEOF'
import json, sys
engine = json.load(open(sys.argv[1]))
base = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
peaks = f"FMA peak {engine.get('fma_peak_gflops')}" + (f", int8 peak {engine['int8_peak_gops']} GOP/s: 'of peak' is against it" if engine.get("int8_peak_gops") else "")
print(f"== {sys.argv[3]} ({peaks})")
for row in engine["rows"]:
    p, t = row["problem"], row["time_ms"] / 1000
    extra = f", {row['gflops']:.0f} GFLOP/s = {row['fraction_of_peak']:.0%} of peak" if row.get("gflops") else ""
    print(f"  engine {p:6s} n={row['n']:6d}: {t:8.3f} s  {row['pairs_per_second']/1e9:6.3f} Gpairs/s{extra}   [{row['answer']}]")
    for b in base:
        if b.get("problem") in (p, "hamming-k2") and "seconds" in b:
            print(f"    {b['tool']:14s} {b['problem']:10s}: {b['seconds']:8.3f} s   engine is {b['seconds']/t:5.1f}x faster   pair {b['pair']} value {b['value']}")
for b in base:
    if "skipped" in b: print("  " + b["tool"] + ": " + b["skipped"])
PYEOF
}

# Debian's OpenBLAS 0.3.21 predates Sapphire Rapids and falls back to its generic "Prescott" SSE3 kernels there
# (measured: 10.5 s for a full 20,000 x 20,000 x 256 float32 GEMM instead of about 2 s); on a CPU with AVX-512 the
# baselines then run with OPENBLAS_CORETYPE=SkylakeX, its AVX-512 kernels, so the anchor is the fast one.
BLAS_ENV=""
if grep -q avx512f /proc/cpuinfo && env -u OPENBLAS_CORETYPE "$PY" -c "import numpy, threadpoolctl, sys; sys.exit(0 if any(i.get('architecture') == 'Prescott' for i in threadpoolctl.threadpool_info()) else 1)" 2>/dev/null; then
  BLAS_ENV="OPENBLAS_CORETYPE=SkylakeX"
  echo "OpenBLAS detected this CPU as Prescott: baselines run with $BLAS_ENV"
fi
env $BLAS_ENV "$PY" -c "import numpy, threadpoolctl, json; print('numpy BLAS (threadpoolctl):', json.dumps([(i.get('internal_api'), i.get('architecture'), i.get('num_threads')) for i in threadpoolctl.threadpool_info()]))" 2>/dev/null || true
echo "libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (the engine and the baselines share this machine with whatever else runs)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
run_case dense256 msd,lsd --dense --n "$N" --dim 256
run_case binary1024 msd,maxip,ov --n "$N" --dim 1024 --density 0.05
for l in 64 256; do
  run_case "binary$l" maxip --n "$NSMALL" --dim "$l" --density 0.05
done

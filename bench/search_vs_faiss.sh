#!/usr/bin/env bash
# subquad search against FAISS IndexFlatIP / IndexBinaryFlat on the same files, side by side in one run.
# Usage: bench/search_vs_faiss.sh [quick]   (quick: 20,000 dense and 50,000 binary corpus rows instead of 200,000 / 1,000,000)
# Needs python3-numpy and python3-faiss (installed with apt when missing); libopenblas0-pthread gives numpy and FAISS
# Debian's threaded OpenBLAS instead of the reference BLAS.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c "import numpy, faiss" 2>/dev/null; then
  echo "installing python3-numpy python3-faiss libopenblas0-pthread with apt" >&2
  apt-get update -qq && apt-get install -y -qq python3-numpy python3-faiss libopenblas0-pthread >/dev/null
fi
dotnet build src/Subquad.Cli -c Release -v q -nologo >/dev/null
lscpu | grep 'Model name' || true
"$PY" bench/search_vs_faiss.py "dotnet src/Subquad.Cli/bin/Release/net10.0/subquad.dll" "${1:-}"

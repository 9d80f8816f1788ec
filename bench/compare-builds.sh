#!/usr/bin/env bash
# Side by side, in one session: the engine on the same seeded `subquad bench` cases built from two commits (default:
# BEFORE=main, AFTER=HEAD), alternating which runs first per round, then the best time per case and the ratio.
# Each path is exercised: dense int8 and float32, bit-sliced, 6-bit tiles, one-word tiles, staged tiles, tiles.
# Usage: bench/compare-builds.sh [BEFORE_COMMIT] [AFTER_COMMIT]   (ROUNDS=3 THREADS= to pass --threads)
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${1:-main}; AFTER=${2:-HEAD}; ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
for side in before after; do
  commit=$BEFORE; [ $side = after ] && commit=$AFTER
  mkdir -p "$WORK/$side" && git archive "$commit" | tar -x -C "$WORK/$side"
  dotnet build "$WORK/$side/src/Subquad.Cli" -c Release -v q -nologo >/dev/null
done
THREADS_ARG=""; [ -n "${THREADS:-}" ] && THREADS_ARG="--threads $THREADS"
# name|SUBQUAD_PATH (empty: the engine's own choice)|bench arguments. A forced kernel never changes the path, so the
# baseline cases force the path too (through the environment, which builds before --path existed also read); both
# builds run each case with the same environment.
cases=(
  "dense256-int8||--dense --n 20000 --dim 256 --problem msd,lsd"
  "bin1024-sliced||--n 20000 --dim 1024 --density 0.05 --problem msd,maxip,ov"
  "bin64-packed6||--n 65536 --dim 64 --density 0.05 --problem maxip"
  "bin256-sliced||--n 65536 --dim 256 --density 0.05 --problem maxip"
  "bin1024-packed6||--n 20000 --dim 1024 --density 0.5 --problem msd,maxip"
  "bin64-oneword|OneWordTiles|--kernel Vector512 --n 65536 --dim 64 --density 0.05 --problem maxip"
  "bin256-staged|StagedTiles|--kernel Vector512 --n 30000 --dim 256 --density 0.3 --problem msd"
  "bin256-tiles|Tiles|--kernel Vector512 --n 30000 --dim 256 --density 0.3 --problem lsd"
  "dense256-f32|DenseFloat32|--kernel Vector512 --dense --n 20000 --dim 256 --problem msd,lsd"
)
mkdir -p "$WORK/out"
for round in $(seq 1 "$ROUNDS"); do
  for c in "${cases[@]}"; do
    name=${c%%|*}; rest=${c#*|}; path=${rest%%|*}; args=${rest#*|}
    order="before after"; [ $((round % 2)) = 0 ] && order="after before"
    for side in $order; do
      # shellcheck disable=SC2086
      SUBQUAD_PATH=$path dotnet "$WORK/$side/src/Subquad.Cli/bin/Release/net10.0/subquad.dll" bench $args $THREADS_ARG --repeat 2 --format json > "$WORK/out/$name.$side.$round.json"
    done
  done
done
echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); before=$BEFORE after=$AFTER"
python3 - "$WORK/out" <<'PYEOF'
import json, glob, os, sys, math, collections
times = collections.defaultdict(lambda: collections.defaultdict(list)); answers = {}
for f in glob.glob(os.path.join(sys.argv[1], "*.json")):
    name, side, _, _ = os.path.basename(f).split(".")
    for r in json.load(open(f))["rows"]:
        # The bench's schema changed with issue 16 ("seconds", best of the repeats -> "time_ms_min"): read either.
        times[(name, r["problem"])][side].append(r["seconds"] if "seconds" in r else r["time_ms_min"] / 1000)
        answers.setdefault((name, r["problem"]), {})[side] = r["answer"]
ratios = []
print(f"{'case':16s} {'problem':6s} {'before s':>9s} {'after s':>9s} {'after/before':>12s}  same answer")
for key in sorted(times):
    b, a = min(times[key]["before"]), min(times[key]["after"]); ratios.append(a / b)
    print(f"{key[0]:16s} {key[1]:6s} {b:9.3f} {a:9.3f} {a / b:12.3f}  {answers[key]['before'] == answers[key]['after']}")
print(f"geometric mean after/before: {math.exp(sum(map(math.log, ratios)) / len(ratios)):.3f} over {len(ratios)} cases (best of {len(next(iter(times.values()))['before'])} runs each)")
PYEOF

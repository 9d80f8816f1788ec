#!/usr/bin/env bash
# Peak RSS of `subquad solve` against input size (issue 17): the engine's memory beyond the input must be
# O(n l + threads x block), never O(n^2). Each run is a child process; its peak RSS is VmHWM, read from /proc while it
# runs. Both row kinds: binary OV (l = 64, density 0.1) and dense LSD at threshold 1 (d = 16); both stop at their
# first witness, so the time is reading plus the engine's preparation, and the memory is what the plan and the
# context hold. Usage: bench/memory.sh [sizes...]   (default 1000000 2000000 4000000 8000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000000 2000000 4000000 8000000}")
[ $# -eq 0 ] && sizes=(1000000 2000000 4000000 8000000)
dotnet build src/Subquad.Cli -c Release -v q -nologo >/dev/null
cli="dotnet src/Subquad.Cli/bin/Release/net10.0/subquad.dll"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "cpu: $(lscpu | grep 'Model name' | sed 's/Model name:\s*//')"
printf '%-7s %10s %12s %14s %16s %8s\n' kind n input_MiB peak_rss_MiB beyond_input_MiB exit
peak() { # runs "$@" in the background, polls VmHWM, prints "peak_kib exit"
  "$@" >/dev/null 2>"$work/err" & local pid=$! hwm=0
  while kill -0 "$pid" 2>/dev/null; do
    local v; v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
    sleep 0.05
  done
  wait "$pid"; local rc=$?
  echo "$hwm $rc"
}
for n in "${sizes[@]}"; do
  for kind in binary dense; do
    f="$work/$kind-$n.npy"
    if [ "$kind" = binary ]; then
      $cli generate random --n "$n" --dim 64 --density 0.1 --seed 1 -o "$f" >/dev/null
      in_bytes=$(( n * 64 / 8 ))         # bits held in memory (64 per row)
      set +e; read -r kib rc < <(peak $cli solve "$f" --problem ov); set -e
    else
      $cli generate random --n "$n" --dim 16 --dense --seed 1 -o "$f" >/dev/null
      in_bytes=$(( n * 16 * 4 ))         # float32 rows
      set +e; read -r kib rc < <(peak $cli solve "$f" --problem lsd --threshold 1); set -e
    fi
    printf '%-7s %10d %12.1f %14.1f %16.1f %8s\n' "$kind" "$n" "$(echo "$in_bytes/1048576" | bc -l)" "$(echo "$kib/1024" | bc -l)" "$(echo "($kib*1024-$in_bytes)/1048576" | bc -l)" "$rc"
    rm -f "$f"
  done
done

#!/usr/bin/env bash
# Anonymous memory of a memory-mapped input against a copy in memory (issue 16). Generates a binary 0/1 uint8 file
# (N x 1024) and a dense float32 file (N/4 x 1024), both about 2 GB at the default N = 2,000,000, then runs each
# command with --mmap and with --no-mmap as a child process and reads RssAnon and RssFile from /proc/PID/status every
# 10 ms. RssAnon (anonymous pages) is what RAM must hold; RssFile (the mapped file's pages) can be dropped by the
# kernel and read again. The solves stop at their first witness (threshold 1 / the planted pair), so they measure
# reading and the engine's preparation; search scans the whole corpus for 100 queries.
# Usage: bench/mmap.sh [N] [work-folder]   (the folder needs about 4.2 GB free; default: a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000000}
work=${2:-$(mktemp -d)}
[ $# -lt 2 ] && trap 'rm -rf "$work"' EXIT
dotnet build src/Subquad.Cli -c Release -v q -nologo >/dev/null
cli="dotnet src/Subquad.Cli/bin/Release/net10.0/subquad.dll"
echo "cpu: $(lscpu | grep 'Model name' | sed 's/Model name:\s*//')"
$cli generate random --n "$n" --dim 1024 --density 0.1 --seed 1 -o "$work/bits.npy" --force >/dev/null
$cli generate random --n 100 --dim 1024 --density 0.1 --seed 2 -o "$work/q-bits.npy" --force >/dev/null
$cli generate planted --n $((n / 4)) --dim 1024 --dense --seed 1 -o "$work/dense.npy" --force >/dev/null
$cli generate planted --n 100 --dim 1024 --dense --seed 2 -o "$work/q-dense.npy" --force >/dev/null
peak() { # runs "$@" in the background; prints "anon_kib file_kib exit seconds"
  local start; start=$(date +%s.%N)
  "$@" >/dev/null 2>"$work/err" & local pid=$! anon=0 file=0
  while kill -0 "$pid" 2>/dev/null; do
    local a f; read -r a f < <(awk '/RssAnon/{a=$2} /RssFile/{f=$2} END{print a+0, f+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0")
    [ "${a:-0}" -gt "$anon" ] && anon=$a
    [ "${f:-0}" -gt "$file" ] && file=$f
    sleep 0.01
  done
  set +e; wait "$pid"; local rc=$?; set -e
  echo "$anon $file $rc $(echo "$(date +%s.%N) - $start" | bc)"
}
printf '%-34s %10s %8s %14s %14s %6s %8s\n' command file_MiB input peak_anon_MiB peak_file_MiB exit wall_s
for mode in --mmap --no-mmap; do
  for run in "solve bits.npy -p maxip --threshold 1" "search q-bits.npy --corpus bits.npy -k 10 -p hamming" \
             "solve dense.npy -p lsd --threshold 1" "search q-dense.npy --corpus dense.npy -k 10 -p maxip"; do
    file=$(echo "$run" | grep -o '[a-z]*\.npy' | tail -1)
    args=(); for w in $run; do [[ "$w" == *.npy ]] && w="$work/$w"; args+=("$w"); done
    read -r anon fkib rc secs < <(peak $cli "${args[@]}" "$mode")
    printf '%-34s %10d %8s %14.1f %14.1f %6s %8.1f\n' "$run" $(( $(stat -c %s "$work/$file") / 1048576 )) "$mode" "$(echo "$anon/1024" | bc -l)" "$(echo "$fkib/1024" | bc -l)" "$rc" "$secs"
  done
done

#!/usr/bin/env bash
# Real processes, real Redis: starts redis-server on 127.0.0.1 (a free port) and three `subquad cluster silo`
# processes (1 worker thread each), then
#   job 1: dense MSD, exact; `kill -9` of a silo that is not the job's coordinator once ~30% of the chunks are merged;
#   job 2: binary Max-IP threshold join (--all -o pairs.csv); `kill -9` of the silo hosting the job's coordinator
#          once ~30% of the chunks are merged;
# and checks each answer against the local engine on the same file (job 1: the JSON answer minus timings; job 2:
# the CSV byte for byte: no pair lost or duplicated). Everything it started is stopped by pid at the end; every
# step is bounded in time. Sizes: SUBQUAD_KILL_DENSE_N (default 120000, d = 256) and SUBQUAD_KILL_BINARY_N
# (default 100000, l = 1024), about 10 s of single-core work each on a quiet 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v redis-server >/dev/null || ! command -v python3 >/dev/null; then
  echo "kill-silo: skipped: needs redis-server and python3 (apt-get install redis-server python3)" >&2
  exit 0
fi

work=$(mktemp -d /tmp/subquad-kill-silo.XXXXXX)
declare -a pids=()
redis_pid=""
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
  # Wait for them (by pid) before removing their folder: a dying silo or redis may still write its log there.
  for pid in "${pids[@]}" $redis_pid; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [ "$status" -ne 0 ]; then
    echo "kill-silo: FAILED (status $status); logs:" >&2
    for f in "$work"/*.log; do [ -f "$f" ] && { echo "== $f" >&2; tail -n 20 "$f" >&2; }; done
  fi
  rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work" || echo "kill-silo: warning: could not remove $work" >&2; }
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$(now) - $1:.1f}')"; }

[ "${SUBQUAD_KILL_NO_BUILD:-0}" = 1 ] || timeout 300 dotnet build src/Subquad.Cli -c Release -v q -nologo >"$work/build.log" 2>&1
subquad=src/Subquad.Cli/bin/Release/net10.0/subquad

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log" --dir "$work"
for _ in $(seq 50); do [ -s "$work/redis.pid" ] && break; sleep 0.1; done
redis_pid=$(cat "$work/redis.pid")
redis="127.0.0.1:$redis_port"
echo "kill-silo: redis-server pid $redis_pid on $redis"

declare -A silo_pid_by_port=()
for k in 1 2 3; do
  port=$(free_port); gateway=$(free_port)
  "$subquad" cluster silo --redis "$redis" --threads 1 --port "$port" --gateway-port "$gateway" --data-dir "$work" >"$work/silo$k.log" 2>&1 &
  pids+=($!)
  silo_pid_by_port[$port]=$!
done
for k in 1 2 3; do
  timeout 90 bash -c "until grep -q 'silo listening' '$work/silo$k.log'; do sleep 0.2; done" \
    || { echo "kill-silo: silo $k did not start" >&2; exit 1; }
done
echo "kill-silo: 3 silos up (pids ${pids[*]})"

dense_n=${SUBQUAD_KILL_DENSE_N:-120000}
binary_n=${SUBQUAD_KILL_BINARY_N:-100000}
timeout 120 "$subquad" generate random --n "$dense_n" --dim 256 --dense --seed 7 -o "$work/dense.npy" >/dev/null
timeout 120 "$subquad" generate random --n "$binary_n" --dim 1024 --density 0.2 --seed 8 -o "$work/binary.npy" >/dev/null

# Waits until the job's progress line shows >= 30% of chunks merged; prints the coordinator's silo port.
wait_progress() {
  local log=$1 start line done total
  start=$(date +%s)
  while true; do
    line=$(grep -E '[0-9]+/[0-9]+ chunks' "$log" | tail -n 1 || true)
    if [ -n "$line" ]; then
      done=$(sed -E 's/.*: ([0-9]+)\/([0-9]+) chunks.*/\1/' <<<"$line")
      total=$(sed -E 's/.*: ([0-9]+)\/([0-9]+) chunks.*/\2/' <<<"$line")
      if [ $((done * 10)) -ge $((total * 3)) ]; then
        sed -E 's/.*coordinator [0-9.]+:([0-9]+)@.*/\1/' <<<"$line"
        return 0
      fi
    fi
    if ! kill -0 "$solve_pid" 2>/dev/null; then echo "kill-silo: the client exited before the kill: $(cat "$log")" >&2; return 1; fi
    if [ $(( $(date +%s) - start )) -gt 240 ]; then echo "kill-silo: no progress in $log" >&2; return 1; fi
    sleep 0.2
  done
}

same_json() {
  python3 - "$1" "$2" <<'PY'
import json, re, sys
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if not re.search(r"second|time|_ms|solver|rate", k)}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
if a != b:
    print("kill-silo: cluster answer differs from the local engine:\n local:  ", json.dumps(a), "\n cluster:", json.dumps(b), file=sys.stderr)
    sys.exit(1)
PY
}

# ---- job 1: kill a worker silo (not the coordinator's) mid-job.
t0=$(now)
timeout 300 "$subquad" solve "$work/dense.npy" -p msd --threads 2 --format json >"$work/local1.json" 2>"$work/local1.log"
echo "kill-silo: local engine (2 threads), dense MSD n=$dense_n d=256: $(elapsed "$t0") s"
t0=$(now)
timeout 300 "$subquad" solve "$work/dense.npy" -p msd --cluster "$redis" --format json >"$work/cluster1.json" 2>"$work/cluster1.log" &
solve_pid=$!; pids+=($solve_pid)
coordinator=$(wait_progress "$work/cluster1.log")
victim=""
for port in "${!silo_pid_by_port[@]}"; do [ "$port" != "$coordinator" ] && { victim=$port; break; }; done
kill -9 "${silo_pid_by_port[$victim]}"; killed_at=$(now)
echo "kill-silo: job 1: killed worker silo pid ${silo_pid_by_port[$victim]} (port $victim) at $(elapsed "$t0") s; coordinator on port $coordinator"
unset "silo_pid_by_port[$victim]"
wait "$solve_pid"
echo "kill-silo: job 1 done $(elapsed "$killed_at") s after the kill ($(elapsed "$t0") s in all)"
same_json "$work/local1.json" "$work/cluster1.json"
echo "kill-silo: job 1 answer equals the local engine's"

# ---- job 2: kill the coordinator's silo mid-join.
t0=$(now)
timeout 300 "$subquad" solve "$work/binary.npy" -p maxip -t 70 --all -o "$work/local2.csv" --threads 2 >/dev/null 2>"$work/local2.log"
echo "kill-silo: local engine (2 threads), binary Max-IP >= 70 join n=$binary_n l=1024: $(elapsed "$t0") s, $(($(wc -l <"$work/local2.csv") - 1)) pairs"
t0=$(now)
timeout 300 "$subquad" solve "$work/binary.npy" -p maxip -t 70 --all -o "$work/cluster2.csv" --cluster "$redis" >/dev/null 2>"$work/cluster2.log" &
solve_pid=$!; pids+=($solve_pid)
coordinator=$(wait_progress "$work/cluster2.log")
kill -9 "${silo_pid_by_port[$coordinator]}"; killed_at=$(now)
echo "kill-silo: job 2: killed the coordinator's silo pid ${silo_pid_by_port[$coordinator]} (port $coordinator) at $(elapsed "$t0") s"
wait "$solve_pid"
echo "kill-silo: job 2 done $(elapsed "$killed_at") s after the kill ($(elapsed "$t0") s in all)"
cmp "$work/local2.csv" "$work/cluster2.csv" || { echo "kill-silo: join output differs from the local engine's" >&2; exit 1; }
test "$(wc -l <"$work/local2.csv")" -gt 1 || { echo "kill-silo: the join found no pairs; the test checks nothing" >&2; exit 1; }
echo "kill-silo: job 2 pairs equal the local engine's byte for byte"

# ---- bad input: one error line, exit 2, nothing under the output name.
expect_error() { # name, expected text, command...
  local name=$1 text=$2; shift 2
  set +e
  timeout 120 "$@" >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  set -e
  if [ "$rc" -ne 2 ] || ! grep -q "^error: .*$text" "$work/$name.err" || [ "$(grep -c '^error:' "$work/$name.err")" -ne 1 ]; then
    echo "kill-silo: $name: expected exit 2 and one error line with '$text', got exit $rc:" >&2; cat "$work/$name.err" >&2; return 1
  fi
  echo "kill-silo: $name: $(grep '^error:' "$work/$name.err" | cut -c1-160)"
}
outside=$(mktemp -d /tmp/subquad-kill-silo-outside.XXXXXX)
cp "$work/binary.npy" "$outside/x.npy"
expect_error outside-data-dir "outside this silo's data directories" \
  "$subquad" solve "$outside/x.npy" -p maxip -t 70 --all -o "$work/never.csv" --cluster "$redis" || { rm -rf "$outside"; exit 1; }
rm -rf "$outside"
test ! -e "$work/never.csv" || { echo "kill-silo: a failed job left $work/never.csv" >&2; exit 1; }
expect_error redis-unreachable "unreachable" "$subquad" solve "$work/dense.npy" -p msd --cluster "127.0.0.1:$(free_port)"
for pid in "${silo_pid_by_port[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
sleep 1
expect_error no-silo "silo" "$subquad" solve "$work/dense.npy" -p msd --cluster "$redis"
echo "kill-silo: passed"

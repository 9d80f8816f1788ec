#!/usr/bin/env bash
# Cluster overhead and recovery, side by side in one run (a benchmark, not a test):
#   local:   subquad solve FILE -p msd --threads 2
#   cluster: the same solve on redis-server + 2 silos x 1 worker thread (--cluster 127.0.0.1:PORT)
# on dense d = 256 (n = DENSE_N, default 100000) and binary l = 1024 density 0.2 (n = BINARY_N, default 200000),
# REPS alternating repetitions each; rates are pairs/s from each run's own solve time (the job's time from
# submission to its last merge for the cluster; client start-up and input loading excluded on both sides).
# Then recovery: the dense job again with one silo kill -9'd at ~50% of chunks, and a fresh silo started in its
# place, against the undisturbed cluster time. Prints the CPU model and the load average (the machine is shared).
# Usage: bench/cluster/overhead.sh   (env: DENSE_N, BINARY_N, REPS)
set -euo pipefail
cd "$(dirname "$0")/../.."
DENSE_N=${DENSE_N:-100000}
BINARY_N=${BINARY_N:-200000}
REPS=${REPS:-3}

work=$(mktemp -d /tmp/subquad-cluster-bench.XXXXXX)
declare -a pids=()
redis_pid=""
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
seconds_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("seconds", d.get("time_ms", 0) / 1000 if "time_ms" in d else 0))' "$1"; }

[ "${SUBQUAD_BENCH_NO_BUILD:-0}" = 1 ] || dotnet build src/Subquad.Cli -c Release -v q -nologo >/dev/null
subquad=src/Subquad.Cli/bin/Release/net10.0/subquad
echo "cpu: $(lscpu | grep 'Model name' | sed 's/Model name: *//'), $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log" --dir "$work"
for _ in $(seq 50); do [ -s "$work/redis.pid" ] && break; sleep 0.1; done
redis_pid=$(cat "$work/redis.pid")
redis="127.0.0.1:$redis_port"
declare -A silo_pid=()
start_silo() {
  local k=$1 port gateway
  port=$(free_port); gateway=$(free_port)
  "$subquad" cluster silo --redis "$redis" --threads 1 --port "$port" --gateway-port "$gateway" --data-dir "$work" >"$work/silo$k.log" 2>&1 &
  pids+=($!); silo_pid[$k]=$!
  timeout 90 bash -c "until grep -q 'silo listening' '$work/silo$k.log'; do sleep 0.2; done"
}
start_silo 1; start_silo 2

"$subquad" generate random --n "$DENSE_N" --dim 256 --dense --seed 3 -o "$work/dense.npy" >/dev/null
"$subquad" generate random --n "$BINARY_N" --dim 1024 --density 0.2 --seed 4 -o "$work/binary.npy" >/dev/null

rate() { python3 -c "import sys; n=int(sys.argv[1]); print(f'{n*(n-1)/2/float(sys.argv[2]):.4g}')" "$1" "$2"; }
echo "case,n,rep,local_2_threads_s,cluster_2x1_s,local_pairs_per_second,cluster_pairs_per_second,ratio"
for case in dense binary; do
  n=$DENSE_N; [ "$case" = binary ] && n=$BINARY_N
  for rep in $(seq "$REPS"); do
    "$subquad" solve "$work/$case.npy" -p msd --threads 2 --format json >"$work/l.json" 2>/dev/null
    "$subquad" solve "$work/$case.npy" -p msd --cluster "$redis" --format json >"$work/c.json" 2>/dev/null
    python3 - "$work/l.json" "$work/c.json" <<'PY' || { echo "answers differ" >&2; exit 1; }
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
pick = lambda d: d.get("pair") or d.get("answers")
assert pick(a) == pick(b), (pick(a), pick(b))
PY
    tl=$(seconds_of "$work/l.json"); tc=$(seconds_of "$work/c.json")
    echo "$case,$n,$rep,$tl,$tc,$(rate "$n" "$tl"),$(rate "$n" "$tc"),$(python3 -c "print(f'{$tl/$tc:.3f}')")"
  done
done

# Recovery: the dense job, undisturbed, then with silo 1 killed at ~50% of its chunks and a fresh silo started.
"$subquad" solve "$work/dense.npy" -p msd --cluster "$redis" --format json >"$work/c.json" 2>/dev/null
base=$(seconds_of "$work/c.json")
"$subquad" solve "$work/dense.npy" -p msd --cluster "$redis" --format json >"$work/k.json" 2>"$work/k.log" &
solver=$!; pids+=($solver)
until line=$(grep -E '[0-9]+/[0-9]+ chunks' "$work/k.log" | tail -n 1) && [ -n "$line" ] && \
      [ $(( $(sed -E 's/.*: ([0-9]+)\/([0-9]+) chunks.*/\1/' <<<"$line") * 2 )) -ge $(sed -E 's/.*: ([0-9]+)\/([0-9]+) chunks.*/\2/' <<<"$line") ]; do sleep 0.2; done
kill -9 "${silo_pid[1]}"; killed=$(date +%s.%N)
start_silo 3
wait "$solver"
killed_total=$(seconds_of "$work/k.json")
echo "recovery: dense n=$DENSE_N undisturbed ${base} s; with a silo kill -9'd at ~50% (and a fresh silo started) ${killed_total} s; cost $(python3 -c "print(f'{$killed_total-$base:.1f}')") s"
grep -h "taken back" "$work"/silo*.log | sed 's/^/  /' | head -5 || true
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

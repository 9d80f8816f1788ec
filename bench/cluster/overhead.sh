#!/usr/bin/env bash
# Cluster overhead and recovery, side by side in one run (a benchmark, not a test):
#   local:   subquad solve FILE -p msd --threads 2
#   cluster: the same solve on redis-server + 2 silos x 1 thread (--cluster 127.0.0.1:PORT)
# on dense d = 256 (n = DENSE_N, default 100000) and binary l = 1024 density 0.2 (n = BINARY_N, default 200000),
# REPS repetitions each, alternating which side runs first (local first in odd repetitions), answers compared.
# Two times per run:
#   solve_s: the solve's own time. Local: solve's "seconds" (the engine, from after the input is loaded). Cluster:
#            the job's time from its first lease to its last merge; a silo asks for its first lease only after it
#            has checked (size, SHA-256) and loaded the input, so loading and hashing are excluded on both sides.
#   wall_s:  the whole command, process start to exit: loading (and for the cluster the client's SHA-256, the
#            silos' checks and loads, client start-up and the 0.5 s status polling) included on both sides.
# ratio = local time / cluster time (>= 0.85 is the issue's goal for solve_s). The load average is recorded at the
# start and end of each run (the machine is shared). CPU seconds (user + system) of each side are recorded too, and
# per pair they are robust to other load where wall times are not:
#   local_cpu_s:   the local solve process, all of it (runtime start, loading, the engine).
#   cluster_cpu_s: the cluster client process plus both silos over the run (client start-up, SHA-256, each silo's
#                  check, load and engine warm-up, the engine, Orleans, Redis is left out); split into client_cpu_s,
#                  silo_cpu_s and silo_engine_cpu_s (the silos' "subquad-compute" threads: the chunks themselves).
#   *_ns_per_pair: CPU nanoseconds per candidate pair, n (n - 1) / 2 pairs.
# A summary (median ratios per case) follows the CSV rows. Then recovery: the dense job again with one silo kill -9'd at ~50% of its pairs and a
# fresh silo started in its place, against the undisturbed cluster time. Each silo's log lines per job (chunks,
# seconds computing of seconds working) follow.
# Usage: bench/cluster/overhead.sh   (env: DENSE_N, BINARY_N, REPS, CASES="dense binary", RECOVERY=1)
set -euo pipefail
cd "$(dirname "$0")/../.."
DENSE_N=${DENSE_N:-100000}
BINARY_N=${BINARY_N:-200000}
REPS=${REPS:-3}
CASES=${CASES:-dense binary}
RECOVERY=${RECOVERY:-1}

work=$(mktemp -d /tmp/subquad-cluster-bench.XXXXXX)
declare -a pids=()
redis_pid=""
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  # Wait for them (by pid) before removing their folder: a dying silo or redis may still write its log there.
  for pid in "${pids[@]}" $redis_pid; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work"; }
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
seconds_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["time_ms"] / 1000 if "time_ms" in d else d["seconds"])' "$1"; }
# CPU seconds (user + system) the silo processes have used so far.
silo_cpu() { local t=0 p; for p in "${silo_pid[@]}"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; python3 -c "print($t / $(getconf CLK_TCK))"; }
# CPU seconds of the silos' compute threads (named subquad-compute: the engine running chunks, nothing else).
silo_engine_cpu() {
  python3 - "${silo_pid[@]}" <<'PY'
import glob, os, sys
t = 0
for p in sys.argv[1:]:
    for task in glob.glob(f"/proc/{p}/task/*"):
        try:
            if open(task + "/comm").read().strip() == "subquad-compute":
                f = open(task + "/stat").read().rsplit(")", 1)[1].split()
                t += int(f[11]) + int(f[12])
        except OSError:
            pass
print(t / os.sysconf("SC_CLK_TCK"))
PY
}

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

# The dense input is also the recovery job's, so it is made whenever either runs.
if [[ " $CASES " == *" dense "* || "$RECOVERY" = 1 ]]; then "$subquad" generate random --n "$DENSE_N" --dim 256 --dense --seed 3 -o "$work/dense.npy" >/dev/null; fi
case " $CASES " in *" binary "*) "$subquad" generate random --n "$BINARY_N" --dim 1024 --density 0.2 --seed 4 -o "$work/binary.npy" >/dev/null ;; esac

rate() { python3 -c "import sys; n=int(sys.argv[1]); print(f'{n*(n-1)/2/float(sys.argv[2]):.4g}')" "$1" "$2"; }
now() { date +%s.%N; }
# Each run also records CPU seconds: the local process's; the cluster client's plus the silos' (all of their work).
cpu_of() { python3 -c 'import sys; u, s = open(sys.argv[1]).read().split()[-2:]; print(float(u) + float(s))' "$1"; }
run_local() {
  local t0; t0=$(now)
  /usr/bin/time -f "%U %S" -o "$work/lt" "$subquad" solve "$work/$1.npy" -p msd --threads 2 --format json >"$work/l.json" 2>/dev/null
  wl=$(python3 -c "print(f'{$(now)-$t0:.3f}')"); cl=$(cpu_of "$work/lt")
}
run_cluster() {
  local t0 s0 e0; t0=$(now); s0=$(silo_cpu); e0=$(silo_engine_cpu)
  /usr/bin/time -f "%U %S" -o "$work/ct" "$subquad" solve "$work/$1.npy" -p msd --cluster "$redis" --format json >"$work/c.json" 2>/dev/null
  wc_=$(python3 -c "print(f'{$(now)-$t0:.3f}')")
  client_cpu=$(cpu_of "$work/ct"); silo_cpu_s=$(python3 -c "print(f'{$(silo_cpu) - $s0:.2f}')"); engine_cpu=$(python3 -c "print(f'{$(silo_engine_cpu) - $e0:.2f}')")
  cc=$(python3 -c "print(f'{$silo_cpu_s + $client_cpu:.2f}')")
}
rows="$work/rows.csv"
header="case,n,rep,first,load1,load1_end,local_solve_s,cluster_solve_s,solve_ratio,local_pairs_per_second,cluster_pairs_per_second,local_wall_s,cluster_wall_s,wall_ratio,local_cpu_s,cluster_cpu_s,cpu_ratio,client_cpu_s,silo_cpu_s,silo_engine_cpu_s,local_ns_per_pair,cluster_ns_per_pair,silo_engine_ns_per_pair"
echo "$header"; echo "$header" >"$rows"
for case in $CASES; do
  n=$DENSE_N; [ "$case" = binary ] && n=$BINARY_N
  for rep in $(seq "$REPS"); do
    load1=$(cut -d' ' -f1 /proc/loadavg)
    if [ $((rep % 2)) -eq 1 ]; then first=local; run_local "$case"; run_cluster "$case"; else first=cluster; run_cluster "$case"; run_local "$case"; fi
    python3 - "$work/l.json" "$work/c.json" <<'PY' || { echo "answers differ" >&2; exit 1; }
import json, re, sys
def strip(x):
    if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if not re.search(r"second|time|_ms|solver|rate", k)}
    if isinstance(x, list): return [strip(v) for v in x]
    return x
a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
assert a["pairs"] and a == b, (a, b)
PY
    tl=$(seconds_of "$work/l.json"); tc=$(seconds_of "$work/c.json")
    load1_end=$(cut -d' ' -f1 /proc/loadavg)
    ns() { python3 -c "import sys; n=int(sys.argv[1]); print(f'{float(sys.argv[2]) * 1e9 / (n*(n-1)/2):.3f}')" "$n" "$1"; }
    row="$case,$n,$rep,$first,$load1,$load1_end,$tl,$tc,$(python3 -c "print(f'{$tl/$tc:.3f}')"),$(rate "$n" "$tl"),$(rate "$n" "$tc"),$wl,$wc_,$(python3 -c "print(f'{$wl/$wc_:.3f}')"),$cl,$cc,$(python3 -c "print(f'{$cl/$cc:.3f}')"),$client_cpu,$silo_cpu_s,$engine_cpu,$(ns "$cl"),$(ns "$cc"),$(ns "$engine_cpu")"
    echo "$row"; echo "$row" >>"$rows"
  done
done

python3 - "$rows" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for case in dict.fromkeys(r["case"] for r in rows):
    rs = [r for r in rows if r["case"] == case]
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    print(f"summary {case}: {len(rs)} runs; solve ratio median {med('solve_ratio'):.3f} (min {min(float(r['solve_ratio']) for r in rs):.3f}, max {max(float(r['solve_ratio']) for r in rs):.3f}); "
          f"CPU ns/pair median: local {med('local_ns_per_pair'):.3f}, cluster {med('cluster_ns_per_pair'):.3f} (silo engines {med('silo_engine_ns_per_pair'):.3f}); "
          f"load1 at starts and ends of runs {min(float(r[k]) for r in rs for k in ('load1', 'load1_end')):.2f}-{max(float(r[k]) for r in rs for k in ('load1', 'load1_end')):.2f}")
PY

if [ "$RECOVERY" = 1 ]; then
# Recovery: the dense job, undisturbed, then with silo 1 killed at ~50% of its pairs and a fresh silo started.
"$subquad" solve "$work/dense.npy" -p msd --cluster "$redis" --format json >"$work/c.json" 2>/dev/null
base=$(seconds_of "$work/c.json")
"$subquad" solve "$work/dense.npy" -p msd --cluster "$redis" --format json >"$work/k.json" 2>"$work/k.log" &
solver=$!; pids+=($solver)
until line=$(grep -E '% of pairs' "$work/k.log" | tail -n 1) && [ -n "$line" ] && \
      python3 -c "import sys,re; sys.exit(0 if float(re.search(r'([0-9.]+)% of pairs', sys.argv[1]).group(1)) >= 50 else 1)" "$line"; do sleep 0.2; done
kill -9 "${silo_pid[1]}"
start_silo 3
wait "$solver"
killed_total=$(seconds_of "$work/k.json")
echo "recovery: dense n=$DENSE_N undisturbed ${base} s; with a silo kill -9'd at ~50% of pairs (and a fresh silo started) ${killed_total} s; cost $(python3 -c "print(f'{$killed_total-$base:.1f}')") s"
grep -h "taken back" "$work"/silo*.log | sed 's/^/  /' | head -5 || true
fi
echo "silo logs (per job: chunks, seconds computing of seconds working; input check + load):"
grep -hE "chunks on|checked and loaded" "$work"/silo*.log | sed 's/^/  /' || true
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

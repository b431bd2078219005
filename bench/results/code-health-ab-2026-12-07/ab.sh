#!/bin/bash
# Alternating before/after run for issue 21: old = 5274352 (/tmp/old), new = HEAD snapshot (/work/exp/trees/ab-new)
export XDG_RUNTIME_DIR=/tmp
out=/work/exp/ab21; mkdir -p $out
for round in 1 2 3; do
  for side in old new; do
    [ $side = old ] && dir=/tmp/old || dir=/work/exp/trees/ab-new
    [ $((round % 2)) = 0 ] && { [ $side = old ] && dir=/work/exp/trees/ab-new || dir=/tmp/old; side=$([ $side = old ] && echo new || echo old); }
    cd $dir
    node bin/bench.mjs kernels --quick --json > $out/kernels-$side-$round.json 2>/dev/null
    node bin/bench.mjs ring --seq-len 2048 --reps 3 --json > $out/ring-$side-$round.json 2>/dev/null
    rm -rf /tmp/ab-train-$side; node bin/bench.mjs train --quick --store /work/exp/sim-store --out /tmp/ab-train-$side --json > $out/train-$side-$round.json 2>/dev/null
    echo "$(date +%T) round $round $side done"
  done
done

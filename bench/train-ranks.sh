#!/usr/bin/env bash
# Sequence-parallel scaling of `bench train`, measured alternately: PAIRS pairs of runs at
# R = RANKS (zigzag, shared) and R = 1 with the same flags, the order swapped every pair (4,1 then
# 1,4) so a drift in the machine's load falls on both. Each run's steady-state tokens/s comes from
# its --json summary (compile and the first step excluded); a pair's ratio is R's tokens/s over
# R = 1's. Prints one line per run and the pairs' ratios with their median; writes the figures as
# JSON to OUT (default out/train-ranks.json).
# Usage: STORE=dir [PAIRS=3] [STEPS=6] [RANKS=4] [OUT=file] bash bench/train-ranks.sh [extra bench train flags]
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
: "${STORE:?set STORE to a feature store folder (bench features --out)}"
PAIRS="${PAIRS:-3}"
STEPS="${STEPS:-6}"
RANKS="${RANKS:-4}"
OUT="${OUT:-out/train-ranks.json}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/train-ranks.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$(dirname "$OUT")"

run() { # run <ranks> <tag>: one bench train run, its summary JSON in $WORK/<tag>.json
  node bin/bench.mjs train --store "$STORE" --out "$WORK/run-$2" --ranks "$1" --steps "$STEPS" \
    --checkpoint-every 100000 --val-windows 1 --no-evaluate --json "${@:3}" >"$WORK/$2.json" 2>"$WORK/$2.err" || {
    echo "train-ranks: bench train --ranks $1 failed; its stderr:" >&2; tail -20 "$WORK/$2.err" >&2; exit 1; }
  node -e 'const j=require(process.argv[1]);console.error(`train-ranks: ${process.argv[2]} R=${process.argv[3]}: ${j.tokensPerSecond.toFixed(1)} tokens/s, step median ${j.stepMs.median.toFixed(0)} ms`)' "$WORK/$2.json" "$2" "$1"
}

for p in $(seq 1 "$PAIRS"); do
  if (( p % 2 == 1 )); then run "$RANKS" "p$p-r$RANKS" "$@"; run 1 "p$p-r1" "$@"
  else run 1 "p$p-r1" "$@"; run "$RANKS" "p$p-r$RANKS" "$@"; fi
done

node - "$WORK" "$PAIRS" "$RANKS" "$STEPS" "$OUT" <<'JS'
const [work, pairs, ranks, steps, out] = process.argv.slice(2);
const fs = require('node:fs');
const tps = (tag) => JSON.parse(fs.readFileSync(`${work}/${tag}.json`, 'utf8')).tokensPerSecond;
const rows = Array.from({ length: Number(pairs) }, (_, i) => {
  const r = tps(`p${i + 1}-r${ranks}`), one = tps(`p${i + 1}-r1`);
  return { pair: i + 1, ranks: Number(ranks), tokensPerSecond: r, tokensPerSecondR1: one, ratio: r / one };
});
const sorted = rows.map((r) => r.ratio).sort((a, b) => a - b);
const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
for (const r of rows) console.error(`train-ranks: pair ${r.pair}: R=${ranks} ${r.tokensPerSecond.toFixed(1)} / R=1 ${r.tokensPerSecondR1.toFixed(1)} tokens/s = ${r.ratio.toFixed(3)}`);
console.error(`train-ranks: median ratio over ${rows.length} pairs ${median.toFixed(3)} (min ${sorted[0].toFixed(3)}, max ${sorted[sorted.length - 1].toFixed(3)})`);
fs.writeFileSync(out, JSON.stringify({ schema: 'wattring.bench.train-ranks/1', steps: Number(steps), pairs: rows, medianRatio: median }, null, 2) + '\n');
JS

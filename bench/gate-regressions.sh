#!/usr/bin/env bash
# Proves `bench gate` catches the regressions of issue 15: applies each change to a copy of the
# committed tree (never this checkout), runs the gate there RUNS times (default 3) against the
# committed baseline, and requires exit 1 naming the expected metric every time; for the matmul and
# attention cases, with GATE_TIMING=1, also the timing (their `cpu work`): only against a baseline
# that gates timings (a GPU adapter's; on a CPU adapter none is gated, see docs/gate.md).
# Usage: bash bench/gate-regressions.sh [case ...]   cases: matmul-twice attention-slower
#        half-pages lr-x100 wrong-values (default: all). Prints one line per run; exit 1 on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
RUNS="${RUNS:-3}"
ROOT="$PWD"
CASES=("$@")
[ ${#CASES[@]} -eq 0 ] && CASES=(matmul-twice attention-slower half-pages lr-x100 wrong-values)

# patch <case> <tree>: the change, as a Python edit that fails loudly when its anchor moved
patch() {
  python3 - "$1" "$2" <<'PY'
import sys, pathlib
case, tree = sys.argv[1], pathlib.Path(sys.argv[2])
def edit(path, old, new):
    f = tree / path; s = f.read_text()
    if old not in s: sys.exit(f"gate-regressions: anchor for {case} not found in {path}")
    f.write_text(s.replace(old, new, 1))
if case == 'matmul-twice':      # same result, two dispatches, ~2x the time
    edit('src/kernels/ops/matmul.ts', '      pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);\n',
         '      pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);\n      pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);\n')
elif case == 'attention-slower':  # extra fold of the first T/sqrt(2) query rows into a throwaway state: +50 % causal work, same output
    edit('src/kernels/ops/attention.ts', '      kernels.encodeFinalize(encoder, { state: a.state, o: a.o, lse: a.lse });\n',
         '      kernels.encodeFinalize(encoder, { state: a.state, o: a.o, lse: a.lse });\n'
         '      const waste = kernels.createState(a.T); waste.encodeReset(encoder);\n'
         '      kernels.encodeFold(encoder, { q: a.q, qPos: pos, qRows: Math.round(a.T * Math.SQRT1_2), k: a.k, v: a.v, kPos: pos, kRows: a.T, state: waste });\n')
elif case == 'half-pages':       # the extract plan sizes windows for half-full pages
    edit('src/ingest/plan.ts', 'Math.floor((PAGE_LENGTH * (input.pagesPerWindow ?? 1)) / rowsPerHour)', 'Math.floor(((PAGE_LENGTH / 2) * (input.pagesPerWindow ?? 1)) / rowsPerHour)')
elif case == 'lr-x100':          # --quick learning rate 1e-2 -> 1
    edit('src/bench/commands/train.ts', "batch: 2, lr: 1e-2,", "batch: 2, lr: 1,")
elif case == 'wrong-values':     # GELU forward off by 1 %
    edit('shaders/gelu.wgsl', 'return 0.5 * v * (1.0 + tanh_stable(SQRT_2_OVER_PI * (v + K * v * v * v)));', 'return 1.01 * 0.5 * v * (1.0 + tanh_stable(SQRT_2_OVER_PI * (v + K * v * v * v)));')
else:
    sys.exit(f"gate-regressions: unknown case {case}")
PY
}
stages() { case "$1" in matmul-twice|attention-slower|wrong-values) echo kernels ;; half-pages) echo ingest ;; lr-x100) echo ingest,features,train ;; esac; }
# The timing the change must also fail (CPU adapters: the adapter threads' CPU work, see docs/gate.md).
expect_timing() { case "$1" in matmul-twice) echo 'regressed: kernels\.matmul 512x512x512\.cpu work' ;; attention-slower) echo 'regressed: kernels\.attention-fwd T512 H1 D32 causal\.cpu work' ;; *) echo '' ;; esac; }
expect() { case "$1" in matmul-twice) echo 'regressed: kernels\.matmul' ;; attention-slower) echo 'regressed: kernels\.attention-fwd' ;; half-pages) echo 'regressed: ingest\.requests per 1000 rows' ;; lr-x100) echo 'regressed: train\.(train|validation) loss|train failed' ;; wrong-values) echo 'regressed: kernels\.gelu-fwd [^ ]*\.(error|within tolerance)' ;; esac; }

missed=0
for c in "${CASES[@]}"; do
  tree="$(mktemp -d /tmp/wattring-gate-reg-XXXXXX)"
  git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$tree"
  ln -s "$ROOT/node_modules" "$tree/node_modules"
  patch "$c" "$tree"
  for i in $(seq 1 "$RUNS"); do
    set +e
    out="$(cd "$tree" && node bin/bench.mjs gate --stages "$(stages "$c")" --report-dir "$tree/out/gate" 2>&1)"; rc=$?
    set -e
    named="$(grep -E "gate: ($(expect "$c"))" <<<"$out" | head -3 | sed 's/^/    /')"
    timed=ok
    if [ -n "$(expect_timing "$c")" ] && [ "${GATE_TIMING:-0}" = 1 ]; then
      timed="$(grep -E "gate: ($(expect_timing "$c"))" <<<"$out" | head -1 | sed 's/^/    /')"
      [ -n "$timed" ] && named="$named"$'\n'"$timed"
    fi
    if [ "$rc" -eq 1 ] && [ -n "$named" ] && [ -n "$timed" ]; then echo "caught  $c run $i/$RUNS (exit $rc):"; echo "$named"
    else echo "MISSED  $c run $i/$RUNS (exit $rc)"; tail -5 <<<"$out" | sed 's/^/    /'; missed=1; fi
  done
  rm -rf "$tree"
done
exit "$missed"

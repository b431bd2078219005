#!/usr/bin/env bash
# Proves `bench gate` catches regressions as they arrive: each change is committed on top of HEAD in
# a temporary worktree (a detached commit, on no branch; this checkout is never touched), and the
# gate runs there RUNS times (default 3) — counts and quality against the committed baseline,
# timings in pairs against the reference commit of bench/baselines/reference.json — and must exit 1
# naming the expected metric every time. Issue 15's cases change counts or quality; issue 20's are
# silent slowdowns (same results, same dispatches) only the paired timings can see. `kernel-faster`
# checks the other way: HEAD against a reference with the matmul slowdown must pass, matmul faster.
# LOG_DIR=<dir> keeps each run's whole output as <dir>/<case>-<run>.log; ONLY=<substrings> passes
# --only (time only those metrics; counts and quality are still all gated); GATE_ARGS=<flags> adds
# flags to every gate run (e.g. --no-counts for a timing case of the ingest or kernels stage).
# Usage: bash bench/gate-regressions.sh [case ...]   cases: matmul-twice attention-slower
#        half-pages lr-x100 wrong-values kernel-work parser-slower train-step-slower arrow-write-slower kernel-faster
#        (default: all). Commit first: the worktrees are made from HEAD. One line per run; exit 1 on a miss.
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
RUNS="${RUNS:-3}"
ROOT="$PWD"
CASES=("$@")
[ ${#CASES[@]} -eq 0 ] && CASES=(matmul-twice attention-slower half-pages lr-x100 wrong-values kernel-work parser-slower train-step-slower arrow-write-slower kernel-faster)

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
    edit('src/kernels/ops/matmul.ts', '[...packs, product]);', '[...packs, product, product]);')
elif case == 'attention-slower':  # extra fold of the first T/sqrt(2) query rows into a throwaway state: +50 % causal work, same output
    edit('src/kernels/ops/attention.ts', '      kernels.encodeFinalize(encoder, { state: a.state, o: a.o, lse: a.lse });\n',
         '      kernels.encodeFinalize(encoder, { state: a.state, o: a.o, lse: a.lse });\n'
         '      const waste = kernels.createState(a.T); waste.encodeReset(encoder);\n'
         '      kernels.encodeFold(encoder, { q: a.q, qPos: pos, qRows: Math.round(a.T * Math.SQRT1_2), k: a.k, v: a.v, kPos: pos, kRows: a.T, state: waste });\n')
elif case == 'half-pages':       # the extract plan sizes windows for half-full pages
    edit('src/ingest/plan.ts', 'Math.floor((PAGE_LENGTH * (input.pagesPerWindow ?? 1)) / rowsPerHour)', 'Math.floor(((PAGE_LENGTH / 2) * (input.pagesPerWindow ?? 1)) / rowsPerHour)')
elif case == 'lr-x100':          # --quick learning rate 1e-2 -> 1
    edit('src/bench/train/presets.ts', "  batch: 2,\n  lr: 1e-2,\n", "  batch: 2,\n  lr: 1,\n")
elif case == 'wrong-values':     # GELU forward off by 1 %
    edit('shaders/gelu.wgsl', 'return 0.5 * v * (1.0 + tanh_stable(SQRT_2_OVER_PI * (v + K * v * v * v)));', 'return 1.01 * 0.5 * v * (1.0 + tanh_stable(SQRT_2_OVER_PI * (v + K * v * v * v)));')
elif case in ('kernel-work', 'kernel-faster'):  # matmul's k loop run again over half of K into accumulators times a runtime zero: ~1.5x the work, same output and dispatches
    body = ''.join(f'    let a{i} = a[r{i} + ka]; w0 = fma(vec4f(a{i}), b0, w0); w1 = fma(vec4f(a{i}), b1, w1);\n' for i in range(8))
    edit('shaders/matmul.wgsl', '  let cb = wg.z * p.c_batch;\n',
         '  var w0 = vec4f(0.0); var w1 = vec4f(0.0);\n'
         '  for (var k = 0u; k < p.K / 2u; k++) {\n    let ka = k * p.a_col;\n    let kb = k * p.N4;\n'
         '    let b0 = b[c0 + kb];\n    let b1 = b[c1 + kb];\n' + body + '  }\n'
         '  let zero = select(0.0, 1.0, p.K == 0xffffffffu);\n  x0 = fma(vec4f(zero), w0 + w1, x0);\n'
         '  let cb = wg.z * p.c_batch;\n')
    # the same on the subgroup variant, which adapters with subgroups (llvmpipe included) run
    sub = ''.join(f'    let b{i} = subgroupBroadcast(bl, {i}u); w0 = fma(vec4f(av.x), b{i}, w0); w1 = fma(vec4f(av.y), b{i}, w1);\n' for i in range(8))
    edit('shaders/matmul-subgroup.wgsl', '  let cb = wg.z * p.c_batch;\n',
         '  var w0 = vec4f(0.0); var w1 = vec4f(0.0);\n'
         '  for (var k = 0u; k < p.K / 2u; k++) {\n    let bl = b[bcol + k * p.N4];\n    let av = a[acol + k * p.MP2];\n'
         + sub + '  }\n'
         '  let zero = select(0.0, 1.0, p.K == 0xffffffffu);\n  x0 = fma(vec4f(zero), w0 + w1, x0);\n'
         '  let cb = wg.z * p.c_batch;\n')
elif case == 'parser-slower':    # the row parser's period cache and char-code fast path replaced by the general regex + Date parser
    edit('src/ingest/hours.ts', '    if (text === lastText) return lastMs;\n', '')
    edit('src/ingest/hours.ts', "text.charCodeAt(10) === 84 /* T */ ? fastHour(text) : undefined;", "text.charCodeAt(10) === 84 /* T */ ? parseHour(text) : undefined;")
elif case == 'train-step-slower':  # each training window cut from a JS array copy of its respondent's whole feature matrix
    edit('src/train/data.ts', '  const x = r.features.slice(ref.start * F, (ref.start + seqLen) * F);\n',
         '  const x = new Float32Array(Array.from(r.features).slice(ref.start * F, (ref.start + seqLen) * F));\n')
elif case == 'arrow-write-slower':  # the raw file's table serialised 3 more times, copies thrown away: ~1.5x the Arrow write (added after the gate's rule was fixed: a slowdown it was not tuned on)
    edit('src/ingest/arrow.ts', "  return tableToIPC(new Table([new RecordBatch(schema, struct)]), 'file');\n",
         "  const table = new Table([new RecordBatch(schema, struct)]);\n  for (let i = 0; i < 3; i++) tableToIPC(table, 'file');\n  return tableToIPC(table, 'file');\n")
else:
    sys.exit(f"gate-regressions: unknown case {case}")
PY
}
stages() { case "$1" in matmul-twice|attention-slower|wrong-values|kernel-work|kernel-faster) echo kernels ;; half-pages|parser-slower|arrow-write-slower) echo ingest ;; lr-x100|train-step-slower) echo ingest,features,train ;; esac; }
# The line a run must print: `regressed: <metric>` on exit 1, or (kernel-faster) the timing verdict on exit 0.
expect() { case "$1" in matmul-twice) echo 'regressed: kernels\.matmul' ;; attention-slower) echo 'regressed: kernels\.attention-fwd' ;; half-pages) echo 'regressed: ingest\.requests per 1000 rows' ;; lr-x100) echo 'regressed: train\.(train|validation) loss|train failed' ;; wrong-values) echo 'regressed: kernels\.gelu-fwd [^ ]*\.(error|within tolerance)' ;;
  kernel-work) echo 'regressed: kernels\.matmul' ;; arrow-write-slower) echo 'regressed: ingest\.Arrow write' ;; parser-slower) echo 'regressed: ingest\.parse \+ validate' ;; train-step-slower) echo 'regressed: train\.steady step' ;; kernel-faster) echo 'timing kernels\.matmul 512x512x512: faster' ;; esac; }
want_rc() { [ "$1" = kernel-faster ] && echo 0 || echo 1; }

# worktree <dir> <case|-> : a detached worktree of HEAD, with <case> committed on top (- : none)
worktree() {
  git worktree add --detach --quiet "$1" HEAD
  ln -s "$(realpath "$ROOT/node_modules")" "$1/node_modules"
  if [ "$2" != - ]; then
    patch "$2" "$1"
    git -C "$1" -c user.name=gate-regressions -c user.email=gate-regressions@localhost commit --quiet -am "gate-regressions: $2"
  fi
}

missed=0
for c in "${CASES[@]}"; do
  tree="$(mktemp -d /tmp/wattring-gate-reg-XXXXXX)"; rmdir "$tree"
  slow="" ; args=()
  if [ "$c" = kernel-faster ]; then
    # the reference carries the slowdown; the candidate is HEAD unchanged, so its matmul is faster
    slow="$(mktemp -d /tmp/wattring-gate-ref-XXXXXX)"; rmdir "$slow"
    worktree "$slow" "$c"; args=(--reference "$(git -C "$slow" rev-parse HEAD)")
    worktree "$tree" -
  else
    worktree "$tree" "$c"
  fi
  for i in $(seq 1 "$RUNS"); do
    set +e
    t0=$SECONDS
    only=(); [ -n "${ONLY:-}" ] && only=(--only "$ONLY")
    extra=(); [ -n "${GATE_ARGS:-}" ] && read -r -a extra <<<"$GATE_ARGS"
    out="$(cd "$tree" && node bin/bench.mjs gate --stages "$(stages "$c")" --report-dir "$tree/out/gate" "${args[@]}" "${only[@]}" "${extra[@]}" 2>&1)"; rc=$?
    [ -n "${LOG_DIR:-}" ] && printf '%s\n' "$out" > "$LOG_DIR/$c-$i.log"
    named="$(grep -E "gate: ($(expect "$c"))" <<<"$out" | head -3 | sed 's/^/    /')"
    set -e
    if [ "$rc" -eq "$(want_rc "$c")" ] && [ -n "$named" ]; then echo "caught  $c run $i/$RUNS (exit $rc, $((SECONDS - t0)) s):"; echo "$named"
    else echo "MISSED  $c run $i/$RUNS (exit $rc, $((SECONDS - t0)) s)"; { grep -E "gate: (regressed|timing|FAILED|passed)|rror" <<<"$out" || true; } | tail -8 | sed 's/^/    /'; missed=1; fi
  done
  git worktree remove --force "$tree"
  [ -n "$slow" ] && git worktree remove --force "$slow"
done
exit "$missed"

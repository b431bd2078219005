#!/usr/bin/env bash
# One command for a device loan (docs/kernels.md, "Running on a lent GPU"): on a bare machine with
# the working tree and .device/ (bench/device-pack.sh), it sets up Node.js, node_modules and the
# Vulkan loader where the machine lacks them, then runs, each into $OUT/<name>.json:
#   adapters  bench adapters --features $FEATURES (features, limits, subgroup-matrix configs)
#   kernels   bench kernels --features $FEATURES (every case; the f16 cases where shader-f16 exists)
#   ring      bench ring (T = 8,760, R = 4, H = 4, D = 32)
#   train     bench train at T = 8,760, R = 4 for $STEPS steps on a store built here (simulated
#             EIA extract of ERCO, 2023-01 … 2024-03, then bench features)
# plus $OUT/summary.json (each step's status, exit code and seconds; the machine) and
# $OUT/device-run.log (every command and its stderr). A failing step does not stop the others; the
# exit status is the number of failed steps, and the summary and the log's last line name them.
# Steps share a time budget ($BUDGET seconds): each gets at most its cap (scaled by BUDGET / 450, so
# a larger budget for a CPU adapter scales every cap) and what is left.
#
# Usage: [OUT=dir] [SMOKE=1] [FEATURES=f16,subgroup-matrix] [STEPS=20] [BUDGET=450]
#        [ONLY=kernels,train] [KERNELS_FILTER=text] [PACKED=1] bash bench/device-run.sh
# SMOKE=1: the same steps with one timed run per case/pass, ring with one head, 3 train steps (for
# a CPU adapter). KERNELS_FILTER: bench kernels --filter (default: every case).
# Bad settings exit 64 before anything is written.
# ONLY: run just these steps (a rerun of what failed; train needs store).
# PACKED=1: use .device's node, node_modules and libraries even where the machine has its own.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="${OUT:-out/device-run}"
SMOKE="${SMOKE:-0}"
FEATURES="${FEATURES:-f16,subgroup-matrix}"
BUDGET="${BUDGET:-450}"
PACKED="${PACKED:-0}"
ONLY="${ONLY:-}"
KERNELS_FILTER="${KERNELS_FILTER:-}"
case "$SMOKE" in
  0) MODE=full STEPS="${STEPS:-20}" ;;
  1) MODE=smoke STEPS="${STEPS:-3}" ;;
  *) echo "device-run: SMOKE '$SMOKE' is not 0 or 1" >&2; exit 64 ;;
esac
[[ "$STEPS" =~ ^[1-9][0-9]*$ ]] || { echo "device-run: STEPS '$STEPS' is not a positive integer" >&2; exit 64; }
[[ "$BUDGET" =~ ^[1-9][0-9]*$ ]] || { echo "device-run: BUDGET '$BUDGET' is not a positive integer" >&2; exit 64; }
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
LOG="$OUT/device-run.log"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/device-run.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
: >"$LOG"
STARTED=$SECONDS
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

say() { echo "device-run: $*" | tee -a "$LOG" >&2; }

unxz_to_stdout() { # .xz file → stdout, with xz or, where it is missing, Python's lzma
  if command -v xz >/dev/null; then xz -dc "$1"; else
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"
  fi
}

NODE=node
setup_node() {
  if [[ "$PACKED" != 1 ]] && command -v node >/dev/null &&
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
    say "node $(node --version) (this machine's)"
  elif [[ -f .device/node.xz ]]; then
    unxz_to_stdout .device/node.xz >"$WORK/node" && chmod +x "$WORK/node" && NODE="$WORK/node"
    say "node $("$NODE" --version) (from .device/node.xz)"
  else
    say "no Node.js >= 20 here and no .device/node.xz: run bash bench/device-pack.sh and carry .device"
    return 1
  fi
  if [[ "$PACKED" == 1 || ! -d node_modules/webgpu ]]; then
    [[ -f .device/node_modules.tar.xz ]] || { say "no node_modules and no .device/node_modules.tar.xz"; return 1; }
    if [[ -L node_modules || "$PACKED" == 1 ]]; then
      # A linked node_modules (a worktree's) stays as it is: the packed copy goes to a copy of the repo.
      mkdir -p "$WORK/repo" && tar -C "$ROOT" --exclude=./node_modules --exclude=./.git --exclude=./out \
        --exclude=./.device -cf - . |
        tar -C "$WORK/repo" -xf - && cd "$WORK/repo" || return 1
    fi
    unxz_to_stdout "$ROOT/.device/node_modules.tar.xz" | tar -xf - || return 1
    say "node_modules from .device/node_modules.tar.xz (in $PWD)"
  fi
}

setup_vulkan() {
  if [[ "$PACKED" == 1 ]] || ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
    if [[ -d "$ROOT/.device/lib" ]]; then
      export LD_LIBRARY_PATH="$ROOT/.device/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      say "Vulkan loader and GLVND from .device/lib"
    else
      say "no Vulkan loader here and no .device/lib: Dawn will find no adapter"
    fi
  fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [[ -z "${VK_DRIVER_FILES:-}" && -f "$icd" ]] && ! ls /usr/share/vulkan/icd.d/*nvidia* /etc/vulkan/icd.d/*nvidia* >/dev/null 2>&1; then
    export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
    say "Vulkan driver $icd (VK_DRIVER_FILES)"
  fi
}

STATUS_LINES=()
FAILED=()
record() { # record <name> <status> <exit> <seconds> <note>; rewrites summary.json after every step
  STATUS_LINES+=("$(printf '{"name":"%s","status":"%s","exit":%s,"seconds":%s,"note":"%s"}' "$1" "$2" "$3" "$4" "$5")")
  [[ "$2" == ok || "$5" == "not in ONLY" ]] || FAILED+=("$1")
  local gpu
  gpu="$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1 | tr -d '"')"
  {
    printf '{\n  "schema": "wattring.bench.device-run/1",\n  "mode": "%s",\n  "features": "%s",\n' "$MODE" "$FEATURES"
    printf '  "trainSteps": %s,\n  "budgetSeconds": %s,\n  "elapsedSeconds": %s,\n' "$STEPS" "$BUDGET" "$((SECONDS - STARTED))"
    printf '  "machine": {"kernel": "%s", "cpus": %s, "nvidiaSmi": "%s", "node": "%s", "vkDriverFiles": "%s"},\n' \
      "$(uname -r)" "$(nproc)" "$gpu" "$("$NODE" --version 2>/dev/null)" "${VK_DRIVER_FILES:-}"
    local sep='' line
    printf '  "steps": ['
    for line in "${STATUS_LINES[@]}"; do printf '%s\n    %s' "$sep" "$line" && sep=','; done
    printf '\n  ],\n  "failed": ['
    sep=''
    for line in "${FAILED[@]}"; do printf '%s"%s"' "$sep" "$line" && sep=', '; done
    printf ']\n}\n'
  } >"$OUT/summary.json"
}

# step <name> <cap seconds> <command…>: runs the command with stdout to $OUT/<name>.json, stderr to the log.
step() {
  local name="$1" cap=$(($2 * BUDGET / 450))
  shift 2
  if [[ -n "$ONLY" && ",$ONLY," != *",$name,"* ]]; then
    record "$name" skipped 0 0 "not in ONLY"
    return
  fi
  local left=$((BUDGET - (SECONDS - STARTED)))
  local limit=$((cap < left ? cap : left))
  if ((limit < 10)); then
    say "$name: skipped, ${left} s of the ${BUDGET} s budget left"
    record "$name" skipped 0 0 "budget spent"
    return
  fi
  say "$name: $* (limit ${limit} s)"
  local t0=$SECONDS rc
  # bash -c: the steps are this script's functions (exported below), which timeout cannot run itself.
  timeout --kill-after=10 "$limit" bash -c '"$@"' step "$@" >"$OUT/$name.json" 2>>"$LOG"
  rc=$?
  local took=$((SECONDS - t0)) status=ok note=""
  if ((rc == 124 || rc == 137)); then status=timeout note="over ${limit} s"
  elif ((rc != 0)); then status=failed note="exit $rc"; fi
  [[ -s "$OUT/$name.json" ]] || rm -f "$OUT/$name.json"
  say "$name: $status in ${took} s${note:+ ($note)}"
  record "$name" "$status" "$rc" "$took" "$note"
}

bench() { "$NODE" bin/bench.mjs "$@"; }
build_store() {
  bench extract --respondents ERCO --routes region-data --series D,DF --start 2023-01-01T00 --end 2024-03-31T23 \
    --time-scale 200 --timeout 6000 --out "$WORK/raw" --json >"$WORK/extract.json" &&
    bench features --in "$WORK/raw" --out "$WORK/store" \
      --split 2023-01-01..2024-01-31,2024-02-01..2024-02-29,2024-03-01..2024-03-31 --seq-len 8760 --json
}

setup_node || { record setup failed 1 0 "no node"; say "FAILED: setup"; exit 1; }
setup_vulkan
export NODE WORK
export -f bench build_store
if [[ "$MODE" == smoke ]]; then
  KERNEL_FLAGS=(--repeat 1 --warmup 0 --min-seconds 0 --max-seconds 1)
  RING_FLAGS=(--reps 1 --warmup 0 --heads 1)
else
  KERNEL_FLAGS=(--min-seconds 0.5 --max-seconds 3)
  RING_FLAGS=()
fi

step adapters 60 bench adapters --features "$FEATURES" --json
# --timeout 6000 (server seconds, 30 s wall at time scale 200): the default 60 s is 0.3 s wall,
# which a loaded CPU adapter's machine overran (every request timed out).
# The store's JSON is the features report (bench features --json); the extract's stays in the log.
step store 120 build_store
[[ -n "$KERNELS_FILTER" ]] && KERNEL_FLAGS+=(--filter "$KERNELS_FILTER")
step kernels 200 bench kernels --features "$FEATURES" --json "${KERNEL_FLAGS[@]}"
step ring 120 bench ring --json "${RING_FLAGS[@]}"
if [[ -f "$WORK/store/metadata.json" ]]; then
  step train 200 bench train --store "$WORK/store" --out "$WORK/run" --seq-len 8760 --ranks 4 --steps "$STEPS" \
    --checkpoint-every "$STEPS" --val-windows 1 --no-evaluate --json
else
  say "train: skipped, the store was not built"
  record train skipped 0 0 "no store"
fi

if ((${#FAILED[@]})); then say "FAILED: ${FAILED[*]} (see $OUT/summary.json and this log)"; else say "all steps ok in $((SECONDS - STARTED)) s"; fi
exit "${#FAILED[@]}"

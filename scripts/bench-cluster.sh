#!/usr/bin/env bash
# Runs N `bench extract` workers on one key as separate processes against one `bench serve eia`
# (time-scaled) and one loopback redis-server, then prints each worker's summary line, the server's
# counted requests (combined rate-limit efficiency) and the landed content hash.
#   scripts/bench-cluster.sh [-k 10] [-n 3] [-f 5xx=0.1,reset=0.02,truncated=0.01] [-x SECONDS (kill -9 worker 1)]
#                            [-r SECONDS (stop Redis, then --resume)] [-p preset] [-o DIR] [-s (one worker, no Redis)]
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
k=10 n=3 faults='' kill_after='' redis_stop='' preset=backfill-2019-2025 dir='' single=''
while getopts k:n:f:x:r:p:o:s opt; do
  case $opt in
    s) single=1 n=1 ;; k) k=$OPTARG ;; n) n=$OPTARG ;; f) faults=$OPTARG ;; x) kill_after=$OPTARG ;;
    r) redis_stop=$OPTARG ;; p) preset=$OPTARG ;; o) dir=$OPTARG ;; *) exit 2 ;;
  esac
done
dir=${dir:-$(mktemp -d /tmp/wattring-cluster-XXXX)}
mkdir -p "$dir"
key="bench-cluster-$RANDOM$RANDOM"
port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
start_redis() {
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >>"$dir/redis.log" 2>&1 &
  redis_pid=$!
  sleep 0.5
}
start_redis
node bin/bench.mjs serve eia --time-scale "$k" --keys "$key" ${faults:+--faults "$faults"} --json \
  >"$dir/serve.jsonl" 2>"$dir/serve.err" &
serve_pid=$!
until [[ -s "$dir/serve.jsonl" ]]; do sleep 0.1; done
url=$(head -1 "$dir/serve.jsonl" | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).url))')
worker() {
  local cluster=(--redis "redis://127.0.0.1:$port")
  [[ -n "$single" ]] && cluster=()
  exec node bin/bench.mjs extract --preset "$preset" --base-url "$url" --api-key "$key" --time-scale "$k" \
    "${cluster[@]}" --out "$dir/out" --json "$@"
}
run_workers() {
  local tag=$1; shift
  pids=()
  for i in $(seq 1 "$n"); do worker "$@" >"$dir/$tag$i.json" 2>"$dir/$tag$i.err" & pids+=($!); done
}
t0=$(date +%s.%N)
run_workers w
if [[ -n "$kill_after" ]]; then
  sleep "$kill_after"; kill -9 "${pids[0]}"; echo "kill -9 worker 1 (pid ${pids[0]}) after ${kill_after} s"
fi
if [[ -n "$redis_stop" ]]; then
  sleep "$redis_stop"; kill "$redis_pid"; echo "redis-server stopped after ${redis_stop} s"
fi
codes=()
for p in "${pids[@]}"; do set +e; wait "$p"; codes+=($?); set -e; done
t1=$(date +%s.%N)
echo "workers exited: ${codes[*]}; wall $(node -e "console.log(($t1-$t0).toFixed(1))") s"
if [[ -n "$redis_stop" ]]; then
  for i in $(seq 1 "$n"); do grep -h 'REDIS_LOST' "$dir/w$i.err" | head -1 || true; done
  start_redis
  t0=$(date +%s.%N)
  run_workers r --resume
  codes=()
  for p in "${pids[@]}"; do set +e; wait "$p"; codes+=($?); set -e; done
  t1=$(date +%s.%N)
  echo "resumed workers exited: ${codes[*]}; wall $(node -e "console.log(($t1-$t0).toFixed(1))") s"
fi
kill -INT "$serve_pid"; wait "$serve_pid" || true
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
node scripts/cluster-figures.mjs "$dir" "$k"

#!/usr/bin/env bash
# Benchmark: page latency of `cccm serve` on loopback while a comparison runs. Starts the server
# on scenarios/northwind, starts a long compare job, sends N page requests C at a time (curl),
# prints the latency percentiles and checks the goals: every request answered, the 95th
# percentile under GOAL_P95 seconds (default 0.25) and the job still running when the last
# answer came (no request waited on the simulation). Bounded: N requests, then it stops
# everything it started. Usage: scripts/serve-load.sh [CCCM] [N] [C]
set -euo pipefail
cd "$(dirname "$0")/.."
cccm=${1:-.build/release/cccm}
n=${2:-400}
c=${3:-16}
goal=${GOAL_P95:-0.25}
out=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$out"' EXIT
"$cccm" serve scenarios/northwind >"$out/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q 'token=' "$out/serve.log" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*/?token=[0-9a-f]*' "$out/serve.log" | head -1)
base=${url%%/\?*}
token=${url##*token=}
location=$(curl -s -o /dev/null -w '%{redirect_url}' -X POST -H "Origin: $base" \
  -d 'baseline=baseline.yaml&variant=variants/presales-plus-2.yaml&variant=variants/split-west.yaml&replications=20000&seed=11' "$base/jobs?token=$token")
job=$(echo "$location" | sed -E 's|.*/jobs/([0-9]+).*|\1|')
sleep 0.5
paths=("/" "/compare" "/jobs" "/api/jobs/$job" "/jobs/$job" "/scenario?file=variants/split-west.yaml")
for i in $(seq 0 $((n - 1))); do
  p=${paths[$((i % ${#paths[@]}))]}
  sep='?'; [[ $p == *\?* ]] && sep='&'
  echo "$base$p${sep}token=$token"
done | xargs -P "$c" -n 1 curl -s -o /dev/null -w '%{http_code} %{time_total}\n' >"$out/times"
state=$(curl -s "$base/api/jobs/$job?token=$token")
curl -s -o /dev/null -X POST -H "Origin: $base" "$base/jobs/$job/cancel?token=$token"
ok=$(grep -c '^200 ' "$out/times" || true)
sort -n -k2 "$out/times" | awk -v n="$n" -v c="$c" -v ok="$ok" -v goal="$goal" '
  { t[NR] = $2 }
  END {
    p50 = t[int(NR * 0.50) + 1]; p95 = t[int(NR * 0.95) + 1]; max = t[NR]
    printf "serve-load: %d requests, %d at a time, %d answered 200; latency p50 %.4f s, p95 %.4f s, max %.4f s (goal p95 < %s s)\n", NR, c, ok, p50, p95, max, goal
    if (ok != n || p95 >= goal) exit 1
  }'
echo "serve-load: job $job while the requests ran: $state"
echo "$state" | grep -q '"running"' || { echo "serve-load: the job finished before the requests did: use more replications" >&2; exit 1; }

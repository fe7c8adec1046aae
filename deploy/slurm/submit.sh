#!/usr/bin/env bash
# Submits a cccm command as N shards (a Slurm job array) and a merge job that starts when every
# shard succeeded (afterok). With compare --precision, runs wave after wave until the merge says
# the target precision (or --max-replications) is reached. docs/scale-out.md explains sizing N.
#
#   deploy/slurm/submit.sh -n N -o OUT [--wait] [-- SBATCH OPTIONS] COMMAND ARGS...
#   e.g.  deploy/slurm/submit.sh -n 16 -o results/q3 compare base.yaml split-west.yaml -r 4000
#
# The report lands in OUT/report.txt. --wait waits for the merge (always, with --precision).
# Extra sbatch options (partition, account, time) go in SBATCH_OPTIONS, e.g. "-p batch -t 30".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: submit.sh -n N -o OUT [--wait] COMMAND ARGS..."
count="" out="" wait=no
while [ $# -gt 0 ]; do
  case "$1" in
    -n) count=${2:?$usage}; shift 2 ;;
    -o) out=${2:?$usage}; shift 2 ;;
    --wait) wait=yes; shift ;;
    *) break ;;
  esac
done
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: -n N: a number of shards from 1, got '$count'; $usage" >&2; exit 64; }
[ -n "$out" ] && [ $# -ge 2 ] || { echo "submit.sh: $usage" >&2; exit 64; }
mkdir -p "$out/logs"
read -r -a extra <<< "${SBATCH_OPTIONS:-}"
precision=no
for arg in "$@"; do [ "$arg" = "--precision" ] && precision=yes; done

# One wave (or the whole command): the array, then the merge after it (afterok); with --wait,
# returns the merge job's exit status.
submit() {
  local wave_env=$1 wait_flag=$2 array merge status=0
  shift 2
  array=$(sbatch --parsable "${extra[@]}" --array="1-$count" --export="ALL,SHARDS=$count$wave_env" \
    --output="$out/logs/shard-%a.out" "$here/shard.sbatch" "$out" "$@")
  array=${array%%;*}
  merge=$(sbatch --parsable "${extra[@]}" $wait_flag --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --output="$out/logs/merge.out" "$here/merge.sbatch" "$out") || status=$?
  echo "submit.sh: shards job $array (array 1-$count), merge job ${merge%%;*}${wait_flag:+, exit status $status}" >&2
  return "$status"
}

if [ "$precision" = no ]; then
  if [ "$wait" = yes ]; then
    submit "" --wait "$@" || { echo "submit.sh: the merge failed; see $out/logs/merge.out" >&2; exit 1; }
    echo "submit.sh: report in $out/report.txt" >&2
  else
    submit "" "" "$@"
  fi
  exit 0
fi
for wave in $(seq 1 1000); do
  status=0
  submit ",WAVE=$wave" --wait "$@" || status=$?
  if [ "$status" -eq 0 ]; then
    echo "submit.sh: precision run complete after wave $wave; report in $out/report.txt" >&2
    exit 0
  fi
  # cccm merge exits 7 when another wave is needed; anything else is a failure.
  grep -q "run wave $((wave + 1))" "$out/logs/merge.out" 2>/dev/null || { echo "submit.sh: wave $wave failed; see $out/logs/" >&2; exit 1; }
done

#!/usr/bin/env bash
# cccm's speed against a hand-written C simulation of R1 (benchmarks/r1-reference.c, GSL mt19937),
# measured in alternation so that a shared machine's noisy spells hit both alike. Prints each pair
# and three medians:
# - engine: opportunities/s of the simulation loop, timed inside each program (one thread, 400
#   replications a run; cccm's run follows an untimed warm-up run, as `cccm bench` does); ratio cccm / C;
# - end to end: wall time of the whole `cccm run` of R1 (1,000 replications, one thread) against the
#   whole C program (1,000 replications, one run); ratio C seconds / cccm seconds;
# - Northwind: wall time of the whole `cccm compare` of the baseline and its first nine variants at
#   200 replications on all cores; with CCCM_BEFORE=path/to/an/older/cccm, in alternation with that
#   binary, and the ratio older / this.
# - Northwind with people: the whole compare of the people baseline and three transitions.
# Above 1, cccm (this build) is the faster. Usage: [CCCM_BEFORE=old-cccm] scripts/bench-reference.sh [pairs (7)]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-7}
scripts/setup.sh
swift build -c release --disable-local-rpath --product cccm >/dev/null
cccm=.build/release/cccm
reference=.build/r1-reference
cc -O2 -o "$reference" benchmarks/r1-reference.c -lgsl -lgslcblas -lm
median() { sort -n | awk '{r[NR]=$1} END {printf "%.2f", r[int((NR+1)/2)]}'; }
# Wall seconds of a whole command (output discarded).
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", e - s}'
}

echo "engine (inside the programs, R1, one thread, 400 replications a run):"
ratios=()
for i in $(seq "$pairs"); do
  c=$("$reference" 400 1 2>/dev/null | sed -E 's/^C reference \(mt19937\): ([0-9]+).*/\1/')
  swift=$("$cccm" bench --threads 1 --runs 1 --replications 400 | sed -nE 's/^1 thread: +([0-9]+) opportunities.*/\1/p')
  ratio=$(awk -v s="$swift" -v c="$c" 'BEGIN {printf "%.4f", s / c}')
  ratios+=("$ratio")
  printf '  pair %d: C %8.0f opportunities/s, cccm %8.0f opportunities/s, ratio %.2f\n' "$i" "$c" "$swift" "$ratio"
done
printf 'median ratio cccm / C, engine: %s over %d pairs\n' "$(printf '%s\n' "${ratios[@]}" | median)" "$pairs"

echo "end to end (whole programs, R1, one thread, 1,000 replications):"
ratios=()
for i in $(seq "$pairs"); do
  c=$(seconds "$reference" 1000 1)
  swift=$(seconds "$cccm" run scenarios/bench/r1.yaml --replications 1000 --threads 1 --quiet --format csv)
  ratio=$(awk -v s="$swift" -v c="$c" 'BEGIN {printf "%.4f", c / s}')
  ratios+=("$ratio")
  printf '  pair %d: C %6.2f s, cccm run %6.2f s, ratio C / cccm %.2f\n' "$i" "$c" "$swift" "$ratio"
done
printf 'median ratio C / cccm, end to end: %s over %d pairs\n' "$(printf '%s\n' "${ratios[@]}" | median)" "$pairs"

variants=$(ls scenarios/northwind/variants/*.yaml | sort | head -9)
# shellcheck disable=SC2086
compare=(compare scenarios/northwind/baseline.yaml $variants --replications 200 --quiet)
echo "Northwind compare (baseline + 9 variants, 200 replications, all cores):"
times=()
ratios=()
for i in $(seq "$pairs"); do
  if [[ -n "${CCCM_BEFORE:-}" ]]; then
    before=$(seconds "$CCCM_BEFORE" "${compare[@]}")
    now=$(seconds "$cccm" "${compare[@]}")
    ratios+=("$(awk -v b="$before" -v n="$now" 'BEGIN {printf "%.4f", b / n}')")
    printf '  pair %d: before %6.2f s, this build %6.2f s\n' "$i" "$before" "$now"
  else
    now=$(seconds "$cccm" "${compare[@]}")
    printf '  run %d: %6.2f s\n' "$i" "$now"
  fi
  times+=("$now")
done
printf 'median Northwind compare: %s s over %d runs\n' "$(printf '%s\n' "${times[@]}" | median)" "$pairs"
if [[ -n "${CCCM_BEFORE:-}" ]]; then
  printf 'median ratio before / this build, Northwind compare: %s over %d pairs\n' "$(printf '%s\n' "${ratios[@]}" | median)" "$pairs"
fi

# Northwind with people (West's reps ramp, leave and are replaced; two years) and its variants,
# which are transitions on day 0: the engine's people and transition paths, whole command.
people=(compare scenarios/northwind/people/baseline.yaml scenarios/northwind/people/west-hires-3.yaml
  scenarios/northwind/people/split-west.yaml scenarios/northwind/people/solutions-as-product-group.yaml --replications 200 --quiet)
echo "Northwind with people compare (baseline + 3 transitions, two years, 200 replications, all cores):"
times=()
for i in $(seq "$pairs"); do
  now=$(seconds "$cccm" "${people[@]}")
  printf '  run %d: %6.2f s\n' "$i" "$now"
  times+=("$now")
done
printf 'median Northwind-with-people compare: %s s over %d runs\n' "$(printf '%s\n' "${times[@]}" | median)" "$pairs"

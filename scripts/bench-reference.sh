#!/usr/bin/env bash
# Engine speed against a hand-written C simulation of R1 (benchmarks/r1-reference.c, GSL mt19937),
# measured in alternation so that a shared machine's noisy spells hit both alike.
# Prints each pair and the median ratio cccm / C (one thread, 400 replications per run, each timed
# inside its program; cccm's run follows an untimed warm-up run, as `cccm bench` does).
# Usage: scripts/bench-reference.sh [pairs (7)]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-7}
scripts/setup.sh
swift build -c release --disable-local-rpath --product cccm >/dev/null
reference=.build/r1-reference
cc -O2 -o "$reference" benchmarks/r1-reference.c -lgsl -lgslcblas -lm
ratios=()
for i in $(seq "$pairs"); do
  c=$("$reference" 400 1 2>/dev/null | sed -E 's/^C reference \(mt19937\): ([0-9]+).*/\1/')
  swift=$(.build/release/cccm bench --threads 1 --runs 1 --replications 400 | sed -nE 's/^1 thread: +([0-9]+) opportunities.*/\1/p')
  ratio=$(awk -v s="$swift" -v c="$c" 'BEGIN {printf "%.4f", s / c}')
  ratios+=("$ratio")
  printf 'pair %d: C %8.0f opportunities/s, cccm %8.0f opportunities/s, ratio %.2f\n' "$i" "$c" "$swift" "$ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{r[NR]=$1} END {printf "median ratio cccm / C: %.2f over %d pairs\n", r[int((NR+1)/2)], NR}'

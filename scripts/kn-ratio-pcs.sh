#!/usr/bin/env bash
# kn-ratio-pcs.sh [MACRO (4000)]: Kim-Nelson's probability of correct selection on a ratio
# objective (the ratio of sums), in the slippage configuration of
# Tests/ExperimentsTests/RatioSelectionTests.swift, over MACRO macro-replications instead of the
# test's 1,000. Prints the test's "theory check" line (PCS, its SE, mean replications); the
# figures are in docs/validation.md. About 6 s per 4,000 after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
CCCM_KN_RATIO_MACRO="${1:-4000}" swift test --filter "RatioSelectionTests/probabilityOfCorrectSelection" 2>&1 | grep -E "theory check|✘|error:"

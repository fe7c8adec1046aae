#!/usr/bin/env bash
# The README's main command, as an install check: a release build without $ORIGIN in the binary's
# library search path (a copy in a writable folder must not load a GSL planted beside it), and the
# reference comparison it runs, which must succeed.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --disable-local-rpath --product cccm >/dev/null
runpath=$(readelf -d .build/release/cccm | sed -nE 's/.*(RUNPATH|RPATH).*\[(.*)\]/\2/p')
case "$runpath" in
  *'$ORIGIN'*) echo "check-install: RUNPATH contains \$ORIGIN: $runpath" >&2; exit 1 ;;
esac
.build/release/cccm compare scenarios/northwind/baseline.yaml scenarios/northwind/variants/*.yaml -r 20 -q >/dev/null
echo "check-install: release binary RUNPATH [$runpath], reference comparison ran"

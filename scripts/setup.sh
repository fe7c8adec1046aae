#!/usr/bin/env bash
# Installs what cccm needs and is missing: GSL's and libxlsxwriter's development files (libgsl-dev,
# libxlsxwriter-dev), pkg-config, and unzip for the tests.
set -euo pipefail
missing=()
pkg-config --exists gsl 2>/dev/null || missing+=(libgsl-dev)
pkg-config --exists xlsxwriter 2>/dev/null || missing+=(libxlsxwriter-dev)
# The tests read the workbooks back (an xlsx file is a zip).
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (swift) is not on PATH" >&2; exit 1; }

#!/usr/bin/env bash
# CI: installs Chromium (Debian's package) for the browser tests, which render an HTML report
# headless; .ci/run then sets CCCM_REQUIRE_BROWSER=1 so a missing browser fails instead of skipping.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "ci-browser: installing chromium" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
chromium --version

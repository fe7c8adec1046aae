#!/usr/bin/env bash
# CI: installs Chromium (Debian's package) for the browser tests, which render an HTML report
# headless, and its WebDriver (chromium-driver) for the test that drives `cccm serve`'s page;
# .ci/run then sets CCCM_REQUIRE_BROWSER=1 so a missing browser fails instead of skipping.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci-browser: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
chromium --version
chromedriver --version

#!/usr/bin/env bash
# Debian packages the tests drive: Chromium for the browser tests (never a Playwright
# download) and espeak-ng, which speaks the test answers for the speech engine.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
[ ${#missing[@]} = 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null

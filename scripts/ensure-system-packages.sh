#!/usr/bin/env bash
# Debian packages the tests drive: Chromium for the browser tests (never a Playwright
# download), espeak-ng, which speaks the test answers for the speech engine, and CJK fonts
# so Chinese pages render (and can be screenshotted) in the headless browser; pango, which
# WeasyPrint lays out the PDF reports with, and poppler-utils (pdftotext, pdffonts,
# pdftoppm), which the report tests read and rasterise the PDFs with.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing+=(libpangoft2-1.0-0)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
[ ${#missing[@]} = 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Install what evidence needs on a fresh Debian machine, idempotently:
# Chinese TrueType fonts (embeddable), poppler-utils and qpdf (tests read PDFs back), a venv.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || need+=(fonts-arphic-uming)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
# glyph fallbacks (issue 17): CJK Extension B and monochrome emoji, both TrueType (embeddable)
[ -f /usr/share/fonts/truetype/hanazono/HanaMinB.ttf ] || need+=(fonts-hanazono)
[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || need+=(fonts-symbola)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
# the web intake's browser test drives Debian's Chromium (Playwright cannot download its own here)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# A real (non-editable) install: what a user gets, templates included; the OCR, web,
# signing and distributed (Dask) extras for their tests.
.venv/bin/python -m pip install -q ".[test,ocr,web,sign,distributed]"

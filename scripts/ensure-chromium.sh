#!/usr/bin/env bash
# Playwright runs Debian's Chromium (no browser download). Installs it with apt-get when missing.
set -euo pipefail
BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$BIN" ]; then
  "$BIN" --version 2>/dev/null || true
  exit 0
fi
echo "[ensure-chromium] $BIN not found: installing Debian's chromium"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
[ -x "$BIN" ] || { echo "[ensure-chromium] chromium is still missing at $BIN" >&2; exit 1; }
"$BIN" --version

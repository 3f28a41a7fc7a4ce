#!/usr/bin/env bash
# Make sure Debian's Chromium is installed at /usr/bin/chromium: the dashboard's browser
# tests drive it through Playwright (no Playwright-downloaded browser, no network at test
# time). Installs it with apt-get when missing; says what it does; exit 0 when present.
set -eu
if [ -x /usr/bin/chromium ]; then
  echo "browser: /usr/bin/chromium already installed ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "browser: /usr/bin/chromium missing and not root: run 'apt-get install chromium' as root" >&2
    exit 1
  fi
fi
echo "browser: /usr/bin/chromium missing; running: apt-get update -qq"
$SUDO apt-get update -qq
echo "browser: running: apt-get install -y -qq chromium"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
echo "browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"

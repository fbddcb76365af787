#!/usr/bin/env bash
# Installs what the test suite needs and this machine lacks; does nothing when all is there.
# Needs root (or sudo) only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v curl >/dev/null || missing+=(curl)
# The scanning tests run a private clamd with a signature file they write (no signature downloads).
[ -x /usr/sbin/clamd ] || missing+=(clamav-daemon)
# The load-balancer tests run the shipped deploy/nginx.conf with Debian's nginx, privately.
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
# The browser tests drive Debian's Chromium with playwright-core (never a downloaded browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Real protocol clients the tests drive (pinned in package-lock.json).
for client in tests/Clients/*/; do
  [ -f "$client/package.json" ] || continue
  if [ ! -d "$client/node_modules" ] || [ "$client/package-lock.json" -nt "$client/node_modules" ]; then
    (cd "$client" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

#!/usr/bin/env bash
# Installs the independently written WebSocket servers the project's own tests run against:
# node "ws" (from npm) and Python "websockets" (from Debian). Safe to run again; does nothing when present.
set -euo pipefail
dir="${CONFORMANCE_TARGETS_DIR:-$HOME/.cache/conformance/targets}"
mkdir -p "$dir"

if ! /usr/bin/python3 -c 'import websockets' 2>/dev/null; then
  echo "install.sh: installing python3-websockets (Debian)" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-websockets >/dev/null
fi

if [ ! -f "$dir/node_modules/ws/package.json" ]; then
  echo "install.sh: installing ws (npm) into $dir" >&2
  command -v npm >/dev/null || { echo "install.sh: npm is needed for the ws target" >&2; exit 1; }
  (cd "$dir" && { [ -f package.json ] || echo '{"name":"conformance-targets","private":true}' > package.json; } \
     && npm install --no-audit --no-fund --silent ws@8 >/dev/null)
fi

#!/usr/bin/env bash
# drive.sh ws|websockets URL AGENT — runs one client library's Autobahn driver loop (getCaseCount, runCase for each
# case with every message echoed, updateReports) against `conformance clients` at URL, in the foreground.
set -euo pipefail
name="${1:?usage: drive.sh ws|websockets URL AGENT}"
url="${2:?usage: drive.sh ws|websockets URL AGENT}"
agent="${3:?usage: drive.sh ws|websockets URL AGENT}"
dir="${CONFORMANCE_TARGETS_DIR:-$HOME/.cache/conformance/targets}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "$name" in
  ws) export NODE_PATH="$dir/node_modules"; exec node "$here/ws-client.js" "$url" "$agent" ;;
  websockets) exec /usr/bin/python3 "$here/websockets-client.py" "$url" "$agent" ;;
  *) echo "drive.sh: unknown client '$name' (ws, websockets)" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# drive.sh ws|websockets URL AGENT [CA] — runs one client library's Autobahn driver loop (getCaseCount, runCase for each
# case with every message echoed, updateReports) against `conformance clients` at URL, in the foreground. For a wss://
# URL, CA is the PEM certificate to trust (`conformance clients --tls` writes clients-certificate.pem).
set -euo pipefail
name="${1:?usage: drive.sh ws|websockets URL AGENT}"
url="${2:?usage: drive.sh ws|websockets URL AGENT}"
agent="${3:?usage: drive.sh ws|websockets URL AGENT [CA]}"
ca="${4:-}"
dir="${CONFORMANCE_TARGETS_DIR:-$HOME/.cache/conformance/targets}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "$name" in
  ws) export NODE_PATH="$dir/node_modules"; exec node "$here/ws-client.js" "$url" "$agent" $ca ;;
  websockets) exec /usr/bin/python3 "$here/websockets-client.py" "$url" "$agent" $ca ;;
  *) echo "drive.sh: unknown client '$name' (ws, websockets)" >&2; exit 2 ;;
esac

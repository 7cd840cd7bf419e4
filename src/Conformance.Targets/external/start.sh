#!/usr/bin/env bash
# start.sh ws|websockets|hypercorn|hypercorn-tls PORT — runs one echo server on 127.0.0.1:PORT in the foreground until killed.
# Text is echoed as text and binary as binary, with no message size limit.
set -euo pipefail
name="${1:?usage: start.sh ws|websockets|hypercorn|hypercorn-tls PORT}"
port="${2:?usage: start.sh ws|websockets|hypercorn|hypercorn-tls PORT}"
dir="${CONFORMANCE_TARGETS_DIR:-$HOME/.cache/conformance/targets}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "$name" in
  ws) export NODE_PATH="$dir/node_modules"; exec node "$here/ws-echo.js" "$port" ;;
  websockets) exec /usr/bin/python3 "$here/websockets-echo.py" "$port" ;;
  hypercorn) exec /usr/bin/python3 "$here/hypercorn-echo.py" "$port" ;;
  hypercorn-tls) exec /usr/bin/python3 "$here/hypercorn-echo.py" "$port" --tls ;;
  *) echo "start.sh: unknown server '$name' (ws, websockets, hypercorn, hypercorn-tls)" >&2; exit 2 ;;
esac

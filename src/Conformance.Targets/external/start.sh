#!/usr/bin/env bash
# start.sh ws|websockets|hypercorn|hypercorn-tls PORT — runs one echo server on 127.0.0.1:PORT in the foreground until killed.
# start.sh h2-accept-all|h2-refuse-all|h2-end-stream-ignored|h2-reset-answered|h2-streams-crossed|h2-reset-ends-all|h2-goaway-on-end PORT
#   an HTTP/2 server with one fault (h2-fault-server.py), which the cases of category E must catch.
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
  h2-accept-all) exec /usr/bin/python3 "$here/h2-fault-server.py" "$port" accept-all ;;
  h2-refuse-all) exec /usr/bin/python3 "$here/h2-fault-server.py" "$port" refuse-all ;;
  h2-end-stream-ignored|h2-reset-answered|h2-streams-crossed|h2-reset-ends-all|h2-goaway-on-end)
    exec /usr/bin/python3 "$here/h2-fault-server.py" "$port" "${name#h2-}" ;;
  *) echo "start.sh: unknown server '$name' (ws, websockets, hypercorn, hypercorn-tls, h2-accept-all, h2-refuse-all, h2-end-stream-ignored, h2-reset-answered, h2-streams-crossed, h2-reset-ends-all, h2-goaway-on-end)" >&2; exit 2 ;;
esac

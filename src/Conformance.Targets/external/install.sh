#!/usr/bin/env bash
# Installs what the project's own tests need beside the .NET SDK: the independently written WebSocket servers
# they run against (node "ws" from npm, Python "websockets" from Debian) and Debian's chromium, in which the
# report tests open the HTML report, and (through the fuzzing harnesses' install.sh) AFL++ and sharpfuzz.
# Safe to run again; does nothing when all is present.
set -euo pipefail
dir="${CONFORMANCE_TARGETS_DIR:-$HOME/.cache/conformance/targets}"
mkdir -p "$dir"

missing=()
/usr/bin/python3 -c 'import websockets' 2>/dev/null || missing+=(python3-websockets)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install.sh: installing ${missing[*]} (Debian)" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -f "$dir/node_modules/ws/package.json" ]; then
  echo "install.sh: installing ws (npm) into $dir" >&2
  command -v npm >/dev/null || { echo "install.sh: npm is needed for the ws target" >&2; exit 1; }
  (cd "$dir" && { [ -f package.json ] || echo '{"name":"conformance-targets","private":true}' > package.json; } \
     && npm install --no-audit --no-fund --silent ws@8 >/dev/null)
fi

# The coverage-guided fuzzing test runs AFL++ on a planted bug.
"$(dirname "${BASH_SOURCE[0]}")/../../Conformance.Fuzzing.Harnesses/install.sh"

#!/usr/bin/env bash
# Installs what the project's own tests need beside the .NET SDK: the independently written WebSocket servers
# they run against (node "ws" from npm, Python "websockets" from Debian; Python "hypercorn" serving WebSockets over
# HTTP/2, and Python "h2" and "hpack", against whose codecs the suite's HTTP/2 layer is tested), Debian's chromium, in which the
# report tests open the HTML report, PowerShell (the NuGet tool), with which a test compares run.ps1 to run.sh,
# and (through the fuzzing harnesses' install.sh) AFL++ and sharpfuzz.
# Safe to run again; does nothing when all is present.
# Exit status: 0 when everything is there; 2 when something is missing that this machine cannot install (no apt-get,
# neither root nor sudo, no npm, not Linux), each on a line "install.sh: needs NAME: ..." that the tests needing it
# repeat when they are ignored; 1 when an install failed.
set -euo pipefail
dir="${CONFORMANCE_TARGETS_DIR:-$HOME/.cache/conformance/targets}"
tools="${CONFORMANCE_TOOLS_DIR:-$HOME/.cache/conformance/tools}"
powershell_version=7.6.9
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cannot=0

needs() { # NAME WHAT WHY
  echo "install.sh: needs $1: $2 ($3)" >&2
  cannot=1
}

# Why Debian packages cannot be installed here, or nothing when they can.
apt_unavailable() {
  if ! command -v apt-get >/dev/null 2>&1; then echo "no apt-get on this machine: install it another way"
  elif [ "$(id -u)" != 0 ] && ! sudo -n true >/dev/null 2>&1; then echo "apt-get needs root or sudo without a password"
  fi
}

chromium_on_path() {
  local name
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    command -v "$name" >/dev/null 2>&1 && return 0
  done
  return 1
}

missing=()
/usr/bin/python3 -c 'import websockets' 2>/dev/null || missing+=(python3-websockets)
/usr/bin/python3 -c 'import h2, hpack, hyperframe' 2>/dev/null || missing+=(python3-h2)
/usr/bin/python3 -c 'import hypercorn' 2>/dev/null || missing+=(python3-hypercorn)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
chromium_on_path || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  why="$(apt_unavailable)"
  if [ -n "$why" ]; then
    for package in "${missing[@]}"; do
      case "$package" in
        python3-websockets) needs websockets "Python websockets for /usr/bin/python3 (Debian's python3-websockets)" "$why" ;;
        python3-h2) needs h2 "Python h2, hpack and hyperframe for /usr/bin/python3 (Debian's python3-h2)" "$why" ;;
        python3-hypercorn) needs hypercorn "Python hypercorn for /usr/bin/python3 (Debian's python3-hypercorn)" "$why" ;;
        openssl) needs hypercorn "openssl on PATH, which makes hypercorn's certificate (Debian's openssl)" "$why" ;;
        chromium) needs chromium "Chromium or Chrome on PATH (Debian's chromium)" "$why" ;;
      esac
    done
  else
    echo "install.sh: installing ${missing[*]} (Debian)" >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo -n"; fi
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ ! -f "$dir/node_modules/ws/package.json" ]; then
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    needs ws "node ws (npm's ws, with Node.js)" "no npm or node on PATH"
  else
    echo "install.sh: installing ws (npm) into $dir" >&2
    mkdir -p "$dir"
    (cd "$dir" && { [ -f package.json ] || echo '{"name":"conformance-targets","private":true}' > package.json; } \
       && npm install --no-audit --no-fund --silent ws@8 >/dev/null)
  fi
fi

if ! command -v pwsh >/dev/null 2>&1 && [ ! -x "$tools/pwsh" ]; then
  echo "install.sh: installing PowerShell $powershell_version (NuGet tool) into $tools" >&2
  mkdir -p "$tools"
  dotnet tool install PowerShell --version "$powershell_version" --tool-path "$tools" >/dev/null
fi

# The coverage-guided fuzzing test runs AFL++ on a planted bug.
status=0
"$here/../../Conformance.Fuzzing.Harnesses/install.sh" || status=$?
case "$status" in
  0) ;;
  2) cannot=1 ;;
  *) exit "$status" ;;
esac

if [ "$cannot" = 1 ]; then exit 2; fi

#!/usr/bin/env bash
# ./run.sh [flags]     run every case against the embedded Kestrel echo server (or --target URL); see ./run.sh --help
# ./run.sh list        list the cases a selection would run
# ./run.sh clients     serve the cases to WebSocket clients (Autobahn fuzzingserver protocol) until /updateReports
# ./run.sh test        run the project's own tests (installs the real servers they need where it can)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

case "${1:-}" in
  test)
    shift
    # Exit status 2: something this machine cannot install; the tests that need it are ignored, saying what they need.
    status=0
    src/Conformance.Targets/external/install.sh || status=$?
    if [ "$status" != 0 ] && [ "$status" != 2 ]; then exit "$status"; fi
    dotnet build Conformance.sln -c Release --nologo -v quiet
    # One test project at a time: several at once on a small machine starve the cases' one-second timers.
    # The heavy cases (over 32 MiB each way: the largest of categories 9, 12 and 13) are left to ./run.sh;
    # a --filter given here narrows that further.
    filter="TestCategory!=Heavy"
    rest=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --filter) filter="($filter)&(${2:?--filter needs an expression})"; shift 2 ;;
        --filter=*) filter="($filter)&(${1#--filter=})"; shift ;;
        *) rest+=("$1"); shift ;;
      esac
    done
    exec dotnet test Conformance.sln -c Release --nologo --no-build -m:1 --filter "$filter" ${rest[@]+"${rest[@]}"}
    ;;
  *)
    if ! build_log=$(dotnet build src/Conformance.Cli/Conformance.Cli.csproj -c Release --nologo -v quiet 2>&1); then
      printf '%s\n' "$build_log" >&2
      echo "run.sh: the build failed" >&2
      exit 2
    fi
    exec dotnet src/Conformance.Cli/bin/Release/net10.0/conformance.dll "$@"
    ;;
esac

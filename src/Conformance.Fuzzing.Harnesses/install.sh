#!/usr/bin/env bash
# Installs what coverage-guided fuzzing (`./run.sh fuzz --engine afl`) needs beside the .NET SDK: Debian's afl++
# (afl-fuzz, afl-tmin, afl-cmin) and the SharpFuzz.CommandLine tool (sharpfuzz, which instruments assemblies) into
# ~/.cache/conformance/tools (or $CONFORMANCE_TOOLS_DIR). Safe to run again; does nothing when all is present.
# Exit status: 0 when all is there; 2 when this machine cannot install what is missing, said on a line
# "install.sh: needs afl: ..." with what to install; 1 when an install failed.
set -euo pipefail
tools="${CONFORMANCE_TOOLS_DIR:-$HOME/.cache/conformance/tools}"
sharpfuzz_version=2.3.0

if [ "$(uname -s)" != Linux ]; then
  echo "install.sh: needs afl: Linux (AFL++ with SharpFuzz runs on Linux only)" >&2; exit 2
fi

if ! command -v afl-fuzz >/dev/null 2>&1 || ! command -v afl-tmin >/dev/null 2>&1 || ! command -v afl-cmin >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install.sh: needs afl: AFL++ 4 (afl-fuzz, afl-tmin, afl-cmin on PATH); there is no apt-get to install it with" >&2; exit 2
  fi
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true >/dev/null 2>&1; then sudo="sudo -n"; else
    echo "install.sh: needs afl: Debian's package afl++, installed as root (apt-get install afl++)" >&2; exit 2
  fi
  echo "install.sh: installing afl++ (Debian)" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq afl++ >/dev/null
fi

if [ ! -x "$tools/sharpfuzz" ]; then
  echo "install.sh: installing SharpFuzz.CommandLine $sharpfuzz_version (NuGet) into $tools" >&2
  mkdir -p "$tools"
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$tools" >/dev/null \
    || { echo "install.sh: could not install the dotnet tool SharpFuzz.CommandLine $sharpfuzz_version into $tools" >&2; exit 1; }
fi

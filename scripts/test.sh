#!/usr/bin/env bash
# Runs every test of the repository. Installs first what a fresh Debian machine with the .NET SDK
# lacks for them, so the same command works on a new machine and in CI.
#
#   scripts/test.sh                 # all tests
#   scripts/test.sh --filter Echo   # extra arguments go to dotnet test
#
# TRX results go to $VELITHON_TEST_RESULTS (default: artifacts/test-results).
set -euo pipefail
cd "$(dirname "$0")/.."

results="${VELITHON_TEST_RESULTS:-artifacts/test-results}"

# Debian packages the tests use, installed only when missing: the Python client, Redis, the browser,
# and the native toolchain for the Native AOT publish.
debian_packages=(python3-websockets redis-server chromium clang zlib1g-dev)
missing=()
for package in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node's ws package for the third-party client tests, exactly as locked.
(cd tests/clients/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

rm -rf "$results"
mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Velithon.sln --nologo -v quiet
dotnet test Velithon.sln --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"

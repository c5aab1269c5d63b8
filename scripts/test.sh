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

# Debian packages the tests use, installed only when missing (scripts/missing-packages.sh says which).
read -r -a missing <<<"$(scripts/missing-packages.sh)"
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node's ws package for the third-party client tests, and the official AsyncAPI parser that validates the
# generated documents, exactly as locked.
(cd tests/clients/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
(cd tests/clients/asyncapi && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

rm -rf "$results"
mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Velithon.sln --nologo -v quiet
test_arguments=(--no-build --nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$results")
if [ $# -gt 0 ]; then
  dotnet test Velithon.sln "${test_arguments[@]}" "$@"
  exit
fi

# The tests that build the repository from a clean copy (the Native AOT publish, the packages in a fresh app)
# run last and alone: beside the other test assemblies on two busy cores they can take several times as long.
status=0
dotnet test Velithon.sln "${test_arguments[@]}" --filter "Category!=CleanBuild" || status=$?
dotnet test tests/Velithon.Demo.Tests "${test_arguments[@]}" --filter "Category=CleanBuild" || status=$?
exit $status

#!/usr/bin/env bash
# Publishes the baseline and the Velithon subject with Native AOT (warnings are errors) and measures
# binary size, start to first echo, and idle memory. Publishes from a clean obj folder each time: a
# second publish over a failed one can wrongly succeed.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for project in Velithon.Benchmarks.Baseline Velithon.Benchmarks.Subject; do
  rm -rf "benchmarks/$project/obj/Release/net10.0/linux-x64"
  dotnet publish "benchmarks/$project" -c Release -r linux-x64 -o "$out/$project" --nologo -v quiet
done
dotnet build benchmarks/Velithon.Benchmarks.LoadGenerator -c Release --nologo -v quiet
dotnet benchmarks/Velithon.Benchmarks.LoadGenerator/bin/Release/net10.0/Velithon.Benchmarks.LoadGenerator.dll aot \
  "$out/Velithon.Benchmarks.Baseline/Velithon.Benchmarks.Baseline" \
  "$out/Velithon.Benchmarks.Subject/Velithon.Benchmarks.Subject" "$@"

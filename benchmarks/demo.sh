#!/usr/bin/env bash
# Publishes the sample twice, Native AOT and JIT (framework-dependent), and measures both:
# size, exec to the first accepted connection answering an echo, and resident memory once idle.
#   benchmarks/demo.sh [--rounds 5]
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# A clean obj folder for the native publish: a second publish over a failed one can wrongly succeed.
rm -rf samples/Velithon.Demo/obj/Release/net10.0/linux-x64
dotnet publish samples/Velithon.Demo -c Release -r linux-x64 -o "$out/aot" --nologo -v quiet
dotnet publish samples/Velithon.Demo -c Release -p:PublishAot=false -o "$out/jit" --nologo -v quiet
dotnet build benchmarks/Velithon.Benchmarks.LoadGenerator -c Release --nologo -v quiet
dotnet benchmarks/Velithon.Benchmarks.LoadGenerator/bin/Release/net10.0/Velithon.Benchmarks.LoadGenerator.dll demo \
  "$out/aot/Velithon.Demo" "$out/jit" "$@"

#!/usr/bin/env bash
# Runs the measurements behind the charts at the top of docs/benchmarks.md and draws the charts from their results:
#   benchmarks/charts.sh                 everything: callgrind (Native AOT) echo instructions, binary and text, 32 B at
#                                        64 connections; Native AOT start and memory per idle connection (10,000);
#                                        then the JIT load rounds (7 alternating rounds at 64 and 256 connections,
#                                        broadcast to 1,000, 10,000 idle connections), the part most moved by a busy machine
#   benchmarks/charts.sh callgrind|aot|load   one part; it replaces only its own JSON files
#   benchmarks/charts.sh draw            only redraws the charts from the JSON files there
# Results (JSON, one file per measurement, every round of every server) and charts (SVG) go to docs/benchmarks/,
# or to the folder VELITHON_RESULTS names. Nothing in them is edited by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
results="${VELITHON_RESULTS:-docs/benchmarks}"
part="${1:-all}"
generator=benchmarks/Velithon.Benchmarks.LoadGenerator/bin/Release/net10.0/Velithon.Benchmarks.LoadGenerator.dll
mkdir -p "$results"
# One Native AOT publish for every native mode below.
VELITHON_NATIVE_OUT="$(mktemp -d)"
export VELITHON_NATIVE_OUT
trap 'rm -rf "$VELITHON_NATIVE_OUT"' EXIT
dotnet build benchmarks/Velithon.Benchmarks.LoadGenerator -c Release --nologo -v quiet

if [ "$part" = all ] || [ "$part" = callgrind ]; then
  benchmarks/native.sh callgrind --results "$results"
  benchmarks/native.sh callgrind --text --results "$results"
fi
if [ "$part" = all ] || [ "$part" = aot ]; then
  benchmarks/native.sh aot --rounds 3 --idle 10000 --results "$results"
fi
if [ "$part" = all ] || [ "$part" = load ]; then
  # The result file records the machine's load averages at the start and the end of the run.
  dotnet "$generator" --rounds 7 --seconds 2 --connections 64,256 --idle 10000 --broadcast 1000 --results "$results"
fi
dotnet "$generator" charts "$results"

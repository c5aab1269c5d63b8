#!/usr/bin/env bash
# Publishes the baseline and the Velithon subject with Native AOT (warnings are errors), then measures:
#   benchmarks/native.sh aot [--rounds 5] [--idle 10000]  binary size, start to first echo, idle RSS;
#                                                  with --idle, memory per idle connection too
#   benchmarks/native.sh callgrind [--handshakes]   server instructions per echoed message, or per handshake (valgrind)
#   benchmarks/native.sh callgrind --handshakes --path velithon-endpoint=/echo-endpoint
#                                                  per handshake on another route of the subject too (any new name)
#   benchmarks/native.sh callgrind --startup        from exec to the first echoed message, all threads
#   benchmarks/native.sh callgrind --broadcast 100  per broadcast to 100 members on one server (one receive, 100 sends)
#   benchmarks/native.sh callgrind --deflate [--size 32]  per echoed message with permessage-deflate negotiated
#   benchmarks/native.sh callgrind --text [--size 32]     per echoed text message
# Any mode also takes --results FOLDER (JSON for the charts; see benchmarks/charts.sh).
# Each publish starts from a clean obj folder: a second publish over a failed one can wrongly succeed.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:?usage: benchmarks/native.sh aot|callgrind [options]}"
shift
# VELITHON_NATIVE_OUT=FOLDER keeps the published binaries there and reuses them if they are already there, so
# benchmarks/charts.sh measures several modes on one publish (it gives a fresh folder each time it runs).
if [ -n "${VELITHON_NATIVE_OUT:-}" ]; then
  out="$VELITHON_NATIVE_OUT"
else
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi
for project in Velithon.Benchmarks.Baseline Velithon.Benchmarks.Subject; do
  if [ -n "${VELITHON_NATIVE_OUT:-}" ] && [ -x "$out/bare/$project/$project" ]; then
    continue
  fi
  rm -rf "benchmarks/$project/obj/Release/net10.0/linux-x64"
  dotnet publish "benchmarks/$project" -c Release -r linux-x64 -o "$out/$project" --nologo -v quiet
  # valgrind runs the binary as is, but not with its .dbg file beside it.
  mkdir -p "$out/bare/$project"
  cp "$out/$project/$project" "$out/bare/$project/"
done
dotnet build benchmarks/Velithon.Benchmarks.LoadGenerator -c Release --nologo -v quiet
# With --results FOLDER the figures are also written as JSON; the file records this script as the command.
VELITHON_BENCHMARK_ENTRY="benchmarks/native.sh" \
dotnet benchmarks/Velithon.Benchmarks.LoadGenerator/bin/Release/net10.0/Velithon.Benchmarks.LoadGenerator.dll "$mode" \
  "$out/bare/Velithon.Benchmarks.Baseline/Velithon.Benchmarks.Baseline" \
  "$out/bare/Velithon.Benchmarks.Subject/Velithon.Benchmarks.Subject" "$@"

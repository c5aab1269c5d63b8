#!/usr/bin/env bash
# Scale-out measurements of docs/scale-out.md.
#   benchmarks/scale-out.sh fanout [--servers 2,4,8] [--groups 10,100,1000] [--members 5] [--messages 2000] [--placement random|spread:K]
#       what Redis sends each server, for this tree (per-topic subscriptions) and for the one-channel backplane that
#       came before it, the same harness built against that commit's sources in a git worktree; the same seed gives
#       both the same placement and the same messages
#   benchmarks/scale-out.sh redis [--rounds 3]
#       Redis CPU per publish by subscribers, publish throughput, Redis memory per channel and per subscription
# Results go to stdout; the fan-out points also to $SCALEOUT_OUT (default: a temporary folder) as .tsv files.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:?usage: benchmarks/scale-out.sh fanout|redis [options]}"
shift
# The last commit with one Redis channel for every broadcast (the commit before per-topic subscriptions).
one_channel_commit=7677207
project=benchmarks/Velithon.Benchmarks.ScaleOut
harness="$project/bin/Release/net10.0/Velithon.Benchmarks.ScaleOut.dll"
dotnet build "$project" -c Release --nologo -v quiet

if [ "$mode" = redis ]; then
  rounds=3
  if [ "${1:-}" = --rounds ]; then rounds="$2"; fi
  dotnet "$harness" redis-cost --rounds "$rounds"
  dotnet "$harness" redis-memory
  # redis-benchmark (Debian's redis-tools) on the same machine: PUBLISH with no subscriber, for comparison.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  dir="$(mktemp -d)"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
  until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
  for round in $(seq "$rounds"); do
    redis-benchmark -p "$port" -n 500000 -c 8 -P 32 -q PUBLISH velithon:g:room "$(printf 'x%.0s' $(seq 64))" \
      | tr '\r' '\n' | grep 'requests per second'
  done
  # Redis's own CPU for all those publishes: divide by rounds x 500,000.
  redis-cli -p "$port" info cpu | grep -E '^used_cpu_(user|sys):'
  exit 0
fi

out="${SCALEOUT_OUT:-$(mktemp -d)}"
mkdir -p "$out"
worktree="$(mktemp -d)/one-channel"
git worktree add --detach "$worktree" "$one_channel_commit" >/dev/null
trap 'git worktree remove --force "$worktree"' EXIT
mkdir -p "$worktree/$project"
cp "$project"/*.cs "$project"/*.csproj "$worktree/$project/"
dotnet build "$worktree/$project" -c Release -p:ScaleOutDesign=OneChannel --nologo -v quiet
rm -f "$out/one-channel.tsv" "$out/per-topic.tsv"
dotnet "$worktree/$harness" fanout "$@" --output "$out/one-channel.tsv"
dotnet "$harness" fanout "$@" --output "$out/per-topic.tsv"
dotnet "$harness" compare "$out/one-channel.tsv" "$out/per-topic.tsv"

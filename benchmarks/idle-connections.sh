#!/usr/bin/env bash
# Many idle connections on this machine, client included: publishes the Velithon subject (and, with --baseline, the
# hand-written server) with Native AOT, then runs the load generator's idle-connections mode:
#   benchmarks/idle-connections.sh [--baseline] [--connections 10000,50000,250000] [--hold 40] [--per-server N] [other idle-connections options]
# Each count opens that many connections from bare-socket client processes spread over 127.0.0.2 onwards (every
# 127.0.0.0/8 address is the loopback on Linux), holds them, reads the servers' resident memory, then pings every
# connection and counts the pongs. See docs/benchmarks.md, "250,000 idle connections".
#
# What it needs from the machine, and sets itself where it can:
#   - open files: one per connection in the server and one in the client. The soft limit is raised to the hard one
#     here; the hard limit cannot be raised without CAP_SYS_RESOURCE, so the connections are spread over server and
#     client processes of at most (hard limit - 1000) each.
#   - ephemeral ports: with IP_BIND_ADDRESS_NO_PORT each source address gives one net.ipv4.ip_local_port_range per
#     server port; ten source addresses are more than enough, so the range is left as it is.
#   - net.core.somaxconn and net.ipv4.tcp_max_syn_backlog bound the accept queue; the clients keep at most 64
#     handshakes in flight each, under both defaults (4096, 2048) and Kestrel's listen backlog (512).
#   - net.netfilter.nf_conntrack_max, when connection tracking is on: each connection is one entry.
set -euo pipefail
cd "$(dirname "$0")/.."

baseline=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) baseline=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

hard="$(ulimit -Hn)"
ulimit -n "$hard"
per_process=$((hard - 1000))
echo "open files: $(ulimit -n) per process (hard limit $hard); at most $per_process connections per process" >&2
for setting in net.ipv4.ip_local_port_range net.core.somaxconn net.ipv4.tcp_max_syn_backlog net.netfilter.nf_conntrack_max fs.file-max; do
  echo "$setting = $(sysctl -n "$setting" 2>/dev/null | tr '\t' ' ' || echo unavailable)" >&2
done

out="$(mktemp -d)"
generator=""
cleanup() {
  # The load generator stops its servers and clients itself; an interrupted run leaves them in its process group.
  if [ -n "$generator" ]; then kill -- "-$generator" 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT INT TERM

projects=(Velithon.Benchmarks.Subject)
[ "$baseline" -eq 1 ] && projects=(Velithon.Benchmarks.Baseline "${projects[@]}")
for project in "${projects[@]}"; do
  rm -rf "benchmarks/$project/obj/Release/net10.0/linux-x64"
  dotnet publish "benchmarks/$project" -c Release -r linux-x64 -o "$out/$project" --nologo -v quiet
done
dotnet build benchmarks/Velithon.Benchmarks.LoadGenerator -c Release --nologo -v quiet

servers=()
[ "$baseline" -eq 1 ] && servers+=(--server "baseline=$out/Velithon.Benchmarks.Baseline/Velithon.Benchmarks.Baseline")
servers+=(--server "velithon=$out/Velithon.Benchmarks.Subject/Velithon.Benchmarks.Subject")
# Options given to this script come first, so they win over the defaults after them.
setsid dotnet benchmarks/Velithon.Benchmarks.LoadGenerator/bin/Release/net10.0/Velithon.Benchmarks.LoadGenerator.dll idle-connections \
  "${servers[@]}" "${args[@]}" --per-server "$per_process" --per-client "$per_process" &
generator=$!
wait "$generator"

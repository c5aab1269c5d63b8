#!/usr/bin/env bash
# Prints, on one line, the Debian packages the tests need that this machine lacks (nothing when none is missing).
# scripts/test.sh installs what it prints; tests run it with a reduced PATH to check the detection.
#
# Node.js and npm are looked for as commands, not as Debian packages: a machine may have Node from elsewhere
# (nvm, NodeSource, a tarball), and Debian's npm package conflicts with some of those installations, so an
# existing node or npm command is left alone and only an absent one is installed from Debian.
set -euo pipefail

# The Python client, Redis (redis-tools holds redis-cli, which joins the test cluster), the browser, and the native
# toolchain for the Native AOT publish.
debian_packages=(python3-websockets redis-server redis-tools chromium clang zlib1g-dev)

missing=()
for package in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

echo "${missing[*]}"

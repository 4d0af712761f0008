#!/bin/sh
# Installs what the integration tests need. Idempotent; needs root and Debian's apt.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
need=""
for p in gpsd gpsd-clients ntpsec qemu-user-static libc6-arm64-cross pps-tools shellcheck; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  echo "build/test_deps.sh: apt-get install$need" >&2
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

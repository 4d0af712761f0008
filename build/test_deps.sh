#!/bin/sh
# Installs what the integration tests need. Idempotent; needs root and Debian's apt.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
need=""
for p in gpsd gpsd-clients ntpsec qemu-user-static libc6-arm64-cross libgcc-s1-arm64-cross pps-tools shellcheck curl python3-yaml; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  echo "build/test_deps.sh: apt-get install$need" >&2
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

# chronyd (consumer tests): the chrony package conflicts with ntpsec, so unpack its .deb into
# .deno/chrony (ignored) and run .deno/chrony/usr/sbin/chronyd from there.
if [ ! -x "$ROOT/.deno/chrony/usr/sbin/chronyd" ]; then
  echo "build/test_deps.sh: unpacking chrony into .deno/chrony" >&2
  tmp=$(mktemp -d)
  if ! (cd "$tmp" && apt-get download -qq chrony >/dev/null 2>&1); then
    apt-get update -qq
    (cd "$tmp" && apt-get download -qq chrony)
  fi
  mkdir -p "$ROOT/.deno/chrony"
  dpkg-deb -x "$tmp"/chrony_*.deb "$ROOT/.deno/chrony"
  rm -rf "$tmp"
fi

# The arm64 Deno (aarch64 tests under qemu-aarch64-static) into .deno/arm64/package/deno.
DENO_ARM64_VERSION=2.9.5
if [ ! -x "$ROOT/.deno/arm64/package/deno" ]; then
  echo "build/test_deps.sh: unpacking @deno/linux-arm64-glibc@$DENO_ARM64_VERSION into .deno/arm64" >&2
  mkdir -p "$ROOT/.deno/arm64"
  tgz=$(cd "$ROOT/.deno/arm64" && npm pack --silent "@deno/linux-arm64-glibc@$DENO_ARM64_VERSION")
  tar -xzf "$ROOT/.deno/arm64/$tgz" -C "$ROOT/.deno/arm64"
  rm -f "$ROOT/.deno/arm64/$tgz"
  chmod 0755 "$ROOT/.deno/arm64/package/deno"
fi
# A multiarch aarch64 sysroot for `qemu-aarch64-static -L .deno/arm64/sysroot`: libc6-arm64-cross
# puts libc in /usr/aarch64-linux-gnu/lib, a real arm64 Debian / Raspberry Pi OS in
# /lib/aarch64-linux-gnu (the path src/ffi/libc.ts opens); these links give qemu the real layout.
mkdir -p "$ROOT/.deno/arm64/sysroot/lib"
ln -sfn /usr/aarch64-linux-gnu/lib "$ROOT/.deno/arm64/sysroot/lib/aarch64-linux-gnu"
ln -sfn /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 "$ROOT/.deno/arm64/sysroot/lib/ld-linux-aarch64.so.1"

# The PPS rig (tests/pps_rig_test.ts): a QEMU guest with a real /dev/pps0; ../shared beside the
# checkout. Its setup.sh is bash (pipefail, arrays) and idempotent (~6 s when already set up).
if [ -x "$ROOT/../shared/pps-rig/setup.sh" ]; then
  bash "$ROOT/../shared/pps-rig/setup.sh" >&2
else
  echo "build/test_deps.sh: $ROOT/../shared/pps-rig is missing: the PPS rig tests will skip" >&2
fi

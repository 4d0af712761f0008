#!/bin/sh
# The full test suite (the README's test command; .ci/run calls it).
# As root it first installs what the integration tests need (apt packages, chrony unpacked,
# arm64 Deno, the PPS rig); without root those tests skip and say why.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ "$(id -u)" = 0 ]; then
  sh build/test_deps.sh
else
  echo "build/test.sh: not root: not installing test dependencies; tests that need them will skip (and say so)" >&2
fi
exec ./build/deno.sh task test

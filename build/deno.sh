#!/bin/sh
# Run the pinned Deno. When `deno` of the pinned version is not on PATH, install it once from
# the npm package `deno` (its platform package carries the binary) into ./.deno (ignored).
# usage: build/deno.sh ARGS…   (e.g. build/deno.sh task test)
set -eu
DENO_VERSION=2.9.5
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if command -v deno >/dev/null 2>&1 && deno --version 2>/dev/null | head -n 1 | grep -q "^deno $DENO_VERSION "; then
  exec deno "$@"
fi
case "$(uname -m)" in
  x86_64) pkg=linux-x64-glibc ;;
  aarch64 | arm64) pkg=linux-arm64-glibc ;;
  *) echo "build/deno.sh: Cannot install Deno: no Deno build for $(uname -m)" >&2; exit 2 ;;
esac
bin="$ROOT/.deno/node_modules/@deno/$pkg/deno"
if [ ! -x "$bin" ]; then
  command -v npm >/dev/null 2>&1 || { echo "build/deno.sh: Cannot install Deno $DENO_VERSION: npm is not on PATH" >&2; exit 2; }
  echo "build/deno.sh: installing Deno $DENO_VERSION from npm into .deno/" >&2
  mkdir -p "$ROOT/.deno"
  # --ignore-scripts: the platform package already holds the binary; nothing to download.
  npm install --silent --no-save --no-package-lock --ignore-scripts --prefix "$ROOT/.deno" \
    "@deno/$pkg@$DENO_VERSION" >&2
fi
exec "$bin" "$@"

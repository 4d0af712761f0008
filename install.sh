#!/bin/sh
# install.sh: installs the mcp-utc-time binary of a release (Linux aarch64 / x86_64).
#
#   sh install.sh [--base-url URL] [--prefix DIR] [--sudo] [--pps-group GROUP]
#                 [--configure CLIENT]... [--no-check]
#   sh install.sh --uninstall [--prefix DIR] [--sudo]
#
# Downloads SHA256SUMS and the asset for this machine from the release (base URL: --base-url,
# else $MCP_UTC_TIME_BASE_URL, else the URL a release's copy of this script carries), verifies
# the SHA-256, installs PREFIX/bin/mcp-utc-time (PREFIX: ~/.local unless --prefix; sudo only with
# --sudo), optionally installs a udev rule giving GROUP read access to /dev/pps* (--pps-group),
# prints the MCP client configs and merges them with --configure claude-desktop|claude-code|
# vscode|all (a JSON merge by python3 that keeps the other servers), and runs `mcp-utc-time --check`.
# Running it again is safe: an identical binary or config entry is left as it is.
#
# Environment: MCP_UTC_TIME_BASE_URL (release base URL), MCP_UTC_TIME_ARCH (overrides `uname -m`,
# for tests and mirrors), MCP_UTC_TIME_UDEV_DIR (default /etc/udev/rules.d), TMPDIR.
set -eu

NAME=mcp-utc-time
# Set by the release workflow in the copy of this script it publishes; empty in the repository.
RELEASE_BASE_URL=
UDEV_RULE=60-mcp-utc-time-pps.rules

say() { printf '%s\n' "install.sh: $*" >&2; }
die() {
  code=$1
  shift
  printf '%s\n' "install.sh: $*" >&2
  exit "$code"
}

usage() {
  sed -n '2,19p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//' >&2 || true
}

base_url=${MCP_UTC_TIME_BASE_URL:-$RELEASE_BASE_URL}
prefix=$HOME/.local
use_sudo=0
pps_group=
configure=
run_check=1
uninstall=0

while [ $# -gt 0 ]; do
  case $1 in
    --base-url) [ $# -ge 2 ] || die 2 "--base-url needs a URL"; base_url=$2; shift ;;
    --base-url=*) base_url=${1#*=} ;;
    --prefix) [ $# -ge 2 ] || die 2 "--prefix needs a directory"; prefix=$2; shift ;;
    --prefix=*) prefix=${1#*=} ;;
    --sudo) use_sudo=1 ;;
    --pps-group) [ $# -ge 2 ] || die 2 "--pps-group needs a group name"; pps_group=$2; shift ;;
    --pps-group=*) pps_group=${1#*=} ;;
    --configure) [ $# -ge 2 ] || die 2 "--configure needs a client"; configure="$configure $2"; shift ;;
    --configure=*) configure="$configure ${1#*=}" ;;
    --no-check) run_check=0 ;;
    --uninstall) uninstall=1 ;;
    -h | --help) usage; exit 0 ;;
    *) die 2 "Cannot parse arguments: unknown option '$1' (see --help)" ;;
  esac
  shift
done

for c in $configure; do
  case $c in
    all) configure="claude-desktop claude-code vscode" ;;
    claude-desktop | claude-code | vscode) ;;
    *) die 2 "Cannot configure '$c': clients are claude-desktop, claude-code, vscode, all" ;;
  esac
done

case $prefix in
  /*) ;;
  *) prefix=$(pwd)/$prefix ;; # the client configs need an absolute path
esac
bindir=${prefix%/}/bin
bin=$bindir/$NAME
udev_dir=${MCP_UTC_TIME_UDEV_DIR:-/etc/udev/rules.d}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}

# Runs "$@" as root when --sudo was given and we are not root; otherwise as we are.
priv() {
  if [ "$use_sudo" = 1 ] && [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die 2 "Cannot use --sudo: sudo is not installed"
    sudo "$@"
  else
    "$@"
  fi
}

# The config file and top-level key of an MCP client.
client_file() {
  case $1 in
    claude-desktop) echo "$config_home/Claude/claude_desktop_config.json" ;;
    claude-code) echo "$HOME/.claude.json" ;;
    vscode) echo "$config_home/Code/User/mcp.json" ;;
  esac
}
client_key() {
  case $1 in
    vscode) echo servers ;;
    *) echo mcpServers ;;
  esac
}
client_entry() {
  case $1 in
    claude-desktop) printf '{"command": "%s", "args": []}' "$bin" ;;
    *) printf '{"type": "stdio", "command": "%s", "args": []}' "$bin" ;;
  esac
}

# merge_config FILE KEY add|remove [ENTRY]: edits FILE's KEY object, keeping every other entry.
# python3 is on Raspberry Pi OS and Debian by default; the mcp-utc-time binary itself cannot do
# this, since it is compiled without write permission.
merge_config() {
  command -v python3 >/dev/null 2>&1 ||
    die 1 "Cannot edit $1: python3 is not installed; add the entry printed above by hand"
  python3 - "$1" "$2" "$NAME" "$3" "${4:-null}" <<'PY'
import json, os, sys, tempfile

path, key, name, action, entry = sys.argv[1:6]
entry = json.loads(entry)
try:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    exists = True
except FileNotFoundError:
    text, exists = "", False
if action == "remove" and not exists:
    print("absent")
    sys.exit(0)
try:
    doc = json.loads(text) if text.strip() else {}
except ValueError as e:
    sys.exit(f"install.sh: Cannot edit {path}: it is not plain JSON ({e}); add the entry by hand")
if not isinstance(doc, dict) or not isinstance(doc.get(key, {}), dict):
    sys.exit(f"install.sh: Cannot edit {path}: its \"{key}\" is not a JSON object; add the entry by hand")
servers = doc.setdefault(key, {})
if action == "add":
    if servers.get(name) == entry:
        print("unchanged")
        sys.exit(0)
    servers[name] = entry
else:
    if name not in servers:
        print("absent")
        sys.exit(0)
    del servers[name]
folder = os.path.dirname(path) or "."
os.makedirs(folder, exist_ok=True)
fd, tmp = tempfile.mkstemp(dir=folder, prefix=".mcp-utc-time.")
try:
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.chmod(tmp, os.stat(path).st_mode & 0o7777 if exists else 0o600)
    os.replace(tmp, path)
except BaseException:
    os.unlink(tmp)
    raise
print("added" if action == "add" else "removed")
PY
}

if [ "$uninstall" = 1 ]; then
  if [ -e "$bin" ]; then
    priv rm -f "$bin"
    say "removed $bin"
  else
    say "$bin is not installed"
  fi
  if [ -e "$udev_dir/$UDEV_RULE" ]; then
    priv rm -f "$udev_dir/$UDEV_RULE"
    say "removed $udev_dir/$UDEV_RULE"
  fi
  for c in claude-desktop claude-code vscode; do
    f=$(client_file "$c")
    if [ ! -f "$f" ] || ! grep -q "\"$NAME\"" "$f"; then continue; fi
    if ! command -v python3 >/dev/null 2>&1; then
      say "python3 is not installed: remove the \"$NAME\" entry from $f by hand"
      continue
    fi
    r=$(merge_config "$f" "$(client_key "$c")" remove)
    [ "$r" = removed ] && say "removed the $NAME entry from $f"
  done
  exit 0
fi

# --- what to download --------------------------------------------------------------------------
[ "$(uname -s)" = Linux ] || die 2 "Cannot install $NAME on $(uname -s): it runs on Linux only"
machine=${MCP_UTC_TIME_ARCH:-$(uname -m)}
case $machine in
  aarch64 | arm64) target=aarch64-unknown-linux-gnu ;;
  x86_64 | amd64) target=x86_64-unknown-linux-gnu ;;
  armv6* | armv7* | armv8l | armhf | arm)
    die 2 "Cannot install $NAME on $machine: this is a 32-bit ARM system and Deno has no build for it. Install the 64-bit (arm64) Raspberry Pi OS (Pi 3, 4, 5, Zero 2 W) and run this again." ;;
  *) die 2 "Cannot install $NAME on $machine: release binaries exist for aarch64 and x86_64 only" ;;
esac

page=$(getconf PAGESIZE 2>/dev/null || echo unknown)
if [ "$page" = 16384 ]; then
  say "WARNING: this kernel uses 16 KiB pages (a Pi 5's default kernel_2712.img); Deno binaries have been reported to crash there. Fix: add 'kernel=kernel8.img' to /boot/firmware/config.txt and reboot (4 KiB pages)."
fi

[ -n "$base_url" ] ||
  die 2 "Cannot download: no release base URL. Pass --base-url URL or set MCP_UTC_TIME_BASE_URL (the install.sh attached to a release has it built in)."
base_url=${base_url%/}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mcp-utc-time-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1" || die 1 "Cannot download $1 (curl failed)"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die 1 "Cannot download $1 (wget failed)"
  else
    die 2 "Cannot download: neither curl nor wget is installed"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die 2 "Cannot verify the download: neither sha256sum nor shasum is installed"
  fi
}

fetch "$base_url/SHA256SUMS" "$tmp/SHA256SUMS"
line=$(grep -E "^[0-9a-f]{64} [ *]$NAME-[^ ]+-$target\$" "$tmp/SHA256SUMS" | tail -n 1 || true)
[ -n "$line" ] || die 1 "Cannot find a $target binary in $base_url/SHA256SUMS"
want=${line%% *}
asset=${line##*[ *]}
say "downloading $asset"
fetch "$base_url/$asset" "$tmp/$asset"
got=$(sha256_of "$tmp/$asset")
if [ "$got" != "$want" ]; then
  die 1 "Cannot install $asset: SHA-256 mismatch (expected $want, downloaded $got). Nothing was installed; the download was deleted."
fi
say "SHA-256 verified: $got"

# --- install -----------------------------------------------------------------------------------
if [ -f "$bin" ] && [ "$(sha256_of "$bin")" = "$want" ]; then
  say "$bin is already this version ($asset)"
else
  if ! mkdir -p "$bindir" 2>/dev/null || [ ! -w "$bindir" ]; then
    [ "$use_sudo" = 1 ] || die 1 "Cannot install into $bindir: not writable. Use --prefix \"\$HOME/.local\", or --sudo for a system-wide install."
    priv mkdir -p "$bindir"
  fi
  chmod 0755 "$tmp/$asset"
  priv cp "$tmp/$asset" "$bindir/.$NAME.new"
  priv chmod 0755 "$bindir/.$NAME.new"
  priv mv -f "$bindir/.$NAME.new" "$bin"
  say "installed $bin ($asset)"
fi
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) say "note: $bindir is not on PATH; the client configs below use the full path" ;;
esac

if [ -n "$pps_group" ]; then
  getent group "$pps_group" >/dev/null 2>&1 || die 1 "Cannot install the udev rule: group '$pps_group' does not exist (create it: sudo groupadd $pps_group)"
  rule="SUBSYSTEM==\"pps\", KERNEL==\"pps[0-9]*\", GROUP=\"$pps_group\", MODE=\"0640\""
  if [ -f "$udev_dir/$UDEV_RULE" ] && [ "$(cat "$udev_dir/$UDEV_RULE")" = "$rule" ]; then
    say "$udev_dir/$UDEV_RULE is already in place"
  else
    if [ ! -w "$udev_dir" ] && [ "$use_sudo" != 1 ]; then
      die 1 "Cannot write $udev_dir/$UDEV_RULE: not writable; re-run with --sudo"
    fi
    printf '%s\n' "$rule" >"$tmp/$UDEV_RULE"
    priv cp "$tmp/$UDEV_RULE" "$udev_dir/$UDEV_RULE"
    priv chmod 0644 "$udev_dir/$UDEV_RULE"
    say "installed $udev_dir/$UDEV_RULE: group $pps_group may read /dev/pps*"
    if [ "$udev_dir" != /etc/udev/rules.d ]; then
      say "not reloading udev: the rule went to $udev_dir, not /etc/udev/rules.d"
    elif command -v udevadm >/dev/null 2>&1; then
      if ! { priv udevadm control --reload && priv udevadm trigger --subsystem-match=pps; }; then
        say "udevadm could not reload the rules; they apply after a reboot"
      fi
    else
      say "udevadm is not installed; the rule applies after a reboot"
    fi
  fi
  say "add the server's user to the group: sudo usermod -aG $pps_group \"\$USER\" (then log in again)"
fi

# --- MCP client configs ------------------------------------------------------------------------
say "MCP client configs (the server speaks MCP over stdio):"
for c in claude-desktop claude-code vscode; do
  printf '  %s (%s): "%s": {"%s": %s}\n' "$c" "$(client_file "$c")" "$(client_key "$c")" "$NAME" \
    "$(client_entry "$c")" >&2
done
for c in $configure; do
  f=$(client_file "$c")
  r=$(merge_config "$f" "$(client_key "$c")" add "$(client_entry "$c")")
  case $r in
    unchanged) say "$f already has the $NAME entry" ;;
    *) say "merged the $NAME entry into $f (other servers kept); restart $c to load it" ;;
  esac
done

# --- self-test ---------------------------------------------------------------------------------
if [ "$run_check" = 1 ]; then
  say "running $bin --check"
  set +e
  "$bin" --check >&2
  rc=$?
  set -e
  case $rc in
    0) say "--check: healthy" ;;
    1) say "--check: degraded (exit 1): the server runs; fix the WARN/FAIL lines above for full accuracy" ;;
    *) say "--check: cannot run (exit $rc): see the messages above and the README's Troubleshooting" ;;
  esac
fi
say "done"

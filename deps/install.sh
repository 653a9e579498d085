#!/bin/sh
# Install the Debian packages of deps/debian-packages.txt that are missing.
#   install.sh          what building and running orgcover needs
#   install.sh --check  that plus what the test suite needs (lines marked [check])
# As root it runs apt-get; otherwise it prints the exact command to run.
set -eu
here=$(dirname "$0")
with_check=0
[ "${1:-}" = "--check" ] && with_check=1
pkgs=$(sed -e 's/#.*//' "$here/debian-packages.txt" | awk -v c="$with_check" \
    'NF == 0 { next } $2 == "[check]" { if (c) print $1; next } { print $1 }')
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "deps: all Debian packages present"
    exit 0
fi
echo "deps: missing:$missing"
if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "deps: run as root:  apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi

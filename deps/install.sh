#!/bin/sh
# Install the Debian packages listed in deps/debian-packages.txt that are missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -eu
here=$(dirname "$0")
pkgs=$(grep -v '^#' "$here/debian-packages.txt" | grep -v '^$' | tr '\n' ' ')
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

#!/bin/sh
# Installs the Debian packages vidpipe builds and tests with, only those missing; silent when none is.
set -eu
PKGS="gcc make pkg-config libcurl4-openssl-dev libssl-dev libyaml-dev libjansson-dev libexpat1-dev libzip-dev libmicrohttpd-dev curl ffmpeg"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing missing packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

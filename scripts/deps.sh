#!/bin/sh
# Installs the Debian packages vidpipe builds and demos with (ffmpeg: the local MediaConvert transcodes with
# it), and with `test` also those the tests need (Chromium for the end-to-end browser test, iproute2's ss,
# dpkg-dev's dpkg-shlibdeps for the package's Depends, man-db's man and groff for the man pages, zsh for the
# zsh completion's test, jq for the CI workflows' scripts, cmark-gfm to render Markdown summaries as GitHub
# does), only those missing; silent when none is.
set -eu
PKGS="gcc make pkg-config libcurl4-openssl-dev libssl-dev libyaml-dev libjansson-dev libexpat1-dev libzip-dev libmicrohttpd-dev curl ffmpeg"
[ "${1:-}" = test ] && PKGS="$PKGS chromium iproute2 dpkg-dev man-db zsh jq cmark-gfm"
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

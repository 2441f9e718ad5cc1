#!/bin/sh
# mkdeb.sh ROOT VERSION ARCH MAINTAINER OUT.deb: turns ROOT, where `make install PREFIX=/usr DESTDIR=ROOT`
# put vidpipe, into a Debian binary package (`make deb` calls it): man pages compressed and the binary
# stripped as Debian policy asks, the changelog in /usr/share/doc/vidpipe, DEBIAN/control and md5sums written,
# then dpkg-deb with root as the owner of every file (--root-owner-group: no fakeroot needed).
# Depends comes from the binary's shared libraries through dpkg-shlibdeps (package dpkg-dev) when it is
# there, else from the list below (the packages holding the libraries `ldd build/vidpipe` shows on Debian 12);
# DPKG_SHLIBDEPS=none forces the list.
set -eu
[ $# -eq 5 ] || { echo "usage: mkdeb.sh ROOT VERSION ARCH MAINTAINER OUT.deb" >&2; exit 2; }
root=$1 version=$2 arch=$3 maintainer=$4 out=$5
FALLBACK_DEPENDS="libc6, libcurl4, libexpat1, libjansson4, libmicrohttpd12, libssl3, libyaml-0-2, libzip4"

[ -x "$root/usr/bin/vidpipe" ] || { echo "mkdeb.sh: no $root/usr/bin/vidpipe (make install PREFIX=/usr DESTDIR=$root first)" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "mkdeb.sh: dpkg-deb is missing (package dpkg)" >&2; exit 1; }

# Debian policy: man pages gzipped with no timestamp, binaries stripped (as dh_strip does).
if [ -d "$root/usr/share/man/man1" ]; then
    find "$root/usr/share/man/man1" -type f -name '*.1' -exec gzip -9nf {} +
fi
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/vidpipe"
doc="$root/usr/share/doc/vidpipe"
install -d -m 0755 "$doc"
if [ -f CHANGELOG.md ]; then gzip -9nc CHANGELOG.md >"$doc/changelog.gz"; fi
if [ -f README.md ]; then install -m 0644 README.md "$doc/README.md"; fi

depends=""
if [ "${DPKG_SHLIBDEPS:-}" != none ] && command -v dpkg-shlibdeps >/dev/null; then
    # dpkg-shlibdeps wants a debian/control to read; it gets a minimal one in a folder of its own.
    work=$(mktemp -d)
    mkdir "$work/debian"
    printf 'Source: vidpipe\n\nPackage: vidpipe\nArchitecture: any\n' >"$work/debian/control"
    bin=$(cd "$root/usr/bin" && pwd)/vidpipe
    if (cd "$work" && dpkg-shlibdeps -O -e"$bin") >"$work/out" 2>"$work/err"; then
        depends=$(sed -n 's/^shlibs:Depends=//p' "$work/out")
    else
        echo "mkdeb.sh: dpkg-shlibdeps failed, using the maintained Depends list:" >&2
        sed 's/^/    /' "$work/err" >&2
    fi
    rm -rf "$work"
fi
[ -n "$depends" ] || depends=$FALLBACK_DEPENDS

size=$(du -sk "$root/usr" | cut -f1)
install -d -m 0755 "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<EOF
Package: vidpipe
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Description: declarative provisioner for an AWS video-on-demand pipeline
 vidpipe reads a YAML spec of a video pipeline's AWS resources (S3, DynamoDB,
 IAM, Lambda, MediaConvert, MediaPackage, API Gateway, EventBridge), shows how
 the live resources differ as a plan and applies it, like Terraform; plan and
 drift find changes made outside it, destroy tears a stack down.
 .
 The package also holds the pipeline's four Lambda handlers, built for the
 provided.al2023 runtime, in /usr/lib/vidpipe/handlers: "vidpipe apply"
 deploys them and "vidpipe invoke" runs them locally.
EOF
(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
# Reproducible: every file's time is the changelog's (SOURCE_DATE_EPOCH when set), which dpkg-deb also uses.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$(dirname "$out")"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"

#!/bin/sh
# bundle-handler.sh ELF DIR: lays out a Lambda zip's root in DIR: DIR/bootstrap (ELF, stripped) and, in
# DIR/lib, the ELF loader and every shared library it needs, as ldd lists them, under their sonames.
#
# Why: Lambda's provided.al2023 has glibc 2.34 and we build on Debian 12 (2.36), and a static link is not
# possible here (Debian ships no static libraries for libcurl's dependencies: krb5, ldap, ...). So the
# bootstrap carries its own glibc: the Makefile links it with --dynamic-linker=/var/task/lib/ld-linux-x86-64.so.2
# and an RPATH of /var/task/lib (where Lambda unpacks the zip), so the kernel starts our loader and our
# loader finds our libraries, in an otherwise empty root. With glibc travelling with the binary, the glibc
# version on the target no longer matters. It is DT_RPATH (--disable-new-dtags), not DT_RUNPATH, because
# RUNPATH covers only the executable's own dependencies, not libcurl's, nor libc's dlopen of NSS modules.
# Name resolution needs no module: since glibc 2.34 the "files" and "dns" NSS services are inside libc.
# Reproducible: the files are copied byte for byte and mkzip fixes modes and times.
set -eu
elf=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir/lib"
libs=$(ldd "$elf")
if printf '%s\n' "$libs" | grep -q 'not found'; then
    echo "bundle-handler.sh: $elf needs a library that is not installed:" >&2
    printf '%s\n' "$libs" | grep 'not found' >&2
    exit 1
fi
strip --strip-unneeded -o "$dir/bootstrap" "$elf"
# ldd lines: "libcurl.so.4 => /lib/x86_64-linux-gnu/libcurl.so.4 (0x...)"; the loader's line is
# "/var/task/lib/ld-linux-x86-64.so.2 => /lib64/ld-linux-x86-64.so.2 (0x...)"; linux-vdso has no file.
printf '%s\n' "$libs" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | while read -r name path; do
    cp -L "$path" "$dir/lib/${name##*/}"
done
if [ ! -f "$dir/lib/ld-linux-x86-64.so.2" ]; then
    echo "bundle-handler.sh: ldd did not name the ELF loader of $elf" >&2
    exit 1
fi
chmod 0755 "$dir/bootstrap" "$dir"/lib/*

# 7300-deb: `make deb` builds BUILD/vidpipe_DEBVERSION_ARCH.deb (0.1.0-dev -> 0.1.0~dev): a control file with
# every field Debian wants and Depends naming the package of each library the binary links (dpkg-shlibdeps,
# or the maintained list scripts/mkdeb.sh falls back to, which must cover the same packages); files owned by
# root, installed to /usr (binary stripped, man pages gzipped, handler zips in /usr/lib/vidpipe/handlers),
# md5sums right. Nothing is installed on this machine: the package is unpacked with dpkg-deb -x into a
# temporary root, where vidpipe runs and validates a spec, looks for its handlers in /usr/lib/vidpipe/handlers
# (and says so), and, pointed at the unpacked folder, invokes presign (401 for an unauthenticated request).
# lintian is run when installed (notes only). The build's vidpipe is relinked for its own PREFIX at the end.
. tests/lib.sh
case "$BUILD" in *asan*) echo "skip - packaging is tested in the normal build (no handler zips under ASan)"; exit 0 ;; esac
command -v dpkg-deb >/dev/null || { echo "skip - dpkg-deb is missing (not a Debian system)"; exit 0; }
unset MAKEFLAGS MFLAGS MAKELEVEL VIDPIPE_ARTIFACTS_DIR
mk() { make -s --no-print-directory -C "$VP_ROOT" BUILD="$BUILD" "$@"; }
stamp="$VP_ROOT/$BUILD/handlersdir.stamp"
orig_dir=$(cat "$stamp" 2>/dev/null || echo /usr/local/lib/vidpipe/handlers)
version=$(cat "$VP_ROOT/VERSION")
debversion=$(printf '%s' "$version" | sed 's/-/~/; s/-/./g')
arch=$(dpkg --print-architecture)
name="vidpipe_${debversion}_$arch.deb"

t_status "make deb" 0 mk deb
t_eq "prints the package's name: version and architecture in it" "$BUILD/$name" "$T_OUT"
deb="$T_TMP/$name"
mv "$VP_ROOT/$BUILD/$name" "$deb" 2>/dev/null
t_check "the package is there" test -s "$deb"
t_eq "its version is Debian's form of VERSION, sorting before the release" "0" \
    "$(dpkg --compare-versions "$debversion" lt "${version%%-*}"; echo $?)"
t_eq "no staging folder is left in the build" "" "$(ls -d "$VP_ROOT/$BUILD/deb" 2>/dev/null)"

# ---- dpkg-deb --info ----
t_status "dpkg-deb --info" 0 dpkg-deb --info "$deb"
field() { dpkg-deb --field "$deb" "$1"; }
t_eq "Package" vidpipe "$(field Package)"
t_eq "Version" "$debversion" "$(field Version)"
t_eq "Architecture" "$arch" "$(field Architecture)"
t_contains "Maintainer: a name and an address" "$(field Maintainer)" "<"
t_eq "Section" admin "$(field Section)"
t_eq "Priority" optional "$(field Priority)"
t_contains "Description: a synopsis and a long description" "$(dpkg-deb --info "$deb" control)" "Description: declarative provisioner"
t_check "Installed-Size is a number of KiB" expr "$(field Installed-Size)" : '[0-9][0-9]*$'
depends=$(field Depends)
# The packages holding the libraries the binary links (NEEDED), found with ldconfig and dpkg -S.
mkdir -p "$T_TMP/root"
dpkg-deb -x "$deb" "$T_TMP/root"
needed_pkgs=""
for so in $(readelf -d "$T_TMP/root/usr/bin/vidpipe" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    path=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64|'"$arch"'/ {print $NF; exit}')
    [ -n "$path" ] || path=$(ldconfig -p | awk -v so="$so" '$1 == so {print $NF; exit}')
    pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "*/$so" 2>/dev/null)
    needed_pkgs="$needed_pkgs ${pkg%%:*}"
done
missing=""
for p in $(printf '%s\n' $needed_pkgs | sort -u); do
    case ", $depends," in *", $p,"* | *", $p ("*) ;; *) missing="$missing $p" ;; esac
done
t_eq "Depends names the package of every library vidpipe links ($(printf '%s\n' $needed_pkgs | sort -u | tr '\n' ' '))" "" "$missing"
uninstalled=""
for p in $(printf '%s' "$depends" | tr ',' '\n' | sed 's/(.*//; s/ //g'); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || uninstalled="$uninstalled $p"
done
t_eq "each of them a package installed here (so the names are real)" "" "$uninstalled"

# ---- dpkg-deb --contents ----
t_status "dpkg-deb --contents" 0 dpkg-deb --contents "$deb"
contents=$T_OUT
t_eq "every file owned by root" "" "$(printf '%s\n' "$contents" | awk '$2 != "root/root"')"
t_eq "nothing outside /usr" "" "$(printf '%s\n' "$contents" | awk '{print $6}' | grep -v '^\./$' | grep -v '^\./usr/')"
t_contains "the binary, executable, in /usr/bin" "$contents" "-rwxr-xr-x root/root"
want="usr/bin/vidpipe"
for z in presign convert package videos; do want="$want usr/lib/vidpipe/handlers/$z.zip"; done
for m in "$VP_ROOT"/man/*.1; do [ -f "$m" ] && want="$want usr/share/man/man1/$(basename "$m").gz"; done
[ -f "$VP_ROOT/completions/vidpipe.bash" ] && want="$want usr/share/bash-completion/completions/vidpipe"
[ -f "$VP_ROOT/completions/_vidpipe" ] && want="$want usr/share/zsh/vendor-completions/_vidpipe"
want="$want usr/share/doc/vidpipe/README.md usr/share/doc/vidpipe/changelog.gz"
t_eq "the files: binary, handler zips, gzipped man pages, completions, docs" \
    "$(printf '%s\n' $want | LC_ALL=C sort)" \
    "$(printf '%s\n' "$contents" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./||' | LC_ALL=C sort)"
same=yes
for z in presign convert package videos; do cmp -s "$VP_ROOT/$BUILD/handlers/$z.zip" "$T_TMP/root/usr/lib/vidpipe/handlers/$z.zip" || same="no: $z"; done
t_eq "the zips are the build's" yes "$same"
t_eq "the binary is stripped" "" "$(readelf -S "$T_TMP/root/usr/bin/vidpipe" | grep -E '\.debug_|\.symtab')"
if [ -f "$VP_ROOT/man/vidpipe.1" ]; then
    t_eq "the man pages are the sources, gzipped" "$(cat "$VP_ROOT/man/vidpipe.1")" "$(zcat "$T_TMP/root/usr/share/man/man1/vidpipe.1.gz")"
fi
mkdir -p "$T_TMP/root/DEBIAN"
dpkg-deb -e "$deb" "$T_TMP/root/DEBIAN"
t_check "md5sums lists every file, with its sum" env -C "$T_TMP/root" md5sum --quiet -c DEBIAN/md5sums
t_eq "and no other" "$(cd "$T_TMP/root" && find usr -type f | LC_ALL=C sort)" "$(awk '{print $2}' "$T_TMP/root/DEBIAN/md5sums")"

# ---- the unpacked package runs ----
V="$T_TMP/root/usr/bin/vidpipe"
t_status "the packaged vidpipe runs" 0 "$V" version
t_contains "and prints the version" "$T_OUT" "vidpipe $version "
t_status "and validates examples/minimal.yaml" 0 env -C "$VP_ROOT" "$V" validate examples/minimal.yaml

cat >"$T_TMP/event.json" <<'JSON'
{"version": "2.0", "routeKey": "POST /upload", "rawPath": "/upload", "rawQueryString": "", "headers": {},
 "requestContext": {"http": {"method": "POST", "path": "/upload"}, "requestId": "r1", "routeKey": "POST /upload",
 "stage": "$default"}, "body": "{\"size\": 10, \"content_type\": \"video/mp4\"}", "isBase64Encoded": false}
JSON
cat >"$T_TMP/presign.yaml" <<'YAML'
vidpipe: 1
stack: deb
region: us-east-1
resources:
  presign:
    type: lambda_function
    name: deb-presign
    artifact: presign
    role: arn:aws:iam::123456789012:role/deb
    environment:
      VIDPIPE_UPLOAD_BUCKET: deb-uploads
      VIDPIPE_TABLE: deb-videos
YAML
mkdir -p "$T_TMP/elsewhere"
invoke_presign() { env -C "$T_TMP/elsewhere" "$V" invoke presign --event "$T_TMP/event.json" "$T_TMP/presign.yaml" --state "$T_TMP/none.json"; }
if [ -f /usr/lib/vidpipe/handlers/presign.zip ]; then
    t_status "vidpipe is installed on this machine: the unpacked binary finds /usr/lib/vidpipe/handlers" 0 invoke_presign
else
    t_status "unset VIDPIPE_ARTIFACTS_DIR: the packaged binary looks in /usr/lib/vidpipe/handlers" 1 invoke_presign
    t_contains "and its error names it" "$T_ERR" "nor /usr/lib/vidpipe/handlers/presign.zip (installed with vidpipe)"
fi
VIDPIPE_ARTIFACTS_DIR="$T_TMP/root/usr/lib/vidpipe/handlers" t_status "pointed at the unpacked handlers, invoke presign" 0 invoke_presign
t_eq "answers an unauthenticated request with 401" 401 \
    "$(printf '%s' "$T_OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["statusCode"])' 2>&1)"

# ---- the maintained Depends list (no dpkg-shlibdeps) covers the same packages ----
mkdir -p "$T_TMP/mini/usr/bin"
cp "$V" "$T_TMP/mini/usr/bin/vidpipe"
t_status "mkdeb.sh without dpkg-shlibdeps" 0 env -C "$VP_ROOT" DPKG_SHLIBDEPS=none sh scripts/mkdeb.sh "$T_TMP/mini" "$debversion" "$arch" "t <t@example.com>" "$T_TMP/mini.deb"
fallback=$(dpkg-deb --field "$T_TMP/mini.deb" Depends 2>&1)
missing=""
for p in $(printf '%s' "$depends" | tr ',' '\n' | sed 's/(.*//; s/ //g'); do
    case ", $fallback," in *", $p,"*) ;; *) missing="$missing $p" ;; esac
done
t_eq "the maintained list names every package dpkg-shlibdeps found" "" "$missing"

if command -v lintian >/dev/null; then
    lintian --no-tag-display-limit "$deb" >"$T_TMP/lintian" 2>&1
    sed 's/^/# lintian: /' "$T_TMP/lintian"
    t_ok "lintian ran: $(grep -c '^E:' "$T_TMP/lintian") errors, $(grep -c '^W:' "$T_TMP/lintian") warnings (notes above)"
else
    t_ok "lintian is not installed: not run"
fi

mk "$BUILD/vidpipe" HANDLERSDIR="$orig_dir" >/dev/null 2>&1
t_eq "the build's vidpipe is relinked for its own folder" "$orig_dir" "$(cat "$stamp")"

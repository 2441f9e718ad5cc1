# 7100-install: `make install` into a temporary PREFIX puts the binary, the man pages, the bash and zsh
# completions and the handler zips in place; the installed vidpipe runs, `man -l` reads an installed page, and
# with no VIDPIPE_ARTIFACTS_DIR and no build tree around it finds its zips in PREFIX/lib/vidpipe/handlers
# (presign answers an unauthenticated request with 401). `make uninstall` leaves no file behind. With
# DESTDIR, everything lands under DESTDIR while the binary looks in PREFIX's folder, and uninstall with the
# same DESTDIR empties it. The build's vidpipe is relinked with its own PREFIX again at the end.
. tests/lib.sh
case "$BUILD" in *asan*) echo "skip - packaging is tested in the normal build (no handler zips under ASan)"; exit 0 ;; esac
unset MAKEFLAGS MFLAGS MAKELEVEL VIDPIPE_ARTIFACTS_DIR
mk() { make -s --no-print-directory -C "$VP_ROOT" BUILD="$BUILD" "$@"; }
stamp="$VP_ROOT/$BUILD/handlersdir.stamp"
orig_dir=$(cat "$stamp" 2>/dev/null || echo /usr/local/lib/vidpipe/handlers)
restore() { mk "$BUILD/vidpipe" HANDLERSDIR="$orig_dir" >/dev/null 2>&1; }
version=$(cat "$VP_ROOT/VERSION")

# An API Gateway request with no authorizer: presign answers 401 before anything else.
cat >"$T_TMP/event.json" <<'JSON'
{"version": "2.0", "routeKey": "POST /upload", "rawPath": "/upload", "rawQueryString": "", "headers": {},
 "requestContext": {"http": {"method": "POST", "path": "/upload"}, "requestId": "r1", "routeKey": "POST /upload",
 "stage": "$default"}, "body": "{\"size\": 10, \"content_type\": \"video/mp4\"}", "isBase64Encoded": false}
JSON
cat >"$T_TMP/presign.yaml" <<'YAML'
vidpipe: 1
stack: inst
region: us-east-1
resources:
  presign:
    type: lambda_function
    name: inst-presign
    artifact: presign
    role: arn:aws:iam::123456789012:role/inst
    environment:
      VIDPIPE_UPLOAD_BUCKET: inst-uploads
      VIDPIPE_TABLE: inst-videos
YAML
mkdir -p "$T_TMP/elsewhere"     # no build/ here: the installed folder is the only place left to look
invoke_presign() {
    env -C "$T_TMP/elsewhere" "$1" invoke presign --event "$T_TMP/event.json" "$T_TMP/presign.yaml" \
        --state "$T_TMP/none.json"
}
status_code() { printf '%s' "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["statusCode"])' 2>&1; }
# files DIR: every file and symbolic link under DIR, relative, sorted.
files() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort); }

# ---- PREFIX ----
P="$T_TMP/prefix"
t_status "make install PREFIX=$P" 0 mk install PREFIX="$P"
want="bin/vidpipe"
for z in presign convert package videos; do want="$want lib/vidpipe/handlers/$z.zip"; done
for m in "$VP_ROOT"/man/*.1; do [ -f "$m" ] && want="$want share/man/man1/$(basename "$m")"; done
[ -f "$VP_ROOT/completions/vidpipe.bash" ] && want="$want share/bash-completion/completions/vidpipe"
[ -f "$VP_ROOT/completions/_vidpipe" ] && want="$want share/zsh/vendor-completions/_vidpipe"
t_eq "installs exactly the binary, the handler zips, the man pages and the completions" \
    "$(printf '%s\n' $want | LC_ALL=C sort)" "$(files "$P")"
t_check "the binary is executable" test -x "$P/bin/vidpipe"
same=yes
for z in presign convert package videos; do cmp -s "$VP_ROOT/$BUILD/handlers/$z.zip" "$P/lib/vidpipe/handlers/$z.zip" || same="no: $z"; done
t_eq "the zips are the build's" yes "$same"
t_eq "the zips are not executable" "" "$(find "$P/lib/vidpipe/handlers" -type f -perm /111)"
t_status "the installed vidpipe runs" 0 "$P/bin/vidpipe" version
t_contains "and prints the VERSION file's version" "$T_OUT" "vidpipe $version "

if [ -f "$VP_ROOT/man/vidpipe.1" ]; then
    t_check "the man pages are installed as they are" cmp "$VP_ROOT/man/vidpipe.1" "$P/share/man/man1/vidpipe.1"
    if command -v man >/dev/null; then
        t_status "man -l reads the installed vidpipe(1)" 0 env MANWIDTH=80 MANPAGER=cat man -l "$P/share/man/man1/vidpipe.1"
        t_contains "which names the command" "$T_OUT" "vidpipe"
        t_eq "without a groff warning" "" "$T_ERR"
    else
        t_ok "man -l (man is not installed: not run)"
    fi
else
    t_ok "no man pages in man/ yet: none installed"
fi
if [ -f "$VP_ROOT/completions/vidpipe.bash" ]; then
    t_check "the bash completion is the source's" cmp "$VP_ROOT/completions/vidpipe.bash" "$P/share/bash-completion/completions/vidpipe"
    t_status "sourcing it registers a completion for vidpipe" 0 \
        bash -c ". '$P/share/bash-completion/completions/vidpipe' && complete -p vidpipe"
    t_contains "as bash says" "$T_OUT" "vidpipe"
fi
if [ -f "$VP_ROOT/completions/_vidpipe" ]; then
    t_check "the zsh completion is the source's" cmp "$VP_ROOT/completions/_vidpipe" "$P/share/zsh/vendor-completions/_vidpipe"
fi

t_status "with no VIDPIPE_ARTIFACTS_DIR and no build tree, invoke finds the installed presign" 0 invoke_presign "$P/bin/vidpipe"
t_eq "which answers 401" 401 "$(status_code "$T_OUT")"
mkdir -p "$T_TMP/arts" && cp "$P/lib/vidpipe/handlers/presign.zip" "$T_TMP/arts/"
VIDPIPE_ARTIFACTS_DIR="$T_TMP/nowhere" t_status "VIDPIPE_ARTIFACTS_DIR still comes first" 1 invoke_presign "$P/bin/vidpipe"
t_contains "and is the only place looked at when set" "$T_ERR" "no readable $T_TMP/nowhere/presign.zip (VIDPIPE_ARTIFACTS_DIR is set)"

t_status "make uninstall PREFIX=$P" 0 mk uninstall PREFIX="$P"
t_eq "leaves no file" "" "$(files "$P")"
t_eq "and no vidpipe folder" "" "$(find "$P" -name '*vidpipe*')"
t_status "the zips gone, invoke fails" 1 invoke_presign "$VP_ROOT/$BUILD/vidpipe"
t_contains "naming the build tree and the installed folder it searched" "$T_ERR" \
    "found neither build/handlers/presign.zip (build the handlers with 'make') nor $P/lib/vidpipe/handlers/presign.zip (installed with vidpipe); or set VIDPIPE_ARTIFACTS_DIR"

# ---- DESTDIR: staged for packaging; the binary looks in PREFIX's folder, not DESTDIR's ----
D="$T_TMP/stage"
t_status "make install DESTDIR=$D PREFIX=/opt/vp" 0 mk install DESTDIR="$D" PREFIX=/opt/vp
t_eq "everything lands under DESTDIR/PREFIX" "$(printf 'opt/vp/%s\n' $want | LC_ALL=C sort)" "$(files "$D")"
if [ -e /opt/vp ]; then
    t_ok "(/opt/vp exists on this machine: the staged binary's own search is not checked)"
else
    t_status "the staged binary searches PREFIX's folder" 1 invoke_presign "$D/opt/vp/bin/vidpipe"
    t_contains "as its error says" "$T_ERR" "nor /opt/vp/lib/vidpipe/handlers/presign.zip (installed with vidpipe)"
fi
t_status "make uninstall DESTDIR=$D PREFIX=/opt/vp" 0 mk uninstall DESTDIR="$D" PREFIX=/opt/vp
t_eq "leaves no file" "" "$(files "$D")"

t_check "the build's vidpipe is relinked for its own folder" restore
t_eq "whose stamp holds it again" "$orig_dir" "$(cat "$stamp")"

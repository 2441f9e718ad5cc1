# 6900-artifacts: the Lambda zips (make: build/handlers/<name>.zip, and the echo test handler's
# build/tests/handlers/echo.zip). Each has an executable `bootstrap` ELF at its root whose loader and
# libraries travel in lib/; two builds from different folders give byte-identical zips (Lambda compares
# CodeSha256); and the zip runs in an otherwise empty root, as Lambda runs it from /var/task, answering the
# Runtime API double (tests/fixtures/runtime_api.py) on 127.0.0.1.
. tests/lib.sh
ECHO_ZIP="$VP_ROOT/$BUILD/tests/handlers/echo.zip"
if [ ! -f "$ECHO_ZIP" ]; then
    echo "skip - no artifacts in $BUILD: they are built by the normal build only (make), not under sanitizers"
    exit 0
fi
ZIPS=("$ECHO_ZIP")
for z in "$VP_ROOT/$BUILD"/handlers/*.zip; do [ -f "$z" ] && ZIPS+=("$z"); done

# --- the zip's layout --------------------------------------------------------------------------------------
for z in "${ZIPS[@]}"; do
    name=$(basename "$z" .zip)
    t_eq "$name.zip: bootstrap at the root, 0755, an ELF; lib/ has the loader; sorted, fixed times, 0755/0644" "ok" \
        "$(python3 - "$z" <<'PY'
import stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
infos = z.infolist()
names = [i.filename for i in infos]
problems = []
if "bootstrap" not in names: problems.append("no bootstrap at the root")
if "lib/ld-linux-x86-64.so.2" not in names: problems.append("no ELF loader in lib/")
if names != sorted(names): problems.append("entries are not sorted")
for i in infos:
    mode = i.external_attr >> 16
    if i.create_system != 3 or not stat.S_ISREG(mode): problems.append(i.filename + ": not a Unix regular file")
    want = 0o755 if i.filename == "bootstrap" or i.filename.startswith("lib/") else 0o644
    if stat.S_IMODE(mode) != want: problems.append("%s: mode %o" % (i.filename, stat.S_IMODE(mode)))
    if i.date_time != (1980, 1, 1, 0, 0, 0): problems.append(i.filename + ": time " + str(i.date_time))
if "bootstrap" in names and z.read("bootstrap")[:4] != b"\x7fELF": problems.append("bootstrap is not an ELF")
print("; ".join(problems) or "ok")
PY
)"
done

# unpack ZIP ROOT: unzips into ROOT/var/task keeping the modes, as Lambda does.
unpack() {
    python3 - "$1" "$2/var/task" <<'PY'
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for i in z.infolist():
    path = z.extract(i, sys.argv[2])
    os.chmod(path, (i.external_attr >> 16) & 0o777)
PY
}

root_echo="$T_TMP/root-echo"
unpack "$ECHO_ZIP" "$root_echo"
boot="$root_echo/var/task/bootstrap"
t_eq "the bootstrap asks for the bundled loader" "/var/task/lib/ld-linux-x86-64.so.2" \
    "$(readelf -l "$boot" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')"
t_contains "and looks for libraries in /var/task/lib first (RPATH, also for libraries' own needs)" \
    "$(readelf -d "$boot")" "(RPATH)              Library rpath: [/var/task/lib]"
missing=""
for lib in $(readelf -d "$boot" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    [ -f "$root_echo/var/task/lib/$lib" ] || missing="$missing $lib"
done
t_eq "every library it needs is in lib/" "" "$missing"
t_eq "no build path in the bootstrap" "0" "$(grep -c -a -F "$VP_ROOT" "$boot")"
t_eq "the bootstrap is stripped" "" "$(readelf -S "$boot" | grep -E '\.symtab|\.debug_')"

# --- reproducible: two builds from two folders give the same bytes -------------------------------------------
unset MAKEFLAGS MFLAGS MAKELEVEL
for copy in one two; do
    mkdir -p "$T_TMP/$copy/tree/tests"
    (cd "$VP_ROOT" && cp -r Makefile VERSION src tools scripts "$T_TMP/$copy/tree/" && cp -r tests/handlers "$T_TMP/$copy/tree/tests/")
done
# The echo zip and one real handler's: the same rules make them all.
want="tests/handlers/echo.zip"
for z in "$VP_ROOT/$BUILD"/handlers/*.zip; do [ -f "$z" ] && { want="$want handlers/$(basename "$z")"; break; }; done
(cd "$T_TMP/one/tree" && make -s -j2 BUILD=build $(for w in $want; do echo "build/$w"; done)) >"$T_TMP/make-one.log" 2>&1
rc1=$?
(cd "$T_TMP/two/tree" && make -s -j2 BUILD="$T_TMP/two/elsewhere" $(for w in $want; do echo "$T_TMP/two/elsewhere/$w"; done)) \
    >"$T_TMP/make-two.log" 2>&1
rc2=$?
t_eq "two clean builds succeed" "0 0" "$rc1 $rc2"
t_contains "make prints each zip's size" "$(cat "$T_TMP/make-one.log")" "build/tests/handlers/echo.zip: "
for z in "$T_TMP/one/tree/build/handlers"/*.zip "$T_TMP/one/tree/build/tests/handlers/echo.zip"; do
    [ -f "$z" ] || continue
    rel=${z#"$T_TMP/one/tree/build/"}
    t_eq "$rel is byte-identical from two builds" "$(sha256sum <"$z")" "$(sha256sum <"$T_TMP/two/elsewhere/$rel" 2>&1)"
done
rm -rf "$T_TMP/one" "$T_TMP/two"

# --- it runs in an otherwise empty root --------------------------------------------------------------------
# Without root, a user namespace (unshare -r) may chroot; as root plain chroot works too.
if unshare -r -m true 2>/dev/null; then
    in_root() { local r=$1; shift; unshare -r --root="$r" "$@"; }
    how="unshare -r --root"
elif [ "$(id -u)" = 0 ]; then
    in_root() { local r=$1; shift; chroot "$r" "$@"; }
    how="chroot"
else
    echo "skip - neither unshare -r nor chroot is possible here: the empty-root run was not tried"
    exit 0
fi
portfile="$T_TMP/rapi.port"
t_bg python3 "$VP_ROOT/tests/fixtures/runtime_api.py" >"$portfile" 2>"$T_TMP/rapi.log"
tries=100
while [ ! -s "$portfile" ] && [ "$tries" -gt 0 ]; do sleep 0.05; tries=$((tries - 1)); done
RAPI="127.0.0.1:$(head -n 1 "$portfile")"
t_wait_http "http://$RAPI/_test/results" 10 || { t_fail "Runtime API double started"; exit 1; }
enqueue() {
    curl -s -o /dev/null -X POST --data-binary "@$2" "http://$RAPI/_test/enqueue?id=$1"
}
res() {
    curl -s "http://$RAPI/_test/results" | python3 -c "
import json, sys
r = json.load(sys.stdin)
def resp(i): return json.loads(r['responses'][i])
print($1)"
}
# run_in_root ROOT [ENV=V...]: the bootstrap in ROOT with only the environment Lambda would give it.
run_in_root() {
    local r=$1
    shift
    env -i PATH=/usr/bin:/bin AWS_LAMBDA_RUNTIME_API="$RAPI" AWS_REGION=us-east-1 LAMBDA_TASK_ROOT=/var/task \
        AWS_ACCESS_KEY_ID=ASIATESTTESTTEST1234 AWS_SECRET_ACCESS_KEY=testsecret AWS_SESSION_TOKEN=testtoken "$@" \
        timeout 30 bash -c "$(declare -f in_root); in_root \"\$0\" /var/task/bootstrap" "$r" >"$T_TMP/root.log" 2>&1
    ROOT_RC=$?
}

echo '{"from":"an empty root"}' >"$T_TMP/event.json"
enqueue r-root "$T_TMP/event.json"
run_in_root "$root_echo"
t_eq "echo.zip answers an event in an otherwise empty root ($how)" "an empty root r-root" \
    "$(res "resp('r-root')['event']['from'], resp('r-root')['requestId']" 2>&1)"
t_eq "and exits 0 when the Runtime API goes away" "0" "$ROOT_RC"
[ "$ROOT_RC" = 0 ] || sed 's/^/#   /' "$T_TMP/root.log" | head -n 20

# Each real handler starts there too: it reaches the Runtime API (an init error for a missing setting counts).
# presign needs only its bucket's name to answer an API Gateway event without claims: 401, no network call.
python3 - "$VP_TESTDATA/events/apigw-v2-request-jwt-authorizer.json" "$T_TMP/noclaims.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e["requestContext"].pop("authorizer", None)
e["rawPath"] = e["requestContext"]["http"]["path"] = "/upload"
e["requestContext"]["http"]["method"] = "POST"
e["routeKey"] = e["requestContext"]["routeKey"] = "POST /upload"
json.dump(e, open(sys.argv[2], "w"))
PY
for z in "${ZIPS[@]}"; do
    name=$(basename "$z" .zip)
    [ "$name" = echo ] && continue
    curl -s -o /dev/null -X POST "http://$RAPI/_test/reset"
    r="$T_TMP/root-$name"
    unpack "$z" "$r"
    enqueue "r-$name" "$T_TMP/noclaims.json"
    run_in_root "$r" VIDPIPE_UPLOAD_BUCKET=vp-uploads
    t_eq "$name.zip starts in an empty root and reaches the Runtime API" "True" \
        "$(res "r['next_calls'] > 0 or len(r['init_errors']) > 0" 2>&1)"
    t_eq "$name.zip exits without a crash" "True" "$([ "$ROOT_RC" -le 1 ] && echo True || echo "False (exit $ROOT_RC)")"
    if [ "$name" = presign ]; then
        t_eq "presign.zip answers an event without claims with 401" "401" "$(res "resp('r-presign')['statusCode']" 2>&1)"
    fi
done

# 7200-dist: `make dist` writes BUILD/vidpipe-VERSION.tar.gz: the sources under vidpipe-VERSION/ with a .commit
# file naming the commit. The tarball is made of the checkout as it is (committed or not: a snapshot tree
# written to a private object folder, so the repository is not touched), extracted in a temporary folder
# outside any git repository and built as the README says (`make`, here only the binary and one unit test,
# with -j2, to stay quick); there `vidpipe version` shows the VERSION and the commit from .commit, and 0100-help
# and the unit test pass with the tarball's own tests/run.sh. `make dist` of HEAD (its default) holds exactly
# HEAD's files and .commit, and notes uncommitted changes.
. tests/lib.sh
case "$BUILD" in *asan*) echo "skip - packaging is tested in the normal build"; exit 0 ;; esac
command -v git >/dev/null && git -C "$VP_ROOT" rev-parse --verify -q HEAD >/dev/null ||
    { echo "skip - not a git checkout (make dist archives git's tree)"; exit 0; }
unset MAKEFLAGS MFLAGS MAKELEVEL VIDPIPE_ARTIFACTS_DIR
version=$(cat "$VP_ROOT/VERSION")
name="vidpipe-$version"
out="$T_TMP/dist"
mkdir -p "$out"

# A tree of the working copy: a private index and object folder (the repository's objects as alternates).
objects=$(cd "$VP_ROOT" && cd "$(git rev-parse --git-path objects)" && pwd)
mkdir -p "$T_TMP/objects"
snap() { env GIT_INDEX_FILE="$T_TMP/index" GIT_OBJECT_DIRECTORY="$T_TMP/objects" GIT_ALTERNATE_OBJECT_DIRECTORIES="$objects" "$@"; }
snap git -C "$VP_ROOT" read-tree HEAD && snap git -C "$VP_ROOT" add -A && tree=$(snap git -C "$VP_ROOT" write-tree)
t_check "a snapshot of the working copy" test -n "${tree:-}"
commit=$(git -C "$VP_ROOT" rev-parse --short=12 HEAD)

t_status "make dist" 0 snap make -s --no-print-directory -C "$VP_ROOT" BUILD="$out" DIST_REF="$tree" dist
t_eq "prints the tarball's name, which carries the version" "$out/$name.tar.gz" "$T_OUT"
t_check "which is there" test -s "$out/$name.tar.gz"
t_check "gzip can read it" gzip -t "$out/$name.tar.gz"
tar tzf "$out/$name.tar.gz" >"$T_TMP/list" 2>&1
t_eq "everything is under $name/" "" "$(grep -v "^$name/" "$T_TMP/list")"
for f in Makefile VERSION README.md CHANGELOG.md scripts/deps.sh tests/run.sh tests/lib.sh src/cli/main.c .commit; do
    grep -qx "$name/$f" "$T_TMP/list" || missing="${missing:-} $f"
done
t_eq "with what the build and tests need, and .commit" "" "${missing:-}"
t_eq "and nothing of a build or of state" "" "$(grep -E "^$name/(build[^/]*/|state/.*\.json|\.cache/)" "$T_TMP/list")"
t_eq ".commit holds the short commit" "$commit" "$(tar xzOf "$out/$name.tar.gz" "$name/.commit")"
t_eq "its version is the VERSION file's" "$version" "$(tar xzOf "$out/$name.tar.gz" "$name/VERSION")"

# The same make dist of HEAD: the committed files, nothing else (and a note when the checkout differs).
rm -f "$out/$name.tar.gz"
t_status "make dist of HEAD" 0 make -s --no-print-directory -C "$VP_ROOT" BUILD="$out" dist
git -C "$VP_ROOT" ls-tree -r --name-only HEAD | sed "s|^|$name/|" >"$T_TMP/want"
echo "$name/.commit" >>"$T_TMP/want"
tar tzf "$out/$name.tar.gz" 2>/dev/null | grep -v '/$' | LC_ALL=C sort >"$T_TMP/got"
LC_ALL=C sort -o "$T_TMP/want" "$T_TMP/want"
t_eq "holds the files of HEAD and .commit" "" "$(diff "$T_TMP/want" "$T_TMP/got" | head -n 5)"
if git -C "$VP_ROOT" diff --quiet HEAD --; then
    t_eq "a clean checkout: no note" "" "$T_ERR"
else
    t_contains "a checkout with changes: a note says they are not in it" "$T_ERR" "uncommitted changes are not in the tarball"
fi

# Build the snapshot's tarball where no git repository is around (GIT_CEILING_DIRECTORIES), as a user would.
rm -f "$out/$name.tar.gz"
snap make -s --no-print-directory -C "$VP_ROOT" BUILD="$out" DIST_REF="$tree" dist >/dev/null 2>&1
mkdir -p "$T_TMP/src"
tar xzf "$out/$name.tar.gz" -C "$T_TMP/src"
src="$T_TMP/src/$name"
export GIT_CEILING_DIRECTORIES="$T_TMP"
# inball CMD...: CMD in the extracted sources, with none of this run's settings (BUILD, VIDPIPE, ...).
inball() { env -u BUILD -u VIDPIPE -u VP_ROOT -u VP_TESTDATA -u TESTS -C "$src" "$@"; }
t_status "make builds vidpipe from the tarball" 0 inball make -j2 build/vidpipe build/tests/test_base
[ "$T_ERR" = "" ] || echo "# make's stderr: $(printf '%s' "$T_ERR" | tail -n 3)"
t_status "that vidpipe runs" 0 "$src/build/vidpipe" version
t_contains "showing the version and the commit from .commit" "$T_OUT" "vidpipe $version (commit $commit)"
t_status "the tarball's own tests: 0100-help" 0 inball env TESTS=0100 VP_TESTDATA="$T_TMP/no-testdata" sh tests/run.sh
t_contains "passes" "$T_OUT" " passed, 0 failed"
t_lacks "and runs" "$T_OUT" "0 passed"
t_status "and a unit test" 0 inball env TESTS=test_base VP_TESTDATA="$T_TMP/no-testdata" sh tests/run.sh
t_contains "which passes" "$T_OUT" "PASS unit/test_base"

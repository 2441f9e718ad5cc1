# 0130-version: the version is one line in VERSION, valid Semantic Versioning 2.0.0 (semver.org's regular
# expression); the Makefile uses it, `vidpipe version` prints it, and the tarball's and the Debian package's
# names carry it (0.1.0-dev as 0.1.0~dev for Debian). CHANGELOG.md follows Keep a Changelog 1.1.0: an
# "## [Unreleased]" section first, released ones as "## [X.Y.Z] - YYYY-MM-DD" newest first, only the six
# kinds of subsection, link references at the bottom for released versions (and for Unreleased once there is
# a release to compare with); and VERSION agrees with it: a release is the newest section, a pre-release
# comes after the newest release.
. tests/lib.sh
unset MAKEFLAGS MFLAGS MAKELEVEL
version_file="$VP_ROOT/VERSION"
t_check "VERSION is there" test -f "$version_file"
t_eq "it is one line" 1 "$(wc -l <"$version_file" | tr -d ' ')"
version=$(cat "$version_file")

cat >"$T_TMP/semver.py" <<'PY'
import re, sys
# https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", re.ASCII)

def key(v):
    """SemVer 2.0.0 precedence (section 11) as a sortable key; build metadata is ignored."""
    m = SEMVER.match(v)
    core = tuple(int(m.group(i)) for i in (1, 2, 3))
    if m.group(4) is None:
        return core + ((1,),)
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in m.group(4).split("."))
    return core + ((0,) + ids,)
PY

# The regular expression and the precedence, checked on semver.org's own examples first.
t_eq "the SemVer check accepts and refuses semver.org's examples" "ok" "$(python3 - "$T_TMP" <<'PY'
import sys; sys.path.insert(0, sys.argv[1]); from semver import SEMVER, key
good = ["0.1.0-dev", "1.0.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
        "1.0.0-x-y-z.--", "1.0.0-alpha+001", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85"]
bad = ["1", "1.2", "01.1.1", "1.01.1", "1.1.01", "1.2.3-0123", "1.2.3-", "1.2.3+", "v1.2.3", "1.2.3.4",
       "1.2.3-alpha..1", " 1.2.3", "1.2.3 "]
order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
         "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"]
ok = all(SEMVER.match(v) for v in good) and not any(SEMVER.match(v) for v in bad)
ok = ok and sorted(order, key=key) == order and sorted(reversed(order), key=key) == order
print("ok" if ok else "broken")
PY
)"
t_eq "VERSION ($version) is Semantic Versioning 2.0.0" "yes" \
    "$(python3 -c "import sys; sys.path.insert(0, sys.argv[1]); from semver import SEMVER; print('yes' if SEMVER.match(sys.argv[2]) else 'no')" "$T_TMP" "$version")"

t_status "vidpipe version" 0 "$VIDPIPE" version
t_eq "prints it, with the commit" "vidpipe $version (commit" "$(printf '%s\n' "$T_OUT" | head -n 1 | sed 's/ (commit .*/ (commit/')"

# What the Makefile makes of it: its VERSION, the tarball's and the package's names.
printvars() {
    printf 'print-vars:\n\t@echo "$(VERSION)|$(DIST_FILE)|$(DEB_FILE)|$(DEB_VERSION)"\n' |
        make -s --no-print-directory -C "$VP_ROOT" -f Makefile -f - BUILD=out print-vars
}
vars=$(printvars 2>&1)
debversion=$(printf '%s' "$version" | sed 's/-/~/; s/-/./g')
arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
t_eq "the Makefile reads VERSION; make dist and make deb name their files after it" \
    "$version|out/vidpipe-$version.tar.gz|out/vidpipe_${debversion}_$arch.deb|$debversion" "$vars"
if command -v dpkg >/dev/null; then
    t_check "the Debian version is valid" dpkg --validate-version "$debversion"
    case "$version" in
    *-*) t_eq "and, a pre-release, sorts before the release as in SemVer" 0 \
        "$(dpkg --compare-versions "$debversion" lt "${version%%-*}"; echo $?)" ;;
    *) t_eq "and, a release, is VERSION itself" "$version" "$debversion" ;;
    esac
fi

# ---- CHANGELOG.md: Keep a Changelog 1.1.0 ----
problems=$(python3 - "$T_TMP" "$VP_ROOT/CHANGELOG.md" "$version" <<'PY'
import datetime, re, sys
sys.path.insert(0, sys.argv[1])
from semver import SEMVER, key
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")
version = sys.argv[3]
KINDS = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]
problems = []
def problem(n, msg): problems.append(f"{sys.argv[2].rsplit('/', 1)[-1]}:{n}: {msg}")

if not lines or lines[0] != "# Changelog":
    problem(1, 'the first line is not "# Changelog"')
sections = []          # (line, name, date)
kinds = {}
link_defs = {}         # lower-cased label -> line
first_link = None
last_content = 0
in_code = False
for n, line in enumerate(lines, 1):
    if line.startswith("```"):
        in_code = not in_code
    if in_code:
        continue
    m = re.match(r"^\[([^\]]+)\]:\s+\S+", line)
    if m:
        link_defs[m.group(1).lower()] = n
        first_link = first_link or n
        continue
    if line.strip():
        last_content = n
    if line.startswith("## "):
        if line == "## [Unreleased]":
            sections.append((n, "Unreleased", None))
        else:
            m = re.match(r"^## \[([^\]]+)\] - (\d{4}-\d{2}-\d{2})( \[YANKED\])?$", line)
            if not m:
                problem(n, f'"{line}" is neither "## [Unreleased]" nor "## [X.Y.Z] - YYYY-MM-DD"')
            elif not SEMVER.match(m.group(1)):
                problem(n, f"{m.group(1)} is not a Semantic Version")
                m = None
            else:
                try:
                    date = datetime.date.fromisoformat(m.group(2))
                except ValueError:
                    problem(n, f"{m.group(2)} is not a date")
                    m = None
            # A broken heading still opens a section (None), so what follows is not counted in the one before.
            sections.append((n, m.group(1), date) if m else (n, None, None))
        kinds[len(sections) - 1] = []
    elif line.startswith("### "):
        if not sections:
            problem(n, f'"{line}" is outside any version section')
        elif line[4:] not in KINDS:
            problem(n, f'"{line[4:]}" is not one of {", ".join(KINDS)}')
        elif line[4:] in kinds[len(sections) - 1]:
            problem(n, f'a second "{line[4:]}" in {sections[-1][1] or "the section of line %d" % sections[-1][0]}')
        else:
            kinds[len(sections) - 1].append(line[4:])
    elif line.startswith("#") and n > 1 and re.match(r"^#+ ", line):
        problem(n, f'"{line}": only "## " versions and "### " kinds of change under the title')

names = [s[1] for s in sections]
if names.count("Unreleased") != 1 or (sections and names[0] != "Unreleased"):
    problem(sections[0][0] if sections else 1, 'there must be exactly one "## [Unreleased]" section, the first')
released = [s for s in sections if s[1] not in ("Unreleased", None)]
if len({s[1] for s in released}) != len(released):
    problem(released[0][0], "a version has two sections")
for a, b in zip(released, released[1:]):
    if key(a[1]) <= key(b[1]):
        problem(b[0], f"{b[1]} comes after {a[1]}: versions must be newest first")
    if a[2] < b[2]:
        problem(b[0], f"{b[1]} is dated after {a[1]}")
for i, s in enumerate(sections):
    if s in released and not kinds.get(i):
        problem(s[0], f"{s[1]} lists no change")
# Link references: every released version's, and Unreleased's once there is a release to compare it with;
# all of them at the bottom.
for s in sections:
    if s[1] and (s[1] != "Unreleased" or released) and s[1].lower() not in link_defs:
        problem(s[0], f'no link reference "[{s[1]}]: URL" at the bottom')
if first_link and first_link < last_content:
    problem(first_link, "link references belong at the bottom, after every section")
# VERSION against the changelog.
if released:
    newest = released[0][1]
    if "-" in version.split("+")[0]:
        if key(version) <= key(newest):
            problem(released[0][0], f"VERSION {version} is a pre-release of a version not after {newest}, the newest release")
    elif version != newest:
        problem(released[0][0], f"VERSION {version} is a release but the newest section is {newest}")
elif "-" not in version.split("+")[0]:
    problem(1, f"VERSION {version} is a release, but CHANGELOG.md has no section for it")
print("\n".join(problems))
PY
)
t_eq "CHANGELOG.md follows Keep a Changelog and agrees with VERSION" "" "$problems"

# The checker refuses what it should: a broken changelog gives each expected problem.
cat >"$T_TMP/bad.md" <<'MD'
# Changelog

## [0.1.0] - 2024-01-01
### Added
- a

## [Unreleased]
### Improved
- b

## [0.2.0] - 2023-13-01
## 0.0.9 - 2023-01-01
### Fixed
### Fixed
- c
[0.1.0]: https://example.com
- after the links
MD
sed -n '/^problems=\$(python3 - /,/^PY$/p' "${BASH_SOURCE[0]}" | sed '1d;$d' >"$T_TMP/check.py"
bad=$(python3 "$T_TMP/check.py" "$T_TMP" "$T_TMP/bad.md" 0.1.0 2>&1)
for want in 'exactly one "## [Unreleased]" section, the first' '"Improved" is not one of' '2023-13-01 is not a date' \
    '"## 0.0.9 - 2023-01-01" is neither' 'a second "Fixed"' 'link references belong at the bottom' \
    'no link reference "[Unreleased]: URL"'; do
    t_contains "the checker finds: $want" "$bad" "$want"
done
t_eq "and accepts a good one" "" "$(printf '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2024-02-01\n### Added\n- x\n\n## [0.9.0] - 2024-01-01\n### Fixed\n- y\n\n[Unreleased]: https://e/compare/v1.0.0...HEAD\n[1.0.0]: https://e/compare/v0.9.0...v1.0.0\n[0.9.0]: https://e/releases/tag/v0.9.0\n' >"$T_TMP/good.md"; python3 "$T_TMP/check.py" "$T_TMP" "$T_TMP/good.md" 1.1.0-dev 2>&1)"

#!/bin/sh
# gen-docs.sh: regenerates what the spec format's docs take from the attribute tables, with the built binary
# (`make docs` builds it first): specs/vidpipe.schema.json whole, and the part of specs/README.md between the
# BEGIN and END GENERATED RESOURCE REFERENCE markers. tests/scenarios/1900-docs.sh fails when either is stale.
set -eu
VIDPIPE=${VIDPIPE:-${BUILD:-build}/vidpipe}
readme=specs/README.md
schema=specs/vidpipe.schema.json
begin='<!-- BEGIN GENERATED RESOURCE REFERENCE -->'
end='<!-- END GENERATED RESOURCE REFERENCE -->'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$VIDPIPE" debug schema --json-schema >"$tmp/schema.json"
"$VIDPIPE" debug schema --markdown >"$tmp/reference.md"

# The markers stay; what is between them becomes a blank line, the reference, a blank line.
awk -v begin="$begin" -v end="$end" -v ref="$tmp/reference.md" '
    $0 == begin { print; print ""; while ((getline line < ref) > 0) print line; print ""; skip = 1; found++; next }
    $0 == end { skip = 0; found++ }
    !skip { print }
    END {
        if (found != 2) { print "gen-docs: " FILENAME ": expected one BEGIN and one END marker" > "/dev/stderr"; exit 1 }
    }
' "$readme" >"$tmp/README.md"

cp "$tmp/schema.json" "$schema"
cp "$tmp/README.md" "$readme"
echo "gen-docs: wrote $schema and the resource reference in $readme"

# 5020-markdown: `plan --format markdown` and `drift --format markdown`, the pull-request comment and GitHub
# step summary. A stack applied on moto, then changed (a create, an update of a sensitive attribute whose
# secret was rotated, a replace, a destroy, a no-op), gives exactly tests/golden/plan.md; changed behind
# vidpipe's back (a drifted secret-bearing tag, a tag holding |, backticks, <script> and a newline, a deleted
# bucket, one read failing with a 500 through the fault proxy) it gives exactly tests/golden/drift.md. Names
# are fixed and nothing in these reports depends on time, so they are compared as they are.
# VP_REGEN_GOLDEN=1 rewrites the golden files instead (then review the diff).
# Also: no secret, old or new, in any format; a value can break neither the table nor the page (checked by
# structure, and by GitHub's own renderer cmark-gfm when it is installed); --format text is the default and
# --format json is --json; GITHUB_STEP_SUMMARY gets the Markdown appended, whatever the format, run after run;
# a summary file that cannot be written is a warning, not a failure.
. tests/lib.sh
moto_start
export VIDPIPE_WAIT_POLL_MS=20 VIDPIPE_RETRY_BASE_MS=1
golden=$VP_ROOT/tests/golden
cd "$T_TMP"
old_secret='tok-one-S3cr3t-value'
new_secret='tok-two-S3cr3t-value'
hostile='a|b ```x`` <script>alert(1)</script>\nline2 | end @someone'
cat >v1.yaml <<'YAML'
vidpipe: 1
stack: md
region: us-east-1
variables:
  api_token: {type: string, sensitive: true}
resources:
  videos:
    type: dynamodb_table
    name: md-videos
    hash_key: id
    attributes: {id: S}
  media:
    type: s3_bucket
    name: md-media
    tags:
      token: ${var.api_token}
      note: plain
  keep:
    type: s3_bucket
    name: md-keep
  old:
    type: s3_bucket
    name: md-old
YAML
# v2: the table's key changes (replace), the media bucket gets versioning and a note holding every character
# that could break Markdown (update; its token's secret is rotated too), logs is new, old is gone.
sed -e 's/hash_key: id/hash_key: video_id/' -e 's/attributes: {id: S}/attributes: {video_id: S}/' \
    -e '/^  old:/,$d' v1.yaml >v2.yaml
cat >>v2.yaml <<YAML
  logs:
    type: s3_bucket
    name: md-logs
YAML
python3 - "$hostile" <<'PY'
import sys
spec = open("v2.yaml").read().replace("      note: plain\n", "      note: %s\n    versioning: true\n" % (
    '"' + sys.argv[1].replace("\\", "\\\\").replace('"', '\\"').replace("\\\\n", "\\n") + '"'))
open("v2.yaml", "w").write(spec)
PY

# same DESC GOLDEN FILE: FILE is exactly GOLDEN (or, with VP_REGEN_GOLDEN=1, becomes it).
same() {
    if [ "${VP_REGEN_GOLDEN:-}" = 1 ]; then cp "$3" "$2"; t_ok "$1 (golden rewritten)"; return; fi
    if cmp -s "$2" "$3"; then t_ok "$1"; else t_fail "$1" "$(diff -u "$2" "$3" | head -n 40)"; fi
}
# safe DESC FILE: the Markdown's structure holds whatever the values are.
safe() {
    local out
    if out=$(python3 - "$2" <<'PY' 2>&1
import re, sys
lines = open(sys.argv[1]).read().split("\n")
fence = None
problems = []
for n, line in enumerate(lines, 1):
    if fence:
        if re.fullmatch(r"`{%d,}" % len(fence), line):
            fence = None
        elif not re.match(r"[-+] ", line):
            problems.append("%d: a diff line that is not - or +: %r" % (n, line))
        continue
    m = re.match(r"(`{3,})diff$", line)
    if m:
        fence = m.group(1)
        continue
    if line.startswith("|"):
        cells = re.split(r"(?<!\\)\|", line)
        if len(cells) != 6 or cells[0] or cells[-1]:
            problems.append("%d: a table row without exactly 4 cells: %r" % (n, line))
    # Outside fenced blocks, only our own tags: never one from a value.
    for tag in re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9]*)", re.sub(r"(`+).*?\1", "", line)):
        if tag not in ("details", "/details", "summary", "/summary", "code", "/code"):
            problems.append("%d: an HTML tag <%s> outside code: %r" % (n, tag, line))
    if "@someone" in re.sub(r"(`+).*?\1", "", line) and not line.startswith("<details>"):
        problems.append("%d: a mention outside code: %r" % (n, line))
if fence:
    problems.append("a fenced block is never closed")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
    ); then t_ok "$1: every row has its 4 cells, every block is closed, no HTML from a value"
    else t_fail "$1: structure" "$out"; fi
    if command -v cmark-gfm >/dev/null; then
        # GitHub's renderer, raw HTML allowed: a <script> element could only come from us.
        cmark-gfm --unsafe -e table "$2" >"$2.html"
        if grep -qi '<script' "$2.html"; then t_fail "$1: cmark-gfm renders no <script> element" "$(grep -i '<script' "$2.html" | head -n 3)"
        else t_ok "$1: cmark-gfm renders no <script> element"; fi
        t_eq "$1: cmark-gfm renders the table's rows" "$3" "$(grep -c '^<tr>' "$2.html")"
    else
        echo "skip - cmark-gfm is not installed: the Markdown is checked by structure only"
    fi
}

t_check "apply v1" "$VIDPIPE" apply v1.yaml --var "api_token=$old_secret" --auto-approve --parallelism 1
t_status "plan --format markdown with nothing to do" 0 "$VIDPIPE" plan v1.yaml --var "api_token=$old_secret" \
    --format markdown --detailed-exitcode
t_eq "says No changes." "### vidpipe plan for \`md\`: no changes

No changes. The live resources match the spec." "$T_OUT"
t_status "drift --format markdown with no drift" 0 "$VIDPIPE" drift v1.yaml --var "api_token=$old_secret" --format markdown
t_eq "says No changes. too" "### vidpipe drift for \`md\`: 0 drifted, 4 in sync, 0 errors

No changes. Nothing changed outside vidpipe since the last apply (4 resources checked)." "$T_OUT"

# ---- plan ----
args=(v2.yaml --var "api_token=$new_secret")
t_status "plan --format markdown" 2 "$VIDPIPE" plan "${args[@]}" --format markdown --detailed-exitcode
"$VIDPIPE" plan "${args[@]}" --format markdown >plan.md 2>/dev/null
same "the plan's Markdown is tests/golden/plan.md" "$golden/plan.md" plan.md
safe "plan.md" plan.md 5
t_status "plan --format text" 0 "$VIDPIPE" plan "${args[@]}" --format text
text=$T_OUT
t_status "plan (text is the default)" 0 "$VIDPIPE" plan "${args[@]}"
t_eq "--format text is the default output" "$text" "$T_OUT"
t_contains "which is the terminal's plan" "$T_OUT" "Plan: 2 to add, 1 to change, 2 to destroy."
t_status "plan --format json" 0 "$VIDPIPE" plan "${args[@]}" --format json
json=$T_OUT
t_status "plan --json" 0 "$VIDPIPE" plan "${args[@]}" --json
t_eq "--format json is --json" "$json" "$T_OUT"
t_status "--json --format json agree" 0 "$VIDPIPE" plan "${args[@]}" --json --format json
t_status "--json --format markdown disagree" 1 "$VIDPIPE" plan "${args[@]}" --json --format markdown
t_contains "and say so" "$T_ERR" "--json and --format markdown disagree"
t_status "an unknown format" 1 "$VIDPIPE" plan "${args[@]}" --format yaml
t_contains "is named" "$T_ERR" "--format takes text, json or markdown, not 'yaml'"
t_status "--format needs a value" 1 "$VIDPIPE" plan "${args[@]}" --format
t_status "show does not take --format" 1 "$VIDPIPE" show --format markdown --state state/md.json
t_lacks "the secret rotated away is never shown (text)" "$text" "$old_secret"
t_lacks "nor the new one (text)" "$text" "$new_secret"
t_lacks "nor in JSON (old)" "$json" "$old_secret"
t_lacks "nor in JSON (new)" "$json" "$new_secret"
t_lacks "nor in Markdown (old)" "$(cat plan.md)" "$old_secret"
t_lacks "nor in Markdown (new)" "$(cat plan.md)" "$new_secret"
t_contains "the terminal masks the token on both sides" "$text" "tags.token                 = (sensitive) -> (sensitive)"

# GITHUB_STEP_SUMMARY: appended, whatever the format, run after run; never truncated.
printf '## an earlier step\n\n' >summary.md
t_status "plan (text) with GITHUB_STEP_SUMMARY" 0 env GITHUB_STEP_SUMMARY="$T_TMP/summary.md" "$VIDPIPE" plan "${args[@]}"
t_eq "stdout is still the text plan" "$text" "$T_OUT"
t_status "plan --json with GITHUB_STEP_SUMMARY" 0 env GITHUB_STEP_SUMMARY="$T_TMP/summary.md" "$VIDPIPE" plan "${args[@]}" --json
t_eq "stdout is still the JSON plan" "$json" "$T_OUT"
{ printf '## an earlier step\n\n'; cat plan.md plan.md; } >want-summary.md
if cmp -s want-summary.md summary.md; then t_ok "the summary file: what was there, then the plan's Markdown twice"
else t_fail "the summary file: what was there, then the plan's Markdown twice" "$(diff want-summary.md summary.md | head -n 20)"; fi
t_status "GITHUB_STEP_SUMMARY that cannot be written: the exit status is unchanged" 2 \
    env GITHUB_STEP_SUMMARY="$T_TMP/no-such-dir/summary.md" "$VIDPIPE" plan "${args[@]}" --detailed-exitcode
t_contains "a warning" "$T_ERR" "vidpipe: warning: could not append the summary to GITHUB_STEP_SUMMARY"
t_eq "the plan is still printed" "$text" "$T_OUT"
t_status "an empty GITHUB_STEP_SUMMARY is ignored" 0 env GITHUB_STEP_SUMMARY= "$VIDPIPE" plan "${args[@]}"
t_eq "silently" "" "$T_ERR"

# ---- drift ----
boto s3 "import sys
c.put_bucket_tagging(Bucket='md-media', Tagging={'TagSet': [{'Key': 'token', 'Value': 'changed-by-hand'},
    {'Key': 'note', 'Value': '''$hostile'''.replace('\\\\n', '\\n')}]})
c.delete_bucket(Bucket='md-old')"
t_eq "boto3: the hostile tag holds a real newline" "2" \
    "$(boto s3 "print(len(dict((t['Key'], t['Value']) for t in c.get_bucket_tagging(Bucket='md-media')['TagSet'])['note'].split(chr(10))))")"
fault_start
fault_script "500"
rm -f summary.md
t_status "drift --format markdown, one read failing: exit 1" 1 env AWS_MAX_ATTEMPTS=1 GITHUB_STEP_SUMMARY="$T_TMP/summary.md" \
    "$VIDPIPE" drift v1.yaml --var "api_token=$old_secret" --format markdown --parallelism 1
printf '%s\n\n' "$T_OUT" >drift.md      # $(...) drops the trailing blank line: put it back
t_eq "exactly one fault was used" "1" "$(fault_stat faults)"
same "the drift's Markdown is tests/golden/drift.md" "$golden/drift.md" drift.md
same "and what was appended to GITHUB_STEP_SUMMARY" drift.md summary.md
safe "drift.md" drift.md 4
t_lacks "no secret in the drift's Markdown" "$(cat drift.md)" "$old_secret"
fault_script "500"
t_status "drift --json with GITHUB_STEP_SUMMARY" 1 env AWS_MAX_ATTEMPTS=1 GITHUB_STEP_SUMMARY="$T_TMP/summary.md" \
    "$VIDPIPE" drift v1.yaml --var "api_token=$old_secret" --json --parallelism 1
t_contains "prints JSON" "$T_OUT" '"format_version": "1"'
t_lacks "without the secret" "$T_OUT" "$old_secret"
cat drift.md drift.md >want-summary.md
if cmp -s want-summary.md summary.md; then t_ok "the drift's Markdown was appended a second time"
else t_fail "the drift's Markdown was appended a second time" "$(diff want-summary.md summary.md | head -n 20)"; fi
fault_script ""
t_status "drift --format text" 2 "$VIDPIPE" drift v1.yaml --var "api_token=$old_secret" --format text
t_lacks "no secret in text either" "$T_OUT" "$old_secret"
t_contains "the drifted token is masked: state held a secret there" "$T_OUT" "tags.token                 = (sensitive) -> (sensitive)"

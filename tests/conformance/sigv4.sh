#!/usr/bin/env bash
# sigv4.sh: every case folder of the shared SigV4 suites ($VP_TESTDATA/sigv4, $VP_TESTDATA/s3-sigv4) signed
# through `vidpipe debug sigv4`, each expected {header,query}-<stage>.txt compared byte for byte; then the
# command's answers to broken input. A new case is a new folder: nothing here names a case.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

SUITES="sigv4 s3-sigv4"
MODES="header query"
STAGES="canonical-request string-to-sign signature signed-request"

# check_stage LABEL DIR MODE STAGE: one "ok" line when the output equals DIR/MODE-STAGE.txt byte for byte.
check_stage() {
    local label=$1 dir=$2 mode=$3 stage=$4 want="$2/$3-$4.txt" rc
    "$VIDPIPE" debug sigv4 --context "$dir/context.json" --request "$dir/request.txt" --mode "$mode" \
        --print "$stage" >"$T_TMP/got" 2>"$T_TMP/stderr"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        t_fail "$label $mode-$stage" "exit $rc" "stderr: $(head -n 3 "$T_TMP/stderr")"
    elif [ -s "$T_TMP/stderr" ]; then
        t_fail "$label $mode-$stage" "unexpected stderr: $(head -n 3 "$T_TMP/stderr")"
    elif cmp -s "$want" "$T_TMP/got"; then
        t_ok "$label $mode-$stage"
    else
        t_fail "$label $mode-$stage" "differs from $want:" \
            "$(diff <(cat "$want"; echo '<EOF>') <(cat "$T_TMP/got"; echo '<EOF>') | head -n 12)"
    fi
}

# check_case LABEL DIR: every expected file the folder holds; a folder with none is a failure, not a pass.
check_case() {
    local label=$1 dir=$2 mode stage found=0
    for f in request.txt context.json; do
        [ -f "$dir/$f" ] || { t_fail "$label" "no $f in $dir"; return; }
    done
    for mode in $MODES; do
        for stage in $STAGES; do
            [ -f "$dir/$mode-$stage.txt" ] || continue
            found=$((found + 1))
            check_stage "$label" "$dir" "$mode" "$stage"
        done
    done
    [ "$found" -gt 0 ] || t_fail "$label" "no {header,query}-<stage>.txt expected file in $dir"
}

for suite in $SUITES; do
    root="$VP_TESTDATA/$suite"
    if [ ! -d "$root" ]; then
        t_fail "suite $suite" "no folder $root (set VP_TESTDATA)"
        continue
    fi
    cases=0
    for dir in "$root"/*/; do
        [ -d "$dir" ] || continue
        dir=${dir%/}
        cases=$((cases + 1))
        check_case "$suite/$(basename "$dir")" "$dir"
    done
    [ "$cases" -gt 0 ] || t_fail "suite $suite" "no case folder in $root"
done

# ---- broken input: exit 1, exactly one line on stderr, nothing on stdout ----

# expect_error DESC CMD...: the command's answer to input it must refuse.
expect_error() {
    local desc=$1 rc lines
    shift
    "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    lines=$(wc -l <"$T_TMP/err")
    if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && [ ! -s "$T_TMP/out" ] && grep -q '^vidpipe' "$T_TMP/err"; then
        t_ok "$desc"
    else
        t_fail "$desc" "want exit 1, one stderr line, empty stdout; got exit $rc, $lines stderr lines" \
            "stderr: $(head -n 3 "$T_TMP/err")" "stdout: $(head -c 200 "$T_TMP/out")"
    fi
}

good="$VP_TESTDATA/sigv4/get-vanilla"
bad="$T_TMP/bad"
mkdir -p "$bad"
printf '{ "credentials": { "access_key_id": "AKID", ' >"$bad/truncated.json"
printf '[1, 2]' >"$bad/array.json"
printf '{"credentials": {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "s"}, "region": 5, "service": "s",
  "timestamp": "2015-08-30T12:36:00Z"}' >"$bad/region-number.json"
printf '{"credentials": {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "s"}, "region": "us-east-1",
  "service": "s", "timestamp": "yesterday"}' >"$bad/bad-time.json"
: >"$bad/empty.txt"
printf 'Host:example.amazonaws.com\n\n' >"$bad/no-request-line.txt"
printf 'GET / HTTP/1.1\nHost:example.amazonaws.com\nnot a header\n\n' >"$bad/bad-header.txt"
printf 'GET / HTTP/1.1\n  folded before any header\nHost:example.amazonaws.com\n\n' >"$bad/orphan-fold.txt"
printf 'GET / HTTP/1.1\nMy-Header:1\n\n' >"$bad/no-host.txt"

sig() { "$VIDPIPE" debug sigv4 "$@"; }
expect_error "missing context file" sig --context "$bad/nope.json" --request "$good/request.txt" --print signature
expect_error "missing request file" sig --context "$good/context.json" --request "$bad/nope.txt" --print signature
expect_error "malformed context.json" sig --context "$bad/truncated.json" --request "$good/request.txt" \
    --print signature
expect_error "context.json not an object" sig --context "$bad/array.json" --request "$good/request.txt" \
    --print signature
expect_error "context.json region not a string" sig --context "$bad/region-number.json" \
    --request "$good/request.txt" --print signature
expect_error "context.json bad timestamp" sig --context "$bad/bad-time.json" --request "$good/request.txt" \
    --print signature
expect_error "empty request.txt" sig --context "$good/context.json" --request "$bad/empty.txt" --print signature
expect_error "request.txt with no request line" sig --context "$good/context.json" \
    --request "$bad/no-request-line.txt" --print signature
expect_error "request.txt with a malformed header" sig --context "$good/context.json" \
    --request "$bad/bad-header.txt" --print signature
expect_error "request.txt folding with no header" sig --context "$good/context.json" \
    --request "$bad/orphan-fold.txt" --print signature
expect_error "request.txt without Host" sig --context "$good/context.json" --request "$bad/no-host.txt" \
    --print signature
expect_error "unknown --print value" sig --context "$good/context.json" --request "$good/request.txt" \
    --print everything
expect_error "unknown --mode value" sig --context "$good/context.json" --request "$good/request.txt" \
    --mode cookie --print signature
expect_error "unknown option" sig --context "$good/context.json" --request "$good/request.txt" --print signature \
    --frobnicate
expect_error "option without its value" sig --context "$good/context.json" --request "$good/request.txt" --print
expect_error "no options" sig

t_status "--help exits 0" 0 sig --help
t_contains "--help prints usage on stdout" "$T_OUT" "usage: vidpipe debug sigv4"
t_eq "--help prints nothing on stderr" "" "$T_ERR"

# A new case folder is picked up by the walk with no code change: a copy of a case under a new name passes.
mkdir -p "$T_TMP/suite"
cp -r "$good" "$T_TMP/suite/a-new-case"
check_case "copied/a-new-case" "$T_TMP/suite/a-new-case"

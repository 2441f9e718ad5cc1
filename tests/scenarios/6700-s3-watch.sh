# 6700-s3-watch: the bucket watcher `vidpipe serve` turns into S3 notifications (src/local/s3_watch.c),
# driven by build/tests/drive-s3-watch against moto, boto3 making the changes: what exists at the start is
# never reported; a new object, an overwrite (new ETag), a multipart upload (ETag with a part count) and a
# removal each give one record of the right kind; keys with spaces, '+', '%' and unicode come back
# URL-encoded as S3 encodes them and decode to the key; more than 1000 keys are listed page by page; a prefix
# limits the watch; a missing bucket is a clear error.
. tests/lib.sh
moto_start
DRIVE="$VP_ROOT/${BUILD:-build}/tests/drive-s3-watch"
B=vp-watch
OUT="$T_TMP/records"

boto s3 "c.create_bucket(Bucket='$B')
c.put_object(Bucket='$B', Key='base/a.txt', Body=b'a')
c.put_object(Bucket='$B', Key='base/b c.txt', Body=b'b')"

# watch_start [PREFIX]: the driver as a coprocess; its first line is "baseline N".
watch_start() {
    coproc W { exec "$DRIVE" "$B" "$@" 2>"$T_TMP/watch.err"; }
    T_PIDS+=("$W_PID")
    WATCH_IN=${W[1]} WATCH_OUT=${W[0]}
    read -r -t 30 BASELINE <&"$WATCH_OUT" || BASELINE="(nothing: $(cat "$T_TMP/watch.err"))"
}
# watch_stop: closes its input; it must end at once, with status 0 and nothing on stderr (sanitizer reports).
watch_stop() {
    local rc
    exec {WATCH_IN}>&-
    wait "$W_PID" 2>/dev/null
    rc=$?
    t_eq "the watcher ends cleanly at the end of its input" "0 " "$rc $(head -c 300 "$T_TMP/watch.err")"
}
# poll: one poll; its records in $OUT (one JSON line each), its last line ("polled N") in $POLLED.
poll() {
    local line
    : >"$OUT"
    POLLED="(no answer)"
    echo poll >&"$WATCH_IN"
    while read -r -t 60 line <&"$WATCH_OUT"; do
        case "$line" in
            "polled "* | "error: "*) POLLED=$line; return ;;
            *) printf '%s\n' "$line" >>"$OUT" ;;
        esac
    done
}
# records: each record of $OUT as "eventName decoded-key size eTag", the fields it lacks as "-".
records() {
    python3 - "$OUT" <<'PY'
import json, sys, urllib.parse
for line in open(sys.argv[1]):
    r = json.loads(line)
    o = r["s3"]["object"]
    print(r["eventName"], urllib.parse.unquote_plus(o["key"]), o.get("size", "-"), o.get("eTag", "-"))
PY
}

watch_start
t_eq "the objects there at the start are the baseline" "baseline 2" "$BASELINE"
poll
t_eq "nothing changed: nothing reported" "polled 0" "$POLLED"

KEY='uploads/u1/v1/my clip (1) +100% été 日本.mp4'
boto s3 "c.put_object(Bucket='$B', Key='''$KEY''', Body=b'hello')"
poll
t_eq "a new object is one record" "polled 1" "$POLLED"
ETAG1=$(boto s3 "print(c.head_object(Bucket='$B', Key='''$KEY''')['ETag'].strip('\"'))")
t_eq "ObjectCreated:Put with the key, size and ETag (no quotes)" "ObjectCreated:Put $KEY 5 $ETAG1" "$(records)"
t_eq "the key is URL-encoded as S3 encodes it" \
    "uploads/u1/v1/my+clip+%281%29+%2B100%25+%C3%A9t%C3%A9+%E6%97%A5%E6%9C%AC.mp4" \
    "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["s3"]["object"]["key"])' "$OUT")"
t_eq "the record is S3's shape" "2.1 aws:s3 us-east-1 1.0 $B arn:aws:s3:::$B 18" \
    "$(python3 -c 'import json,sys; r = json.loads(open(sys.argv[1]).readline()); s = r["s3"]
print(r["eventVersion"], r["eventSource"], r["awsRegion"], s["s3SchemaVersion"], s["bucket"]["name"], s["bucket"]["arn"], len(s["object"]["sequencer"]))' "$OUT")"
SEQ1=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["s3"]["object"]["sequencer"])' "$OUT")

boto s3 "c.put_object(Bucket='$B', Key='''$KEY''', Body=b'hello, again')"
poll
ETAG2=$(boto s3 "print(c.head_object(Bucket='$B', Key='''$KEY''')['ETag'].strip('\"'))")
t_eq "an overwrite with a new ETag is one ObjectCreated:Put" "polled 1|ObjectCreated:Put $KEY 12 $ETAG2" "$POLLED|$(records)"
SEQ2=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["s3"]["object"]["sequencer"])' "$OUT")
t_check "the key's sequencer grew" python3 -c "import sys; sys.exit(0 if '$SEQ2' > '$SEQ1' else 1)"

boto s3 "u = c.create_multipart_upload(Bucket='$B', Key='uploads/u1/v2/big.mp4')['UploadId']
p1 = c.upload_part(Bucket='$B', Key='uploads/u1/v2/big.mp4', UploadId=u, PartNumber=1, Body=b'x' * (5 * 1024 * 1024))
p2 = c.upload_part(Bucket='$B', Key='uploads/u1/v2/big.mp4', UploadId=u, PartNumber=2, Body=b'tail')
c.complete_multipart_upload(Bucket='$B', Key='uploads/u1/v2/big.mp4', UploadId=u,
    MultipartUpload={'Parts': [{'PartNumber': 1, 'ETag': p1['ETag']}, {'PartNumber': 2, 'ETag': p2['ETag']}]})"
poll
ETAG3=$(boto s3 "print(c.head_object(Bucket='$B', Key='uploads/u1/v2/big.mp4')['ETag'].strip('\"'))")
t_contains "moto gives a multipart object a -N ETag" "$ETAG3" "-2"
t_eq "a multipart upload is ObjectCreated:CompleteMultipartUpload" \
    "polled 1|ObjectCreated:CompleteMultipartUpload uploads/u1/v2/big.mp4 5242884 $ETAG3" "$POLLED|$(records)"

boto s3 "c.delete_object(Bucket='$B', Key='base/a.txt')"
poll
t_eq "a removal is ObjectRemoved:Delete, without size or ETag" "polled 1|ObjectRemoved:Delete base/a.txt - -" \
    "$POLLED|$(records)"

# 1100 keys, some with spaces and unicode: more than one page of ListObjectsV2 (1000 keys a page).
boto s3 "for i in range(1100):
    c.put_object(Bucket='$B', Key=('many/ü %04d 日本.txt' if i % 100 == 0 else 'many/k%04d') % i, Body=b'%d' % i)"
poll
t_eq "1100 new keys over two pages: 1100 records" "polled 1100" "$POLLED"
t_eq "each of them once, keys decoded back exactly" "1100 1100 ok" "$(python3 - "$OUT" <<'PY'
import json, sys, urllib.parse
keys = [urllib.parse.unquote_plus(json.loads(l)["s3"]["object"]["key"]) for l in open(sys.argv[1])]
want = {('many/ü %04d 日本.txt' if i % 100 == 0 else 'many/k%04d') % i for i in range(1100)}
print(len(keys), len(set(keys)), "ok" if set(keys) == want else "differs")
PY
)"
poll
t_eq "the second page is remembered: nothing reported after" "polled 0" "$POLLED"

boto s3 "c.delete_objects(Bucket='$B', Delete={'Objects': [{'Key': 'many/k%04d' % i} for i in (1, 999, 1099)]})
c.put_object(Bucket='$B', Key='many/k0500', Body=b'changed')"
poll
t_eq "removals across pages and a change, creations first, each in key order" \
    "polled 4|ObjectCreated:Put many/k0500|ObjectRemoved:Delete many/k0001|ObjectRemoved:Delete many/k0999|ObjectRemoved:Delete many/k1099" \
    "$POLLED|$(records | cut -d' ' -f1,2 | paste -sd'|')"
watch_stop

watch_start uploads/
t_eq "a watch under a prefix has only those keys as its baseline" "baseline 2" "$BASELINE"
boto s3 "c.put_object(Bucket='$B', Key='base/new.txt', Body=b'n')
c.put_object(Bucket='$B', Key='uploads/u2/v1/new.mp4', Body=b'n')"
poll
t_eq "and reports only under it" "polled 1|ObjectCreated:Put uploads/u2/v1/new.mp4 1" \
    "$POLLED|$(records | cut -d' ' -f1-3)"
watch_stop

t_status "a missing bucket fails the first listing" 2 "$DRIVE" vp-no-such-bucket
t_contains "naming the bucket and S3's error" "$T_ERR" "listing bucket 'vp-no-such-bucket'"
t_contains "S3's error code" "$T_ERR" "NoSuchBucket"

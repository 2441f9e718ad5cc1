# 0900-valgrind: the CLI is leak-free under valgrind (no definite or indirect leak, no invalid access) on
# a success path, a service error path, a retry path and an argument error.
. tests/lib.sh
case "$BUILD" in *asan*) echo "skip - valgrind cannot run a binary built with AddressSanitizer"; exit 0 ;; esac
command -v valgrind >/dev/null || { t_fail "valgrind is installed"; exit 0; }
moto_start
vg() {
    valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --log-file="$T_TMP/vg.log" "$VIDPIPE" "$@"
}
check_clean() {  # check_clean DESC WANT_STATUS ARGS...
    local desc=$1 want=$2
    shift 2
    t_status "$desc under valgrind" "$want" vg "$@"
    if [ -s "$T_TMP/vg.log" ]; then t_fail "$desc: valgrind is silent" "$(head -n 20 "$T_TMP/vg.log")"; else t_ok "$desc: valgrind is silent"; fi
}
check_clean "a Query call" 0 debug call sts GetCallerIdentity
check_clean "a JSON call" 0 debug call dynamodb ListTables
check_clean "an S3 call" 0 debug call s3 ListBuckets
check_clean "a service error" 1 debug call dynamodb DescribeTable '{"TableName":"vp-none"}'
check_clean "a usage error" 1 debug call nosuchservice Op
check_clean "a debug-logged call" 0 --debug debug call lambda ListFunctions --path /2015-03-31/functions/
check_clean "version" 0 version

/* err.c: filling and prefixing struct vp_err. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void vp_err_clear(struct vp_err *err)
{
    memset(err, 0, sizeof(*err));
}

int vp_fail(struct vp_err *err, enum vp_errcode code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    vp_err_clear(err);
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int vp_err_prefix(struct vp_err *err, const char *fmt, ...)
{
    char prefix[256], old[sizeof(err->msg)];
    va_list ap;

    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    /* prefix ": " old, cut to fit (snprintf's "%s: %s" would be flagged as a possible truncation) */
    size_t n = strlen(prefix);
    if (n > sizeof(err->msg) - 3)
        n = sizeof(err->msg) - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    n += 2;
    size_t rest = strnlen(old, sizeof(old) - 1);
    if (rest > sizeof(err->msg) - 1 - n)
        rest = sizeof(err->msg) - 1 - n;
    memcpy(err->msg + n, old, rest);
    err->msg[n + rest] = '\0';
    return -1;
}

const char *vp_errcode_name(enum vp_errcode code)
{
    switch (code) {
    case VP_OK: return "ok";
    case VP_E_USAGE: return "usage";
    case VP_E_IO: return "io";
    case VP_E_LIMIT: return "limit";
    case VP_E_PARSE: return "parse";
    case VP_E_INTERRUPTED: return "interrupted";
    case VP_E_SPEC: return "spec";
    case VP_E_SPEC_SYNTAX: return "spec_syntax";
    case VP_E_SPEC_UNKNOWN_KEY: return "spec_unknown_key";
    case VP_E_SPEC_CYCLE: return "spec_cycle";
    case VP_E_AWS: return "aws";
    case VP_E_AWS_SERVICE: return "aws_service";
    case VP_E_AWS_TRANSPORT: return "aws_transport";
    case VP_E_AWS_NO_CREDENTIALS: return "aws_no_credentials";
    case VP_E_AWS_CONFIG: return "aws_config";
    case VP_E_AWS_ENDPOINT: return "aws_endpoint";
    case VP_E_AWS_RESPONSE: return "aws_response";
    case VP_E_AWS_RETRY_QUOTA: return "aws_retry_quota";
    case VP_E_STATE: return "state";
    case VP_E_STATE_LOCKED: return "state_locked";
    case VP_E_STATE_STALE_PLAN: return "state_stale_plan";
    case VP_E_STATE_IO: return "state_io";
    }
    return "unknown";
}

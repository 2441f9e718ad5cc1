/* err.h: the one error convention. A function returns 0 or -1 and fills a struct vp_err that its caller
 * owns; each layer puts its context in front with vp_err_prefix(). Only cli/ and the handlers' runtime print. */
#ifndef VP_BASE_ERR_H
#define VP_BASE_ERR_H

#include <stdbool.h>

enum vp_errcode {                       /* one range per layer; a code is never renumbered */
    VP_OK = 0,
    VP_E_USAGE = 0x10,                  /* bad command line */
    VP_E_IO,                            /* a local file could not be read or written */
    VP_E_LIMIT,                         /* a bounded buffer would overflow */
    VP_E_PARSE,                         /* malformed local input (a request.txt, a context.json) */
    VP_E_INTERRUPTED,                   /* stopped by a signal after finishing the work in flight */
    VP_E_SPEC = 0x100, VP_E_SPEC_SYNTAX, VP_E_SPEC_UNKNOWN_KEY, VP_E_SPEC_CYCLE,
    VP_E_AWS = 0x200, VP_E_AWS_SERVICE, VP_E_AWS_TRANSPORT, VP_E_AWS_NO_CREDENTIALS,
    VP_E_AWS_CONFIG, VP_E_AWS_ENDPOINT, VP_E_AWS_RESPONSE, VP_E_AWS_RETRY_QUOTA,
    VP_E_STATE = 0x300, VP_E_STATE_LOCKED, VP_E_STATE_STALE_PLAN, VP_E_STATE_IO,
};

struct vp_pos {
    const char *file;                   /* borrowed: lives as long as the spec */
    int line, col;                      /* 1-based; 0 when unknown */
};

struct vp_err {
    enum vp_errcode code;
    char msg[512];                      /* "creating table 'videos': ResourceInUseException: Table already exists" */
    struct vp_pos pos;                  /* spec errors */
    int http_status;                    /* service errors: filled once, by aws/ */
    char service[32];                   /* "dynamodb" */
    char aws_code[64];                  /* "ThrottlingException" */
    char request_id[80];
    bool retryable;                     /* decided in one place: aws/retry.c */
    bool timed_out;                     /* a transport timeout (the retry quota charges it more) */
    bool maybe_done;                    /* a not-idempotent request failed in transport: AWS may have carried
                                           it out and only the answer was lost (struct vp_request) */
};

/* Fills err (code and message, service fields cleared) and returns -1 for the caller to return. */
int vp_fail(struct vp_err *err, enum vp_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Puts "context: " in front of the message; returns -1. */
int vp_err_prefix(struct vp_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The code's stable name for --json output: "aws_service", "spec_syntax", ... */
const char *vp_errcode_name(enum vp_errcode code);
void vp_err_clear(struct vp_err *err);

#endif

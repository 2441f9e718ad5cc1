/* sigv4.h: AWS Signature Version 4, header form (Authorization) and query form (presigned URLs).
 * The stages are kept (canonical request, string to sign, signature) so tests and `vidpipe debug sigv4`
 * compare each with the AWS test suite's file of that name. */
#ifndef VP_AWS_SIGV4_H
#define VP_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/creds.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/kv.h"

enum vp_sigv4_mode { VP_SIGV4_HEADER, VP_SIGV4_QUERY };

struct vp_sigv4_params {
    const char *service;            /* signing name: "s3", "dynamodb", "execute-api", ... */
    const char *region;
    time_t time;                    /* signing time, UTC */
    enum vp_sigv4_mode mode;
    long expires_s;                 /* query form: X-Amz-Expires */
    bool s3_rules;                  /* S3: path encoded once, never normalised */
    bool normalize_path;            /* non-S3: remove dot segments and duplicate slashes */
    bool sign_body;                 /* header form: add x-amz-content-sha256 and sign it */
    const char *payload_hash;       /* NULL: hex SHA-256 of the body; or "UNSIGNED-PAYLOAD" */
    bool omit_session_token;        /* sign without X-Amz-Security-Token, then add it */
};

/* The request, changed in place by signing: the header form adds X-Amz-Date (and X-Amz-Security-Token,
 * x-amz-content-sha256) and Authorization to headers; the query form adds the X-Amz-* parameters to query. */
struct vp_sigv4_request {
    const char *method;
    const char *path;               /* as sent on the wire, without the query */
    struct vp_kvlist *query;        /* decoded names and values, in request order */
    struct vp_kvlist *headers;      /* must hold Host */
    const void *body;
    size_t body_len;
};

struct vp_sigv4 {
    struct vp_buf canonical_request;
    struct vp_buf string_to_sign;
    char signature[65];
};

#define VP_SIGV4_INIT { VP_BUF_INIT(0), VP_BUF_INIT(0), { 0 } }

int vp_sigv4_sign(struct vp_sigv4_request *req, const struct vp_sigv4_params *params,
                  const struct vp_creds *creds, struct vp_sigv4 *out, struct vp_err *err);
void vp_sigv4_release(struct vp_sigv4 *s);

/* Hex SHA-256 of data into out[65]. */
void vp_sha256_hex(const void *data, size_t len, char out[65]);

#endif

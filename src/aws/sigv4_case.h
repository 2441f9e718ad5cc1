/* sigv4_case.h: one case of the AWS SigV4 test suite: its request.txt and context.json read into the signer's
 * inputs, and the signed request written back in the suite's own *-signed-request.txt format. Used by
 * `vidpipe debug sigv4` and the unit tests. */
#ifndef VP_AWS_SIGV4_CASE_H
#define VP_AWS_SIGV4_CASE_H

#include <stddef.h>

#include "aws/creds.h"
#include "aws/sigv4.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/kv.h"

struct vp_sigv4_case {
    /* From request.txt: "METHOD TARGET VERSION", "Name:value" lines, a blank line, the body. */
    char *method;
    char *target;                   /* as written: path and query, e.g. "/?Param1=value1" */
    char *version;                  /* "HTTP/1.1" */
    char *path;                     /* target before '?' */
    char *raw_query;                /* target after '?', as written; NULL when there is no '?' */
    struct vp_kvlist query;         /* raw_query decoded into pairs ("key" alone is "key" = "") */
    struct vp_kvlist headers;       /* names as written; a folded value keeps its newlines and indents */
    struct vp_buf body;
    struct vp_kvlist request_query; /* the same pairs, kept as the request had them before signing */
    /* From context.json. */
    char *context_file;             /* its path, for messages */
    struct vp_creds creds;
    char *service, *region;
    struct vp_sigv4_params params;  /* mode is set by vp_sigv4_case_sign */
};

void vp_sigv4_case_init(struct vp_sigv4_case *c);
void vp_sigv4_case_release(struct vp_sigv4_case *c);

/* Parses request text (len bytes, need not be NUL-terminated); name is the file name errors start with.
 * VP_E_PARSE when there is no request line or a header line is malformed. */
int vp_sigv4_case_parse_request(struct vp_sigv4_case *c, const char *text, size_t len, const char *name,
                                struct vp_err *err);
/* Reads request.txt (VP_E_IO when unreadable) and parses it as above. */
int vp_sigv4_case_read_request(struct vp_sigv4_case *c, const char *path, struct vp_err *err);
/* Reads context.json: credentials (access_key_id, secret_access_key, token), region, service, timestamp
 * (ISO 8601), expiration_in_seconds, normalize, sign_body, omit_session_token. Service "s3" selects S3's
 * rules and never normalises the path. VP_E_PARSE, naming the file and the key, when it is malformed. */
int vp_sigv4_case_read_context(struct vp_sigv4_case *c, const char *path, struct vp_err *err);

/* Signs the case's request in place in the given form; a presigned S3 request signs UNSIGNED-PAYLOAD. */
int vp_sigv4_case_sign(struct vp_sigv4_case *c, enum vp_sigv4_mode mode, struct vp_sigv4 *out,
                       struct vp_err *err);
/* Appends the signed request as the suite writes it: the request line (the query form adds its parameters
 * to the query, percent-encoded), every header as "Name:value", a blank line, the body. */
void vp_sigv4_case_write_signed(const struct vp_sigv4_case *c, enum vp_sigv4_mode mode, struct vp_buf *out);

#endif

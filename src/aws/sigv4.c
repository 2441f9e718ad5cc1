/* sigv4.c: AWS Signature Version 4: builds the canonical request, the string to sign and the signature, then
 * puts them on the request as the Authorization header or as presigned-URL query parameters.
 *
 * The rules are AWS's (docs "Create a signed AWS API request") as the SigV4 test suite pins them down:
 * header values trimmed with inner whitespace runs collapsed, repeated headers comma-joined in request order,
 * query pairs encoded then sorted, the path normalised and encoded once more for every service but S3, and
 * for S3 the path encoded exactly once. */
#include "aws/sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws/uri.h"
#include "base/xalloc.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define SHA256_LEN 32

/* What the stages of one signing share. */
struct signing {
    char amz_date[17];              /* 20150830T123600Z */
    char date[9];                   /* 20150830 */
    char *scope;                    /* 20150830/us-east-1/service/aws4_request */
    const char *payload_hash;       /* the body's hex SHA-256, or the caller's value ("UNSIGNED-PAYLOAD") */
    char body_hash[65];
    struct vp_buf canonical_headers;    /* "name:value\n" per signed header */
    struct vp_buf signed_headers;       /* "host;x-amz-date" */
};

static void to_hex(const unsigned char *p, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* SHA-256 and HMAC only fail when OpenSSL itself is broken or out of memory: like vp_xmalloc, stop there
 * rather than give every caller an error path it cannot act on. */
static void crypto_failed(const char *what)
{
    fprintf(stderr, "vidpipe: %s failed in OpenSSL\n", what);
    abort();
}

void vp_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    if (!EVP_Digest(data ? data : "", len, md, &md_len, EVP_sha256(), NULL) || md_len != SHA256_LEN)
        crypto_failed("SHA-256");
    to_hex(md, SHA256_LEN, out);
}

static void hmac_sha256(const void *key, size_t key_len, const char *msg, size_t msg_len,
                        unsigned char out[SHA256_LEN])
{
    unsigned int out_len = 0;

    if (!HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, msg_len, out, &out_len) ||
        out_len != SHA256_LEN)
        crypto_failed("HMAC-SHA256");
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
 * Every intermediate key is wiped: each one signs for a whole day. */
static void derive_signing_key(const char *secret, const struct signing *s, const struct vp_sigv4_params *params,
                               unsigned char key[SHA256_LEN])
{
    char *k_secret = vp_xasprintf("AWS4%s", secret);
    unsigned char k_date[SHA256_LEN], k_region[SHA256_LEN], k_service[SHA256_LEN];

    hmac_sha256(k_secret, strlen(k_secret), s->date, strlen(s->date), k_date);
    hmac_sha256(k_date, sizeof(k_date), params->region, strlen(params->region), k_region);
    hmac_sha256(k_region, sizeof(k_region), params->service, strlen(params->service), k_service);
    hmac_sha256(k_service, sizeof(k_service), "aws4_request", strlen("aws4_request"), key);
    OPENSSL_cleanse(k_secret, strlen(k_secret));
    OPENSSL_cleanse(k_date, sizeof(k_date));
    OPENSSL_cleanse(k_region, sizeof(k_region));
    OPENSSL_cleanse(k_service, sizeof(k_service));
    free(k_secret);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Headers that proxies and HTTP libraries add, drop or rewrite on the way (botocore and aws-c-auth leave
 * them unsigned too), and Authorization, which the signature itself goes in. */
static bool is_unsigned_header(const char *lower_name)
{
    static const char *const names[] = {
        "authorization", "connection", "expect", "transfer-encoding", "user-agent", "x-amzn-trace-id",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(lower_name, names[i]) == 0)
            return true;
    return false;
}

/* A header value as SigV4 signs it: trimmed, every run of whitespace (a folded line's newline and indent
 * included) made one space. Quotes get no special treatment: the suite collapses `"a   b"` too. */
static void append_header_value(struct vp_buf *out, const char *value)
{
    bool pending_space = false, started = false;

    for (const char *p = value; *p; p++) {
        if (is_space(*p)) {
            pending_space = started;
            continue;
        }
        if (pending_space)
            vp_buf_putc(out, ' ');
        vp_buf_putc(out, *p);
        pending_space = false;
        started = true;
    }
}

struct header_ref {
    char *name;                     /* lower-cased copy */
    const char *value;              /* borrowed from the request */
    size_t order;                   /* position in the request: repeated names keep their order */
};

static int compare_header_refs(const void *a, const void *b)
{
    const struct header_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static char *lowercase_copy(const char *s)
{
    char *l = vp_xstrdup(s);

    for (char *p = l; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return l;
}

/* The canonical headers ("name:v1,v2\n", sorted by lower-cased name) and the signed-headers list. */
static void build_canonical_headers(const struct vp_kvlist *headers, struct signing *s)
{
    struct header_ref *refs = vp_xcalloc(headers->n ? headers->n : 1, sizeof(*refs));
    size_t n = 0;

    for (size_t i = 0; i < headers->n; i++) {
        char *name = lowercase_copy(headers->items[i].name);

        if (is_unsigned_header(name)) {
            free(name);
            continue;
        }
        refs[n++] = (struct header_ref){ name, headers->items[i].value, i };
    }
    qsort(refs, n, sizeof(*refs), compare_header_refs);
    for (size_t i = 0; i < n;) {
        size_t j = i;

        if (s->signed_headers.len)
            vp_buf_putc(&s->signed_headers, ';');
        vp_buf_puts(&s->signed_headers, refs[i].name);
        vp_buf_puts(&s->canonical_headers, refs[i].name);
        vp_buf_putc(&s->canonical_headers, ':');
        for (; j < n && strcmp(refs[j].name, refs[i].name) == 0; j++) {
            if (j > i)
                vp_buf_putc(&s->canonical_headers, ',');
            append_header_value(&s->canonical_headers, refs[j].value);
        }
        vp_buf_putc(&s->canonical_headers, '\n');
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        free(refs[i].name);
    free(refs);
}

struct query_ref {
    char *name, *value;             /* percent-encoded */
};

static int compare_query_refs(const void *a, const void *b)
{
    const struct query_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : strcmp(x->value, y->value);
}

/* name=value pairs, each encoded, sorted by encoded name then value, joined with '&'. A parameter without a
 * value is "name=" (S3's "?lifecycle"). */
static void append_canonical_query(struct vp_buf *out, const struct vp_kvlist *query)
{
    size_t n = query ? query->n : 0;
    struct query_ref *refs = vp_xcalloc(n ? n : 1, sizeof(*refs));

    for (size_t i = 0; i < n; i++) {
        refs[i].name = vp_uri_encode_new(query->items[i].name, false);
        refs[i].value = vp_uri_encode_new(query->items[i].value, false);
    }
    qsort(refs, n, sizeof(*refs), compare_query_refs);
    for (size_t i = 0; i < n; i++) {
        if (i)
            vp_buf_putc(out, '&');
        vp_buf_puts(out, refs[i].name);
        vp_buf_putc(out, '=');
        vp_buf_puts(out, refs[i].value);
        free(refs[i].name);
        free(refs[i].value);
    }
    free(refs);
}

/* RFC 3986's dot-segment removal with empty segments dropped as well (duplicate slashes), as services other
 * than S3 see the path: "//a/./b/../c//" becomes "/a/c/". A trailing slash stays. */
static char *normalized_path(const char *path)
{
    size_t len = strlen(path), depth = 0;
    struct segment { const char *p; size_t n; } *stack = vp_xcalloc(len + 1, sizeof(*stack));
    struct vp_buf out = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    for (const char *p = path; *p;) {
        size_t n;

        while (*p == '/')
            p++;
        n = strcspn(p, "/");
        if (n == 0)
            break;
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (depth)
                depth--;
        } else if (!(n == 1 && p[0] == '.')) {
            stack[depth++] = (struct segment){ p, n };
        }
        p += n;
    }
    for (size_t i = 0; i < depth; i++) {
        vp_buf_putc(&out, '/');
        vp_buf_put(&out, stack[i].p, stack[i].n);
    }
    if (depth == 0 || path[len - 1] == '/')
        vp_buf_putc(&out, '/');
    free(stack);
    return vp_buf_detach(&out, NULL);
}

static void append_canonical_path(struct vp_buf *out, const char *path, const struct vp_sigv4_params *params)
{
    if (!path || !*path)
        path = "/";
    if (params->s3_rules) {
        /* S3 signs the key itself, encoded exactly once: undo the wire encoding, then encode. */
        struct vp_buf key = VP_BUF_INIT(VP_BUF_UNBOUNDED);

        vp_uri_decode(&key, path, strlen(path), false);
        vp_uri_encode(out, key.data, key.len, true);
        vp_buf_release(&key);
    } else {
        /* Every other service signs the wire path encoded once more: "arn%3Aaws" is signed as "arn%253Aaws". */
        char *p = params->normalize_path ? normalized_path(path) : vp_xstrdup(path);

        vp_uri_encode(out, p, strlen(p), true);
        free(p);
    }
}

static int check_inputs(const struct vp_sigv4_request *req, const struct vp_sigv4_params *params,
                        const struct vp_creds *creds, struct vp_err *err)
{
    if (!creds || !creds->access_key_id || !*creds->access_key_id || !creds->secret_access_key ||
        !*creds->secret_access_key)
        return vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "signing: no access key id or secret access key");
    if (!params->service || !*params->service || !params->region || !*params->region)
        return vp_fail(err, VP_E_AWS, "signing: no signing name or region");
    if (!req->method || !*req->method)
        return vp_fail(err, VP_E_AWS, "signing: the request has no method");
    if (!req->headers || !vp_kv_get(req->headers, "Host"))
        return vp_fail(err, VP_E_AWS, "signing: the request has no Host header");
    if (params->mode == VP_SIGV4_QUERY && !req->query)
        return vp_fail(err, VP_E_AWS, "signing: a presigned request needs a query list");
    if (params->mode == VP_SIGV4_QUERY && params->expires_s <= 0)
        return vp_fail(err, VP_E_AWS, "signing: a presigned request needs a positive X-Amz-Expires, not %ld",
                       params->expires_s);
    return 0;
}

static int start_signing(struct signing *s, const struct vp_sigv4_request *req,
                         const struct vp_sigv4_params *params, struct vp_err *err)
{
    struct tm tm;

    if (!gmtime_r(&params->time, &tm) ||
        strftime(s->amz_date, sizeof(s->amz_date), "%Y%m%dT%H%M%SZ", &tm) != sizeof(s->amz_date) - 1)
        return vp_fail(err, VP_E_AWS, "signing: the signing time %lld cannot be written as a date",
                       (long long)params->time);
    memcpy(s->date, s->amz_date, 8);
    s->date[8] = '\0';
    s->scope = vp_xasprintf("%s/%s/%s/aws4_request", s->date, params->region, params->service);
    if (params->payload_hash) {
        s->payload_hash = params->payload_hash;
    } else {
        vp_sha256_hex(req->body, req->body_len, s->body_hash);
        s->payload_hash = s->body_hash;
    }
    return 0;
}

static bool adds_content_sha256(const struct vp_sigv4_params *params)
{
    return params->mode == VP_SIGV4_HEADER && (params->sign_body || params->s3_rules);
}

static bool signs_token(const struct vp_sigv4_params *params, const struct vp_creds *creds)
{
    return creds->session_token && *creds->session_token && !params->omit_session_token;
}

static const char *const query_params[] = {
    "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires",
    "X-Amz-Security-Token", "X-Amz-Signature",
};

/* Drops what an earlier signing of the same request added, so signing twice gives one signature. */
static void remove_earlier_signature(struct vp_sigv4_request *req, const struct vp_sigv4_params *params)
{
    if (params->mode == VP_SIGV4_HEADER) {
        vp_kv_remove(req->headers, "Authorization");
        vp_kv_remove(req->headers, "X-Amz-Date");
        vp_kv_remove(req->headers, "X-Amz-Security-Token");
        if (adds_content_sha256(params))
            vp_kv_remove(req->headers, "x-amz-content-sha256");
    } else {
        for (size_t i = 0; i < sizeof(query_params) / sizeof(query_params[0]); i++)
            vp_kv_remove(req->query, query_params[i]);
    }
}

/* Header form, before the canonical request: what gets signed along with the request's own headers, in the
 * order aws-c-auth adds them (the suite's signed requests show it). */
static void add_signed_headers(struct vp_sigv4_request *req, const struct vp_sigv4_params *params,
                               const struct vp_creds *creds, const struct signing *s)
{
    if (signs_token(params, creds))
        vp_kv_add(req->headers, "X-Amz-Security-Token", creds->session_token);
    vp_kv_add(req->headers, "X-Amz-Date", s->amz_date);
    if (adds_content_sha256(params))
        vp_kv_add(req->headers, "x-amz-content-sha256", s->payload_hash);
}

/* Query form, before the canonical request: the X-Amz-* parameters that are signed, decoded. */
static void add_signed_query(struct vp_sigv4_request *req, const struct vp_sigv4_params *params,
                             const struct vp_creds *creds, const struct signing *s)
{
    char *credential = vp_xasprintf("%s/%s", creds->access_key_id, s->scope);
    char expires[32];

    snprintf(expires, sizeof(expires), "%ld", params->expires_s);
    vp_kv_add(req->query, "X-Amz-Algorithm", ALGORITHM);
    vp_kv_add(req->query, "X-Amz-Credential", credential);
    vp_kv_add(req->query, "X-Amz-Date", s->amz_date);
    vp_kv_add(req->query, "X-Amz-SignedHeaders", s->signed_headers.data);
    vp_kv_add(req->query, "X-Amz-Expires", expires);
    if (signs_token(params, creds))
        vp_kv_add(req->query, "X-Amz-Security-Token", creds->session_token);
    free(credential);
}

static void build_canonical_request(struct vp_buf *out, const struct vp_sigv4_request *req,
                                    const struct vp_sigv4_params *params, const struct signing *s)
{
    vp_buf_puts(out, req->method);
    vp_buf_putc(out, '\n');
    append_canonical_path(out, req->path, params);
    vp_buf_putc(out, '\n');
    append_canonical_query(out, req->query);
    vp_buf_putc(out, '\n');
    vp_buf_put(out, s->canonical_headers.data, s->canonical_headers.len);
    vp_buf_putc(out, '\n');
    vp_buf_put(out, s->signed_headers.data, s->signed_headers.len);
    vp_buf_putc(out, '\n');
    vp_buf_puts(out, s->payload_hash);
}

static void build_string_to_sign(struct vp_buf *out, const struct vp_buf *canonical_request,
                                 const struct signing *s)
{
    char hash[65];

    vp_sha256_hex(canonical_request->data, canonical_request->len, hash);
    vp_buf_printf(out, "%s\n%s\n%s\n%s", ALGORITHM, s->amz_date, s->scope, hash);
}

static void compute_signature(const struct vp_creds *creds, const struct vp_sigv4_params *params,
                              const struct signing *s, struct vp_sigv4 *out)
{
    unsigned char key[SHA256_LEN], sig[SHA256_LEN];

    derive_signing_key(creds->secret_access_key, s, params, key);
    hmac_sha256(key, sizeof(key), out->string_to_sign.data, out->string_to_sign.len, sig);
    OPENSSL_cleanse(key, sizeof(key));
    to_hex(sig, sizeof(sig), out->signature);
}

/* After signing: the signature, then a session token the caller asked to leave unsigned. */
static void attach_signature(struct vp_sigv4_request *req, const struct vp_sigv4_params *params,
                             const struct vp_creds *creds, const struct signing *s, const struct vp_sigv4 *sig)
{
    bool late_token = params->omit_session_token && creds->session_token && *creds->session_token;

    if (params->mode == VP_SIGV4_HEADER) {
        char *auth = vp_xasprintf("%s Credential=%s/%s, SignedHeaders=%s, Signature=%s", ALGORITHM,
                                  creds->access_key_id, s->scope, s->signed_headers.data, sig->signature);

        vp_kv_add(req->headers, "Authorization", auth);
        free(auth);
        if (late_token)
            vp_kv_add(req->headers, "X-Amz-Security-Token", creds->session_token);
    } else {
        vp_kv_add(req->query, "X-Amz-Signature", sig->signature);
        if (late_token)
            vp_kv_add(req->query, "X-Amz-Security-Token", creds->session_token);
    }
}

int vp_sigv4_sign(struct vp_sigv4_request *req, const struct vp_sigv4_params *params,
                  const struct vp_creds *creds, struct vp_sigv4 *out, struct vp_err *err)
{
    struct signing s = { .canonical_headers = VP_BUF_INIT(VP_BUF_UNBOUNDED),
                         .signed_headers = VP_BUF_INIT(VP_BUF_UNBOUNDED) };

    if (check_inputs(req, params, creds, err) < 0 || start_signing(&s, req, params, err) < 0)
        return -1;
    vp_buf_reset(&out->canonical_request);
    vp_buf_reset(&out->string_to_sign);
    remove_earlier_signature(req, params);
    if (params->mode == VP_SIGV4_HEADER)
        add_signed_headers(req, params, creds, &s);
    build_canonical_headers(req->headers, &s);
    if (params->mode == VP_SIGV4_QUERY)
        add_signed_query(req, params, creds, &s);
    build_canonical_request(&out->canonical_request, req, params, &s);
    build_string_to_sign(&out->string_to_sign, &out->canonical_request, &s);
    compute_signature(creds, params, &s, out);
    attach_signature(req, params, creds, &s, out);
    free(s.scope);
    vp_buf_release(&s.canonical_headers);
    vp_buf_release(&s.signed_headers);
    return 0;
}

void vp_sigv4_release(struct vp_sigv4 *s)
{
    vp_buf_release(&s->canonical_request);
    vp_buf_release(&s->string_to_sign);
    s->signature[0] = '\0';
}

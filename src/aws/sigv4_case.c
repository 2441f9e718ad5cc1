/* sigv4_case.c: reads a SigV4 test-suite case (request.txt, context.json) into the signer's inputs and
 * writes the signed request back in the suite's text format. */
#include "aws/sigv4_case.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aws/uri.h"
#include "base/xalloc.h"

#define CASE_FILE_MAX (16u << 20)  /* request.txt and context.json are a few hundred bytes; 16 MB is plenty */

void vp_sigv4_case_init(struct vp_sigv4_case *c)
{
    memset(c, 0, sizeof(*c));
    vp_buf_init(&c->body, CASE_FILE_MAX);
}

void vp_sigv4_case_release(struct vp_sigv4_case *c)
{
    free(c->method);
    free(c->target);
    free(c->version);
    free(c->path);
    free(c->raw_query);
    vp_kv_release(&c->query);
    vp_kv_release(&c->request_query);
    vp_kv_release(&c->headers);
    vp_buf_release(&c->body);
    vp_creds_release(&c->creds);
    free(c->context_file);
    free(c->service);
    free(c->region);
    vp_sigv4_case_init(c);
}

/* ---- request.txt ---- */

/* One line of the request head: [p, p + len) without its "\n" or "\r\n". */
struct line {
    const char *p;
    size_t len;
    int number;                     /* 1-based, for messages */
};

/* Takes the next line from *pos; false at the end of the text. */
static bool next_line(const char *text, size_t len, size_t *pos, struct line *l)
{
    const char *start = text + *pos, *nl;

    if (*pos >= len)
        return false;
    nl = memchr(start, '\n', len - *pos);
    l->p = start;
    l->len = nl ? (size_t)(nl - start) : len - *pos;
    *pos += l->len + (nl ? 1 : 0);
    if (l->len && l->p[l->len - 1] == '\r')
        l->len--;
    l->number++;
    return true;
}

static bool has_space_or_control(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
            return true;
    return false;
}

static void parse_query(struct vp_sigv4_case *c)
{
    const char *p = c->raw_query;

    while (*p) {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t name_len = eq ? (size_t)(eq - p) : n;

        if (n) {
            struct vp_buf name = VP_BUF_INIT(VP_BUF_UNBOUNDED), value = VP_BUF_INIT(VP_BUF_UNBOUNDED);

            vp_uri_decode(&name, p, name_len, false);
            if (eq)
                vp_uri_decode(&value, eq + 1, n - name_len - 1, false);
            vp_kv_addn(&c->query, name.data, name.len, value.data, value.len);
            vp_buf_release(&name);
            vp_buf_release(&value);
        }
        p += n;
        if (*p == '&')
            p++;
    }
}

/* "METHOD TARGET VERSION": the target may hold spaces (the suite's "/example space/"), so the method ends at
 * the first space and the version starts after the last. */
static int parse_request_line(struct vp_sigv4_case *c, const struct line *l, const char *name, struct vp_err *err)
{
    const char *first = memchr(l->p, ' ', l->len), *last = NULL, *query;
    size_t version_len;

    for (size_t i = l->len; i > 0; i--)
        if (l->p[i - 1] == ' ') {
            last = l->p + i - 1;
            break;
        }
    if (memchr(l->p, '\0', l->len) || !first || first == l->p || last == first ||
        has_space_or_control(l->p, (size_t)(first - l->p)) || first[1] != '/')
        goto bad;
    version_len = l->len - (size_t)(last + 1 - l->p);
    if (version_len < 5 || memcmp(last + 1, "HTTP/", 5) != 0)
        goto bad;
    c->method = vp_xstrndup(l->p, (size_t)(first - l->p));
    c->target = vp_xstrndup(first + 1, (size_t)(last - first - 1));
    c->version = vp_xstrndup(last + 1, version_len);
    query = strchr(c->target, '?');
    c->path = vp_xstrndup(c->target, query ? (size_t)(query - c->target) : strlen(c->target));
    if (query) {
        c->raw_query = vp_xstrdup(query + 1);
        parse_query(c);
        vp_kv_copy(&c->request_query, &c->query);
    }
    return 0;
bad:
    return vp_fail(err, VP_E_PARSE, "%s: line %d: not a request line (want 'METHOD /PATH HTTP/1.1')", name,
                   l->number);
}

/* A line that starts with a space or tab continues the previous header's value; the value keeps the newline
 * and indent as written (the signed request shows them), and the signer folds them into one space. */
static int parse_header_line(struct vp_sigv4_case *c, const struct line *l, const char *name, struct vp_err *err)
{
    const char *colon;

    if (memchr(l->p, '\0', l->len))
        return vp_fail(err, VP_E_PARSE, "%s: line %d: a NUL byte in a header", name, l->number);
    if (l->p[0] == ' ' || l->p[0] == '\t') {
        struct vp_kv *prev;
        char *joined;

        if (c->headers.n == 0)
            return vp_fail(err, VP_E_PARSE, "%s: line %d: a continuation line with no header before it", name,
                           l->number);
        prev = &c->headers.items[c->headers.n - 1];
        joined = vp_xasprintf("%s\n%.*s", prev->value, (int)l->len, l->p);
        free(prev->value);
        prev->value = joined;
        return 0;
    }
    colon = memchr(l->p, ':', l->len);
    if (!colon || colon == l->p || has_space_or_control(l->p, (size_t)(colon - l->p)))
        return vp_fail(err, VP_E_PARSE, "%s: line %d: not a header line (want 'Name:value')", name, l->number);
    vp_kv_addn(&c->headers, l->p, (size_t)(colon - l->p), colon + 1, l->len - (size_t)(colon + 1 - l->p));
    return 0;
}

int vp_sigv4_case_parse_request(struct vp_sigv4_case *c, const char *text, size_t len, const char *name,
                                struct vp_err *err)
{
    struct line l = { 0 };
    size_t pos = 0;

    if (!next_line(text, len, &pos, &l) || l.len == 0)
        return vp_fail(err, VP_E_PARSE, "%s: no request line (want 'METHOD /PATH HTTP/1.1' first)", name);
    if (parse_request_line(c, &l, name, err) < 0)
        return -1;
    while (next_line(text, len, &pos, &l) && l.len > 0)
        if (parse_header_line(c, &l, name, err) < 0)
            return -1;
    if (!vp_kv_get(&c->headers, "Host"))
        return vp_fail(err, VP_E_PARSE, "%s: no Host header", name);
    return vp_buf_add(&c->body, text + pos, len - pos, err) < 0 ? vp_err_prefix(err, "%s: body", name) : 0;
}

int vp_sigv4_case_read_request(struct vp_sigv4_case *c, const char *path, struct vp_err *err)
{
    struct vp_buf text = VP_BUF_INIT(CASE_FILE_MAX);
    int rc = vp_buf_read_file(&text, path, err);

    if (rc == 0)
        rc = vp_sigv4_case_parse_request(c, text.data, text.len, path, err);
    vp_buf_release(&text);
    return rc;
}

/* ---- context.json ---- */

/* Where context values come from, for messages that name the file and the key. */
struct context_reader {
    const char *file;
    struct vp_err *err;
};

/* A string member: *out borrowed from the JSON; absent or null leaves NULL unless required. */
static int read_string(const struct context_reader *r, const json_t *obj, const char *key, bool required,
                       const char **out)
{
    const json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (!v || json_is_null(v))
        return required ? vp_fail(r->err, VP_E_PARSE, "%s: '%s' is missing", r->file, key) : 0;
    if (!json_is_string(v))
        return vp_fail(r->err, VP_E_PARSE, "%s: '%s' must be a string", r->file, key);
    *out = json_string_value(v);
    return 0;
}

static int read_bool(const struct context_reader *r, const json_t *obj, const char *key, bool fallback, bool *out)
{
    const json_t *v = json_object_get(obj, key);

    *out = fallback;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return vp_fail(r->err, VP_E_PARSE, "%s: '%s' must be true or false", r->file, key);
    *out = json_is_true(v);
    return 0;
}

static int read_seconds(const struct context_reader *r, const json_t *obj, const char *key, long *out)
{
    const json_t *v = json_object_get(obj, key);

    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100L * 365 * 86400)
        return vp_fail(r->err, VP_E_PARSE, "%s: '%s' must be a number of seconds", r->file, key);
    *out = (long)json_integer_value(v);
    return 0;
}

static int read_credentials(struct vp_sigv4_case *c, const struct context_reader *r, const json_t *root)
{
    const json_t *creds = json_object_get(root, "credentials");
    const char *akid, *secret, *token;

    if (!json_is_object(creds))
        return vp_fail(r->err, VP_E_PARSE, "%s: 'credentials' must be an object", r->file);
    if (read_string(r, creds, "access_key_id", true, &akid) < 0 ||
        read_string(r, creds, "secret_access_key", true, &secret) < 0 ||
        read_string(r, creds, "token", false, &token) < 0)
        return -1;
    vp_creds_set(&c->creds, akid, secret, token, 0, "test-case");
    return 0;
}

static int read_context_json(struct vp_sigv4_case *c, const struct context_reader *r, const json_t *root)
{
    const char *service, *region, *timestamp;
    bool normalize;

    if (!json_is_object(root))
        return vp_fail(r->err, VP_E_PARSE, "%s: not a JSON object", r->file);
    if (read_credentials(c, r, root) < 0 || read_string(r, root, "service", true, &service) < 0 ||
        read_string(r, root, "region", true, &region) < 0 ||
        read_string(r, root, "timestamp", true, &timestamp) < 0 ||
        read_seconds(r, root, "expiration_in_seconds", &c->params.expires_s) < 0 ||
        read_bool(r, root, "normalize", true, &normalize) < 0 ||
        read_bool(r, root, "sign_body", false, &c->params.sign_body) < 0 ||
        read_bool(r, root, "omit_session_token", false, &c->params.omit_session_token) < 0)
        return -1;
    if (vp_parse_iso8601(timestamp, &c->params.time) < 0)
        return vp_fail(r->err, VP_E_PARSE, "%s: 'timestamp' is not an ISO 8601 time: '%s'", r->file, timestamp);
    c->service = vp_xstrdup(service);
    c->region = vp_xstrdup(region);
    c->params.service = c->service;
    c->params.region = c->region;
    c->params.s3_rules = strcmp(service, "s3") == 0;
    c->params.normalize_path = normalize && !c->params.s3_rules;
    return 0;
}

int vp_sigv4_case_read_context(struct vp_sigv4_case *c, const char *path, struct vp_err *err)
{
    struct vp_buf text = VP_BUF_INIT(CASE_FILE_MAX);
    struct context_reader r = { path, err };
    json_error_t jerr;
    json_t *root = NULL;
    int rc = vp_buf_read_file(&text, path, err);

    free(c->context_file);
    c->context_file = vp_xstrdup(path);
    if (rc == 0) {
        root = json_loadb(text.data, text.len, 0, &jerr);
        if (!root)
            rc = vp_fail(err, VP_E_PARSE, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        else
            rc = read_context_json(c, &r, root);
    }
    json_decref(root);
    vp_buf_release(&text);
    return rc;
}

/* ---- signing and the signed request ---- */

int vp_sigv4_case_sign(struct vp_sigv4_case *c, enum vp_sigv4_mode mode, struct vp_sigv4 *out,
                       struct vp_err *err)
{
    struct vp_sigv4_request req = {
        .method = c->method, .path = c->path, .query = &c->query, .headers = &c->headers,
        .body = c->body.data, .body_len = c->body.len,
    };

    c->params.mode = mode;
    if (mode == VP_SIGV4_QUERY && c->params.expires_s <= 0)
        return vp_fail(err, VP_E_PARSE, "%s: the query form needs a positive 'expiration_in_seconds'",
                       c->context_file ? c->context_file : "context");
    /* A presigned URL is made before the body exists, so S3 takes it unsigned (as the SDKs presign). */
    c->params.payload_hash = mode == VP_SIGV4_QUERY && c->params.s3_rules ? "UNSIGNED-PAYLOAD" : NULL;
    return vp_sigv4_sign(&req, &c->params, &c->creds, out, err);
}

/* True when signing left the request's own pairs in front of the list, so its query text still holds. */
static bool request_query_kept(const struct vp_sigv4_case *c)
{
    if (c->query.n < c->request_query.n)
        return false;
    for (size_t i = 0; i < c->request_query.n; i++)
        if (strcmp(c->query.items[i].name, c->request_query.items[i].name) != 0 ||
            strcmp(c->query.items[i].value, c->request_query.items[i].value) != 0)
            return false;
    return true;
}

static void append_pair(struct vp_buf *out, const struct vp_kv *kv, char sep)
{
    vp_buf_putc(out, sep);
    vp_uri_encode(out, kv->name, strlen(kv->name), false);
    vp_buf_putc(out, '=');
    vp_uri_encode(out, kv->value, strlen(kv->value), false);
}

/* The path and the query as written, then the pairs signing added, encoded as they go on the wire. */
static void append_presigned_target(struct vp_buf *out, const struct vp_sigv4_case *c)
{
    size_t from = 0;
    char sep = '?';

    vp_buf_puts(out, c->path);
    if (request_query_kept(c) && c->raw_query && *c->raw_query) {
        vp_buf_putc(out, '?');
        vp_buf_puts(out, c->raw_query);
        from = c->request_query.n;
        sep = '&';
    } else if (request_query_kept(c)) {
        from = c->request_query.n;
    }
    for (size_t i = from; i < c->query.n; i++, sep = '&')
        append_pair(out, &c->query.items[i], sep);
}

void vp_sigv4_case_write_signed(const struct vp_sigv4_case *c, enum vp_sigv4_mode mode, struct vp_buf *out)
{
    vp_buf_puts(out, c->method);
    vp_buf_putc(out, ' ');
    if (mode == VP_SIGV4_QUERY)
        append_presigned_target(out, c);
    else
        vp_buf_puts(out, c->target);
    vp_buf_printf(out, " %s\n", c->version);
    for (size_t i = 0; i < c->headers.n; i++)
        vp_buf_printf(out, "%s:%s\n", c->headers.items[i].name, c->headers.items[i].value);
    vp_buf_putc(out, '\n');
    vp_buf_put(out, c->body.data, c->body.len);
}

/* s3_watch.c: one bucket's listing kept as an array sorted by key, listed again on each poll and compared
 * with the last by one merge walk (see s3_watch.h). Keys travel URL-encoded (encoding-type=url, as the SDKs
 * ask for them) so that any key survives the XML. */
#include "local/s3_watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "aws/uri.h"
#include "base/xalloc.h"

struct entry {
    char *key;                      /* decoded */
    char *etag;                     /* without quotes */
    char *last_modified;
    long long size;
};

struct listing {
    struct entry *items;
    size_t n, cap;
};

struct vp_s3_watch {
    struct vp_aws *aws;
    char *bucket, *prefix, *region;
    struct listing current;
};

static void listing_release(struct listing *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].etag);
        free(l->items[i].last_modified);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

static struct entry *listing_add(struct listing *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->items = vp_xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    memset(&l->items[l->n], 0, sizeof(l->items[0]));
    return &l->items[l->n++];
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* ---- listing ---- */

static char *child_text(const struct vp_xml_node *node, const char *name)
{
    const struct vp_xml_node *n = vp_xml_child(node, name);

    return vp_xstrdup(n ? n->text : "");
}

static char *unquoted(const char *etag)
{
    size_t n = strlen(etag);

    if (n >= 2 && etag[0] == '"' && etag[n - 1] == '"')
        return vp_xstrndup(etag + 1, n - 2);
    return vp_xstrdup(etag);
}

/* The page's objects into l; *truncated whether the listing goes on, *next its continuation token. Keys
 * are decoded only when the answer says it encoded them (a server may ignore encoding-type). */
static void take_page(const struct vp_xml_doc *doc, struct listing *l, bool *truncated, char **next)
{
    const struct vp_xml_node *more = vp_xml_child(doc->root, "IsTruncated");
    const struct vp_xml_node *token = vp_xml_child(doc->root, "NextContinuationToken");
    const struct vp_xml_node *encoding = vp_xml_child(doc->root, "EncodingType");
    bool encoded = encoding && strcmp(encoding->text, "url") == 0;

    for (const struct vp_xml_node *c = vp_xml_child(doc->root, "Contents"); c; c = vp_xml_next_named(c)) {
        const struct vp_xml_node *key = vp_xml_child(c, "Key"), *size = vp_xml_child(c, "Size");
        struct entry *e;
        char *etag;

        if (!key)
            continue;
        e = listing_add(l);
        e->key = encoded ? vp_uri_decode_new(key->text, true) : vp_xstrdup(key->text);
        etag = child_text(c, "ETag");
        e->etag = unquoted(etag);
        free(etag);
        e->last_modified = child_text(c, "LastModified");
        e->size = size ? strtoll(size->text, NULL, 10) : 0;
    }
    *truncated = more && strcmp(more->text, "true") == 0;
    *next = token && *token->text ? vp_xstrdup(token->text) : NULL;
}

static int list_page(struct vp_s3_watch *w, const char *token, struct vp_xml_doc **doc, struct vp_err *err)
{
    struct vp_request req;
    struct vp_response resp;
    int ret;

    *doc = NULL;
    vp_request_init(&req, &vp_svc_s3, "GET");
    vp_response_init(&resp);
    req.operation = "ListObjectsV2";
    req.bucket = w->bucket;
    req.region = w->region;
    vp_kv_add(&req.query, "list-type", "2");
    vp_kv_add(&req.query, "encoding-type", "url");
    if (w->prefix)
        vp_kv_add(&req.query, "prefix", w->prefix);
    if (token)
        vp_kv_add(&req.query, "continuation-token", token);
    ret = vp_rest_xml_call(w->aws, &req, &resp, err);
    if (ret == 0 && vp_xml_parse(resp.body.data, resp.body.len, doc, err) < 0)
        ret = -1;
    vp_request_release(&req);
    vp_response_release(&resp);
    return ret;
}

/* The whole listing, every page, sorted by key (S3 lists in UTF-8 byte order already; this does not rely
 * on it). */
static int list_all(struct vp_s3_watch *w, struct listing *out, struct vp_err *err)
{
    char *token = NULL;

    memset(out, 0, sizeof(*out));
    do {
        struct vp_xml_doc *doc;
        char *next = NULL;
        bool truncated;

        if (list_page(w, token, &doc, err) < 0) {
            free(token);
            listing_release(out);
            return vp_err_prefix(err, "listing bucket '%s'", w->bucket);
        }
        take_page(doc, out, &truncated, &next);
        vp_xml_free(doc);
        /* a listing cut short would read as removals: an answer that cannot go on is an error */
        if (truncated && (!next || (token && strcmp(next, token) == 0))) {
            free(next);
            free(token);
            listing_release(out);
            return vp_fail(err, VP_E_AWS_RESPONSE,
                           "listing bucket '%s': s3 ListObjectsV2: truncated without a new continuation token",
                           w->bucket);
        }
        if (!truncated) {
            free(next);
            next = NULL;
        }
        free(token);
        token = next;
    } while (token);
    if (out->n > 1)                     /* items is NULL for an empty bucket */
        qsort(out->items, out->n, sizeof(out->items[0]), by_key);
    return 0;
}

/* ---- reporting ---- */

/* "abc-3": an object put in 3 parts. */
static bool multipart_etag(const char *etag)
{
    const char *dash = strrchr(etag, '-');

    if (!dash || !dash[1])
        return false;
    for (const char *p = dash + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

static void report(struct vp_s3_watch *w, const struct entry *e, bool removed, vp_s3_watch_cb *cb, void *ctx)
{
    char sequencer[VP_S3_SEQUENCER_LEN + 1];
    struct vp_s3_object_event ev = {
        .bucket = w->bucket, .key = e->key, .region = w->region, .sequencer = sequencer,
        .event_name = removed ? "ObjectRemoved:Delete"
                      : multipart_etag(e->etag) ? "ObjectCreated:CompleteMultipartUpload" : "ObjectCreated:Put",
        .size = removed ? 0 : e->size, .etag = removed ? NULL : e->etag,
    };

    vp_s3_sequencer_next(sequencer);
    cb(ctx, &ev);
}

static bool changed(const struct entry *before, const struct entry *now)
{
    return strcmp(before->etag, now->etag) != 0 || strcmp(before->last_modified, now->last_modified) != 0;
}

/* Creations and overwrites in key order, then removals in key order. */
static void report_changes(struct vp_s3_watch *w, const struct listing *before, const struct listing *now,
                           vp_s3_watch_cb *cb, void *ctx)
{
    size_t i = 0, j = 0;

    while (j < now->n) {
        int cmp = i < before->n ? strcmp(before->items[i].key, now->items[j].key) : 1;

        if (cmp < 0) {
            i++;
        } else if (cmp > 0) {
            report(w, &now->items[j++], false, cb, ctx);
        } else {
            if (changed(&before->items[i], &now->items[j]))
                report(w, &now->items[j], false, cb, ctx);
            i++;
            j++;
        }
    }
    for (i = 0, j = 0; i < before->n; i++) {
        int cmp = 1;

        while (j < now->n && (cmp = strcmp(now->items[j].key, before->items[i].key)) < 0)
            j++;
        if (j >= now->n || cmp != 0)
            report(w, &before->items[i], true, cb, ctx);
    }
}

/* ---- the watch ---- */

int vp_s3_watch_new(const char *bucket, const char *region, const char *prefix, struct vp_s3_watch **out,
                    struct vp_err *err)
{
    struct vp_aws_options opts = { .region = region };
    struct vp_s3_watch *w;
    const char *resolved;

    *out = NULL;
    w = vp_xcalloc(1, sizeof(*w));
    w->bucket = vp_xstrdup(bucket);
    w->prefix = prefix && *prefix ? vp_xstrdup(prefix) : NULL;
    if (!(w->aws = vp_aws_new(&opts, err)) || vp_aws_region(w->aws, &resolved, err) < 0) {
        vp_s3_watch_free(w);
        return vp_err_prefix(err, "watching bucket '%s'", bucket);
    }
    w->region = vp_xstrdup(resolved);
    if (list_all(w, &w->current, err) < 0) {
        vp_s3_watch_free(w);
        return -1;
    }
    *out = w;
    return 0;
}

int vp_s3_watch_poll(struct vp_s3_watch *w, vp_s3_watch_cb *cb, void *ctx, struct vp_err *err)
{
    struct listing now;

    if (list_all(w, &now, err) < 0)
        return -1;
    report_changes(w, &w->current, &now, cb, ctx);
    listing_release(&w->current);
    w->current = now;
    return 0;
}

size_t vp_s3_watch_count(const struct vp_s3_watch *w)
{
    return w->current.n;
}

void vp_s3_watch_free(struct vp_s3_watch *w)
{
    if (!w)
        return;
    vp_aws_free(w->aws);
    listing_release(&w->current);
    free(w->bucket);
    free(w->prefix);
    free(w->region);
    free(w);
}

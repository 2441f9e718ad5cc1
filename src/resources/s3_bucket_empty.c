/* s3_bucket_empty.c: whether a bucket holds anything (objects, old versions, delete markers), and emptying it
 * for force_destroy. ListObjectVersions sees all three, versioned bucket or not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "resources/common.h"
#include "resources/s3_bucket.h"

#define BATCH 1000          /* DeleteObjects takes at most 1000 keys */

static bool is_entry(const struct vp_xml_node *n)
{
    return strcmp(n->name, "Version") == 0 || strcmp(n->name, "DeleteMarker") == 0;
}

/* One page of versions and delete markers, from the start: the caller deletes what it got before asking again. */
static int list_versions(struct vp_call *c, const char *bucket, int max_keys, struct vp_xml_doc **doc)
{
    struct vp_kvlist query = VP_KVLIST_INIT;
    char max[16];
    int ret;

    snprintf(max, sizeof(max), "%d", max_keys);
    vp_kv_add(&query, "versions", "");
    vp_kv_add(&query, "max-keys", max);
    ret = s3_call(c, bucket, "GET", "ListObjectVersions", &query, NULL, doc);
    vp_kv_release(&query);
    return ret;
}

int s3_bucket_has_objects(struct vp_call *c, const char *bucket, bool *has)
{
    struct vp_xml_doc *doc;
    struct vp_xml_node *root;

    *has = false;
    if (list_versions(c, bucket, 1, &doc) < 0)
        return -1;
    root = doc ? doc->root : NULL;
    for (struct vp_xml_node *n = root ? root->first_child : NULL; n && !*has; n = n->next_sibling)
        *has = is_entry(n);
    vp_xml_free(doc);
    return 0;
}

/* The DeleteObjects body for the page's entries; *count how many. */
static void delete_body(struct vp_xml_node *root, struct vp_buf *body, size_t *count)
{
    *count = 0;
    vp_buf_puts(body, "<Delete xmlns=\"" S3_XMLNS "\"><Quiet>true</Quiet>");
    for (struct vp_xml_node *n = root->first_child; n; n = n->next_sibling) {
        char *key, *version;
        if (!is_entry(n))
            continue;
        key = s3_xml_child(n, "Key");
        version = s3_xml_child(n, "VersionId");
        vp_buf_puts(body, "<Object>");
        s3_xml_elem(body, "Key", key ? key : "");
        if (version && *version)
            s3_xml_elem(body, "VersionId", version);
        vp_buf_puts(body, "</Object>");
        free(key);
        free(version);
        (*count)++;
    }
    vp_buf_puts(body, "</Delete>");
}

/* DeleteObjects answers 200 even when some keys failed: each failure is an <Error> in the answer. */
static int check_delete_errors(struct vp_call *c, const char *bucket, struct vp_xml_doc *doc)
{
    struct vp_xml_node *error = doc ? vp_xml_find(doc, NULL, "Error") : NULL;
    char *key, *code, *message;

    if (!error)
        return 0;
    key = s3_xml_child(error, "Key");
    code = s3_xml_child(error, "Code");
    message = s3_xml_child(error, "Message");
    vp_fail(c->err, VP_E_AWS_SERVICE, "emptying bucket '%s': s3 DeleteObjects: %s: %s (key '%s')", bucket,
            code ? code : "?", message ? message : "", key ? key : "?");
    free(key);
    free(code);
    free(message);
    return -1;
}

int s3_bucket_purge(struct vp_call *c, const char *bucket)
{
    for (;;) {
        struct vp_kvlist query = VP_KVLIST_INIT;
        struct vp_buf body = VP_BUF_INIT(0);
        struct vp_xml_doc *page, *answer = NULL;
        size_t count;
        int ret;

        if (list_versions(c, bucket, BATCH, &page) < 0)
            return -1;
        if (!page)
            return 0;
        delete_body(page->root, &body, &count);
        vp_xml_free(page);
        if (count == 0) {
            vp_buf_release(&body);
            return 0;
        }
        vp_kv_add(&query, "delete", "");
        ret = s3_call(c, bucket, "POST", "DeleteObjects", &query, body.data, &answer);
        if (ret == 0)
            ret = check_delete_errors(c, bucket, answer);
        vp_xml_free(answer);
        vp_kv_release(&query);
        vp_buf_release(&body);
        if (ret < 0)
            return -1;
    }
}

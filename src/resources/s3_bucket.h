/* s3_bucket.h: the s3_bucket provider's parts (internal to src/resources/s3_bucket*.c). Each sub-resource
 * of a bucket (tags, CORS, ...) has a read, which sets its attribute in live in the shape the attribute
 * table gives it, and a put, which makes AWS hold want's value. */
#ifndef VP_RESOURCES_S3_BUCKET_H
#define VP_RESOURCES_S3_BUCKET_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/xml.h"
#include "base/buf.h"
#include "base/kv.h"
#include "engine/resource.h"

#define S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"

/* s3_bucket_call.c: one S3 call on a bucket. query holds the sub-resource ("cors" -> ?cors) and any
 * parameters (may be NULL); body is XML text or NULL. *doc (when doc is not NULL) is the parsed answer,
 * NULL for an empty one. */
int s3_call(struct vp_call *c, const char *bucket, const char *method, const char *operation,
            const struct vp_kvlist *query, const char *body, struct vp_xml_doc **doc);
/* The same for a call whose only parameter is a sub-resource name. */
int s3_call_sub(struct vp_call *c, const char *bucket, const char *method, const char *operation,
                const char *subresource, const char *body, struct vp_xml_doc **doc);
/* Appends <tag>text</tag>, text escaped. */
void s3_xml_elem(struct vp_buf *b, const char *tag, const char *text);
/* The text of node's first child element of that name (a new string), or NULL. Only direct children count:
 * a lifecycle rule's <Prefix> and its <Filter><Prefix> are different things. */
char *s3_xml_child(const struct vp_xml_node *node, const char *name);
/* node's first child element of that name, or NULL. */
struct vp_xml_node *s3_xml_child_node(const struct vp_xml_node *node, const char *name);
/* The texts of every child element of that name, in order, as a JSON array of strings. */
json_t *s3_xml_children(const struct vp_xml_node *node, const char *name);

/* Makes the bucket's setting hold value (want's attribute of that setting). */
typedef int s3_put_fn(struct vp_call *c, const char *bucket, const json_t *value);

/* s3_bucket_settings.c: tags ({} deletes them), public access block, default encryption, versioning. */
int s3_read_tags(struct vp_call *c, const char *bucket, json_t *live);
s3_put_fn s3_put_tags;
int s3_read_public_access_block(struct vp_call *c, const char *bucket, json_t *live);
s3_put_fn s3_put_public_access_block;
int s3_read_encryption(struct vp_call *c, const char *bucket, json_t *live);
s3_put_fn s3_put_encryption;
int s3_read_versioning(struct vp_call *c, const char *bucket, json_t *live);
s3_put_fn s3_put_versioning;  /* false suspends: versioning never turns off */

/* s3_bucket_cors.c */
int s3_read_cors(struct vp_call *c, const char *bucket, json_t *live);
s3_put_fn s3_put_cors;          /* [] deletes the configuration */

/* s3_bucket_lifecycle.c */
int s3_read_lifecycle(struct vp_call *c, const char *bucket, json_t *live);
s3_put_fn s3_put_lifecycle;     /* [] deletes the configuration */

/* s3_bucket_empty.c: whether the bucket holds any object, version or delete marker; and deleting them all. */
int s3_bucket_has_objects(struct vp_call *c, const char *bucket, bool *has);
int s3_bucket_purge(struct vp_call *c, const char *bucket);

#endif

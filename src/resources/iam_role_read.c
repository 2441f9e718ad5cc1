/* iam_role_read.c: a role as the attribute table describes it, from GetRole (tags included), then at once
 * ListRolePolicies with GetRolePolicy for each inline policy and ListAttachedRolePolicies (each list paged
 * with Marker while IsTruncated); and the waiters on GetRole.
 *
 * IAM answers policy documents URL-encoded (RFC 3986) inside the XML: they are decoded, parsed and brought to
 * the canonical shape of iam_role_policy.c, as want is, so equal policies compare equal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "aws/uri.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/iam_role.h"

/* IAM's documented waiter (botocore RoleExists): GetRole every second, 20 times. */
#define EXISTS_POLLS 20

int ir_call(struct vp_call *c, const char *action, const struct vp_kvlist *params, struct vp_xml_doc **out)
{
    struct vp_xml_doc *doc = NULL;
    int ret = vp_query_call(c->aws, &vp_svc_iam, action, params, NULL, &doc, c->err);

    if (out)
        *out = NULL;
    if (out && ret == 0)
        *out = doc;
    else
        vp_xml_free(doc);
    return ret;
}

/* A call about one role (and one policy of it, when policy is not NULL). */
static int role_call(struct vp_call *c, const char *action, const char *role, const char *policy,
                     struct vp_xml_doc **out)
{
    struct vp_kvlist params = VP_KVLIST_INIT;
    int ret;

    vp_kv_add(&params, "RoleName", role);
    if (policy)
        vp_kv_add(&params, "PolicyName", policy);
    ret = ir_call(c, action, &params, out);
    vp_kv_release(&params);
    return ret;
}

static const char *text_of(const struct vp_xml_node *parent, const char *name)
{
    const struct vp_xml_node *n = vp_xml_child(parent, name);

    return n ? n->text : NULL;
}

/* ---- lists, page by page ---- */

/* Takes what it wants from one page's member elements of list (the list's element name). */
typedef void member_fn(const struct vp_xml_node *member, json_t *into);

static int list_all(struct vp_call *c, const char *action, const char *role, const char *list, member_fn *take,
                    json_t *into)
{
    char *marker = NULL;

    do {
        struct vp_kvlist params = VP_KVLIST_INIT;
        struct vp_xml_doc *doc;
        char *truncated;
        int ret;

        vp_kv_add(&params, "RoleName", role);
        if (marker)
            vp_kv_add(&params, "Marker", marker);
        free(marker);
        marker = NULL;
        ret = ir_call(c, action, &params, &doc);
        vp_kv_release(&params);
        if (ret < 0)
            return -1;
        for (const struct vp_xml_node *m = vp_xml_child(vp_xml_find(doc, NULL, list), "member"); m;
             m = vp_xml_next_named(m))
            take(m, into);
        truncated = vp_xml_find_text(doc, NULL, "IsTruncated");
        if (truncated && strcmp(truncated, "true") == 0)
            marker = vp_xml_find_text(doc, NULL, "Marker");
        if (marker && !*marker) {       /* truncated without a marker: nothing more can be asked */
            free(marker);
            marker = NULL;
        }
        free(truncated);
        vp_xml_free(doc);
    } while (marker);
    return 0;
}

static void take_name(const struct vp_xml_node *member, json_t *into)
{
    json_array_append_new(into, json_string(member->text));
}

static void take_arn(const struct vp_xml_node *member, json_t *into)
{
    const char *arn = text_of(member, "PolicyArn");

    if (arn)
        json_array_append_new(into, json_string(arn));
}

static void take_tag(const struct vp_xml_node *member, json_t *into)
{
    const char *key = text_of(member, "Key"), *value = text_of(member, "Value");

    if (key)
        json_object_set_new(into, key, json_string(value ? value : ""));
}

/* A list of a role that is gone reads as empty. */
static int list_of_role(struct vp_call *c, const char *action, const char *role, const char *list, member_fn *take,
                        json_t **out, json_t *empty)
{
    *out = empty;
    if (list_all(c, action, role, list, take, empty) == 0)
        return 0;
    *out = NULL;
    if (!vp_res_err_is(c->err, "NoSuchEntity")) {
        json_decref(empty);
        return -1;
    }
    vp_err_clear(c->err);
    json_is_array(empty) ? json_array_clear(empty) : json_object_clear(empty);
    *out = empty;
    return 0;
}

int ir_list_inline(struct vp_call *c, const char *name, json_t **names)
{
    return list_of_role(c, "ListRolePolicies", name, "PolicyNames", take_name, names, json_array());
}

int ir_list_attached(struct vp_call *c, const char *name, json_t **arns)
{
    return list_of_role(c, "ListAttachedRolePolicies", name, "AttachedPolicies", take_arn, arns, json_array());
}

/* ---- documents ---- */

/* A URL-encoded policy document as IAM answers it: decoded, parsed, canonical. NULL when it is not JSON. */
static json_t *document_of(const char *encoded)
{
    char *text = vp_uri_decode_new(encoded, false);
    json_t *parsed = json_loads(text, 0, NULL), *doc;

    free(text);
    if (!parsed)
        return NULL;
    doc = ir_policy_normalize(parsed);
    json_decref(parsed);
    return doc;
}

/* Each inline policy's document, by name. A policy deleted between the list and its read is left out. */
static int read_inline(struct vp_call *c, const char *role, json_t **policies)
{
    json_t *names, *v;
    size_t i;

    *policies = NULL;
    if (ir_list_inline(c, role, &names) < 0)
        return -1;
    *policies = json_object();
    json_array_foreach(names, i, v) {
        struct vp_xml_doc *doc;
        const char *name = json_string_value(v);
        char *encoded;
        json_t *policy;

        if (role_call(c, "GetRolePolicy", role, name, &doc) < 0) {
            if (vp_res_err_is(c->err, "NoSuchEntity")) {
                vp_err_clear(c->err);
                continue;
            }
            json_decref(names);
            return -1;
        }
        encoded = vp_xml_find_text(doc, NULL, "PolicyDocument");
        policy = encoded ? document_of(encoded) : NULL;
        free(encoded);
        vp_xml_free(doc);
        if (!policy) {
            json_decref(names);
            return vp_fail(c->err, VP_E_AWS_RESPONSE, "GetRolePolicy of '%s' gave no JSON policy document", name);
        }
        json_object_set_new(*policies, name, policy);
    }
    json_decref(names);
    return 0;
}

/* ---- the role ---- */

/* GetRole's answer, or *doc NULL when there is no such role. */
static int get_role(struct vp_call *c, const char *name, struct vp_xml_doc **doc)
{
    *doc = NULL;
    if (role_call(c, "GetRole", name, NULL, doc) == 0)
        return 0;
    if (!vp_res_err_is(c->err, "NoSuchEntity"))
        return -1;
    vp_err_clear(c->err);
    return 0;
}

static void set_text(json_t *live, const char *key, const char *value)
{
    json_object_set_new(live, key, json_string(value ? value : ""));
}

/* GetRole's Role element as attributes: absent Description as "", absent MaxSessionDuration as 3600. */
static int live_from_role(struct vp_call *c, const struct vp_xml_node *role, json_t **live)
{
    const char *max = text_of(role, "MaxSessionDuration"), *trust = text_of(role, "AssumeRolePolicyDocument");
    json_t *doc = trust ? document_of(trust) : NULL, *tags;

    *live = NULL;
    if (!doc || !text_of(role, "Arn"))
        return vp_fail(c->err, VP_E_AWS_RESPONSE, "GetRole gave no %s", doc ? "Arn" : "JSON AssumeRolePolicyDocument");
    *live = json_object();
    set_text(*live, "name", text_of(role, "RoleName"));
    set_text(*live, "path", text_of(role, "Path") ? text_of(role, "Path") : "/");
    set_text(*live, "description", text_of(role, "Description"));
    json_object_set_new(*live, "assume_role_policy", doc);
    json_object_set_new(*live, "max_session_duration", json_integer(max && *max ? atoll(max) : 3600));
    set_text(*live, "arn", text_of(role, "Arn"));
    set_text(*live, "unique_id", text_of(role, "RoleId"));
    /* GetRole carries every tag (a role has at most 50), as the Terraform provider reads them: ListRoleTags
     * would be one more call for the same list. No Tags element is no tags. */
    tags = json_object();
    for (const struct vp_xml_node *m = vp_xml_child(vp_xml_child(role, "Tags"), "member"); m; m = vp_xml_next_named(m))
        take_tag(m, tags);
    json_object_set_new(*live, "tags", tags);
    return 0;
}

/* The lists, read at once (vp_res_read_parts). A role deleted meanwhile reads as empty lists (the next read
 * finds it gone). */
static int read_inline_part(struct vp_call *c, const char *name, json_t *live)
{
    json_t *policies;

    if (read_inline(c, name, &policies) < 0)
        return -1;
    json_object_set_new(live, "inline_policies", policies);
    return 0;
}

static int read_attached_part(struct vp_call *c, const char *name, json_t *live)
{
    json_t *arns;

    if (ir_list_attached(c, name, &arns) < 0)
        return -1;
    json_object_set_new(live, "managed_policy_arns", ir_sorted_strings(arns));
    json_decref(arns);
    return 0;
}

static vp_res_part_fn *const lists[] = { read_inline_part, read_attached_part };

int ir_read(struct vp_call *c, const char *name, json_t **live)
{
    struct vp_xml_doc *doc;
    int ret;

    *live = NULL;
    if (get_role(c, name, &doc) < 0)
        return -1;
    if (!doc)
        return 0;
    ret = live_from_role(c, vp_xml_find(doc, NULL, "Role"), live);
    vp_xml_free(doc);
    if (ret == 0 && (ret = vp_res_read_parts(c, name, lists, sizeof(lists) / sizeof(lists[0]), *live)) < 0) {
        json_decref(*live);
        *live = NULL;
    }
    return ret;
}

/* ---- waiters ---- */

struct exists_wait {
    const char *name;
    bool want;                          /* wait until it exists (true) or is gone (false) */
};

static int poll_exists(struct vp_call *c, void *ctx, bool *done)
{
    struct exists_wait *w = ctx;
    struct vp_xml_doc *doc;

    if (get_role(c, w->name, &doc) < 0)
        return -1;
    *done = (doc != NULL) == w->want;
    vp_xml_free(doc);
    return 0;
}

int ir_wait_exists(struct vp_call *c, const char *name)
{
    struct exists_wait w = { name, true };
    struct vp_call bounded = *c;
    long poll_ms = c->wait_poll_ms > 0 ? c->wait_poll_ms : 1000;
    char what[160];

    if (bounded.wait_timeout_ms <= 0 || bounded.wait_timeout_ms > EXISTS_POLLS * poll_ms)
        bounded.wait_timeout_ms = EXISTS_POLLS * poll_ms;
    snprintf(what, sizeof(what), "until GetRole finds role '%s'", name);
    return vp_res_wait(&bounded, what, poll_exists, &w);
}

int ir_wait_gone(struct vp_call *c, const char *name)
{
    struct exists_wait w = { name, false };
    char what[160];

    snprintf(what, sizeof(what), "until role '%s' is gone", name);
    return vp_res_wait(c, what, poll_exists, &w);
}

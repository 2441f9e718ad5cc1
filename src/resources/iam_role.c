/* iam_role.c: the iam_role type's four operations. Create is CreateRole with the trust policy, description,
 * session length and tags, then each inline policy (PutRolePolicy) and managed policy (AttachRolePolicy).
 * Update converges what differs: the trust policy (UpdateAssumeRolePolicy), description and session length
 * (UpdateRole), inline and managed policies (new ones first, so the role never holds less than both the
 * old and the new permissions in between), then tags. Delete detaches and deletes every policy, as IAM
 * requires, then DeleteRole.
 *
 * DESIGN: IAM is eventually consistent: right after CreateRole, GetRole and the policy calls may not find the
 * role yet, so create waits until GetRole finds it (botocore's RoleExists waiter: every second, 20 times)
 * before going on. A role of that name that already exists (a rerun after a crash mid-create) is adopted and
 * converged on want; its path cannot change in place, so a different path shows in the next plan as a
 * replacement. */
#include <string.h>

#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/iam_role.h"
#include "resources/schemas.h"
#include "resources/types.h"

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    if (ir_read(c, id, live) < 0)
        return vp_res_context(c, "reading role '%s'", id);
    return 0;
}

/* The spec's validator applies the type's rules with positions; this catches what bypasses it (`vidpipe
 * debug resource`). Returns want in the canonical shape (a new reference), or NULL with c->err filled. */
static json_t *prepared_want(struct vp_call *c, const json_t *want)
{
    json_t *prepared = json_deep_copy(want);
    const char *attr;
    char msg[256];

    ir_prepare_want(prepared, c->err);
    if (vp_iam_role_check(prepared, msg, sizeof(msg), &attr) < 0) {
        json_decref(prepared);
        vp_fail(c->err, VP_E_SPEC, "%s", msg);
        return NULL;
    }
    return prepared;
}

/* The document as IAM takes it: compact JSON text. Caller frees. */
static char *document_text(const json_t *doc)
{
    return json_dumps(doc, JSON_COMPACT);
}

/* ---- single calls ---- */

/* A call about one role: RoleName plus name/value pairs (NULL-terminated). */
static int role_call(struct vp_call *c, const char *action, const char *role, const char *const *pairs)
{
    struct vp_kvlist params = VP_KVLIST_INIT;
    int ret;

    vp_kv_add(&params, "RoleName", role);
    for (size_t i = 0; pairs && pairs[i]; i += 2)
        vp_kv_add(&params, pairs[i], pairs[i + 1]);
    ret = ir_call(c, action, &params, NULL);
    vp_kv_release(&params);
    return ret;
}

static int put_policy(struct vp_call *c, const char *role, const char *name, const json_t *doc)
{
    char *text = document_text(doc);
    int ret = role_call(c, "PutRolePolicy", role, (const char *const[]){ "PolicyName", name, "PolicyDocument",
                                                                          text, NULL });

    free(text);
    return ret < 0 ? vp_err_prefix(c->err, "inline policy '%s'", name) : 0;
}

/* A call that finds nothing to remove has nothing left to do. */
static int removed(struct vp_call *c, int ret)
{
    if (ret < 0 && vp_res_err_is(c->err, "NoSuchEntity")) {
        vp_err_clear(c->err);
        return 0;
    }
    return ret;
}

static int delete_policy(struct vp_call *c, const char *role, const char *name)
{
    return removed(c, role_call(c, "DeleteRolePolicy", role, (const char *const[]){ "PolicyName", name, NULL }));
}

static int attach(struct vp_call *c, const char *role, const char *arn)
{
    if (role_call(c, "AttachRolePolicy", role, (const char *const[]){ "PolicyArn", arn, NULL }) < 0)
        return vp_err_prefix(c->err, "managed policy '%s'", arn);
    return 0;
}

static int detach(struct vp_call *c, const char *role, const char *arn)
{
    return removed(c, role_call(c, "DetachRolePolicy", role, (const char *const[]){ "PolicyArn", arn, NULL }));
}

/* Tags.member.N.Key and .Value, as CreateRole and TagRole take them. */
static void add_tags(struct vp_kvlist *params, const json_t *tags)
{
    const char *key;
    json_t *v;
    size_t n = 0;

    json_object_foreach((json_t *)tags, key, v) {
        char name[48];
        n++;
        snprintf(name, sizeof(name), "Tags.member.%zu.Key", n);
        vp_kv_add(params, name, key);
        snprintf(name, sizeof(name), "Tags.member.%zu.Value", n);
        vp_kv_add(params, name, json_is_string(v) ? json_string_value(v) : "");
    }
}

/* ---- converging an existing role on want ---- */

static bool holds(const json_t *list, const json_t *s)
{
    const json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
        if (json_equal(v, s))
            return true;
    return false;
}

static int converge_settings(struct vp_call *c, const char *role, const json_t *want, const json_t *have)
{
    if (vp_res_changed(want, have, "assume_role_policy")) {
        char *text = document_text(json_object_get(want, "assume_role_policy"));
        int ret = role_call(c, "UpdateAssumeRolePolicy", role, (const char *const[]){ "PolicyDocument", text, NULL });
        free(text);
        if (ret < 0)
            return -1;
    }
    if (vp_res_changed(want, have, "description") || vp_res_changed(want, have, "max_session_duration")) {
        char seconds[24];
        const char *description = vp_res_str(want, "description");

        /* UpdateRole sets the description it is given, "" included (which clears it) */
        snprintf(seconds, sizeof(seconds), "%lld", vp_res_int(want, "max_session_duration"));
        if (role_call(c, "UpdateRole", role, (const char *const[]){ "Description", description ? description : "",
                                                                   "MaxSessionDuration", seconds, NULL }) < 0)
            return -1;
    }
    return 0;
}

/* New and changed inline policies, then new managed ones; only then are the others removed. */
static int converge_policies(struct vp_call *c, const char *role, const json_t *want, const json_t *have)
{
    const json_t *want_inline = json_object_get(want, "inline_policies");
    const json_t *have_inline = json_object_get(have, "inline_policies");
    const json_t *want_arns = json_object_get(want, "managed_policy_arns");
    const json_t *have_arns = json_object_get(have, "managed_policy_arns");
    const char *name;
    json_t *doc, *arn;
    size_t i;

    json_object_foreach((json_t *)want_inline, name, doc)
        if (vp_res_changed(want_inline, have_inline, name) && put_policy(c, role, name, doc) < 0)
            return -1;
    json_array_foreach(want_arns, i, arn)
        if (!holds(have_arns, arn) && attach(c, role, json_string_value(arn)) < 0)
            return -1;
    json_object_foreach((json_t *)have_inline, name, doc)
        if (!json_object_get(want_inline, name) && delete_policy(c, role, name) < 0)
            return vp_err_prefix(c->err, "inline policy '%s'", name);
    json_array_foreach(have_arns, i, arn)
        if (!holds(want_arns, arn) && detach(c, role, json_string_value(arn)) < 0)
            return vp_err_prefix(c->err, "managed policy '%s'", json_string_value(arn));
    return 0;
}

static int converge_tags(struct vp_call *c, const char *role, const json_t *want, const json_t *have)
{
    const json_t *wanted = json_object_get(want, "tags"), *had = json_object_get(have, "tags");
    struct vp_kvlist untag = VP_KVLIST_INIT, tag = VP_KVLIST_INIT;
    json_t *set = json_object(), *v;
    const char *key;
    size_t n = 0;
    int ret = 0;

    json_object_foreach((json_t *)had, key, v) {
        if (!json_object_get(wanted, key)) {
            char name[40];
            snprintf(name, sizeof(name), "TagKeys.member.%zu", ++n);
            vp_kv_add(&untag, name, key);
        }
    }
    json_object_foreach((json_t *)wanted, key, v)
        if (!json_equal(v, json_object_get(had, key)))
            json_object_set(set, key, v);
    if (untag.n) {
        vp_kv_add(&untag, "RoleName", role);
        ret = ir_call(c, "UntagRole", &untag, NULL);
    }
    if (ret == 0 && json_object_size(set)) {
        vp_kv_add(&tag, "RoleName", role);
        add_tags(&tag, set);
        ret = ir_call(c, "TagRole", &tag, NULL);
    }
    vp_kv_release(&untag);
    vp_kv_release(&tag);
    json_decref(set);
    return ret;
}

static int converge_from(struct vp_call *c, const char *role, const json_t *want, const json_t *have)
{
    if (converge_settings(c, role, want, have) < 0 || converge_policies(c, role, want, have) < 0)
        return -1;
    return converge_tags(c, role, want, have);
}

/* want is canonical (prepared_want). The role is read here, so every decision is made on what it is now. */
static int converge(struct vp_call *c, const char *role, const json_t *want)
{
    json_t *have;
    int ret;

    if (ir_read(c, role, &have) < 0)
        return -1;
    if (!have)
        return vp_fail(c->err, VP_E_AWS, "role '%s' does not exist (deleted outside vidpipe?)", role);
    ret = converge_from(c, role, want, have);
    json_decref(have);
    return ret;
}

/* ---- the operations ---- */

static int read_back(struct vp_call *c, const char *role, json_t **live)
{
    if (ir_read(c, role, live) < 0)
        return -1;
    return *live ? 0 : vp_fail(c->err, VP_E_AWS, "role '%s' disappeared while vidpipe was configuring it", role);
}

/* CreateRole; *existed when a role of that name was there already. */
static int create_role(struct vp_call *c, const char *role, const json_t *want, bool *existed)
{
    struct vp_kvlist params = VP_KVLIST_INIT;
    const char *description = vp_res_str(want, "description");
    char *trust = document_text(json_object_get(want, "assume_role_policy")), seconds[24];
    int ret;

    snprintf(seconds, sizeof(seconds), "%lld", vp_res_int(want, "max_session_duration"));
    vp_kv_add(&params, "RoleName", role);
    vp_kv_add(&params, "Path", vp_res_str(want, "path") ? vp_res_str(want, "path") : "/");
    vp_kv_add(&params, "AssumeRolePolicyDocument", trust);
    if (description && *description)
        vp_kv_add(&params, "Description", description);
    vp_kv_add(&params, "MaxSessionDuration", seconds);
    add_tags(&params, json_object_get(want, "tags"));
    ret = ir_call(c, "CreateRole", &params, NULL);
    vp_kv_release(&params);
    free(trust);
    *existed = false;
    if (ret < 0 && vp_res_err_is(c->err, "EntityAlreadyExists")) {
        vp_err_clear(c->err);
        *existed = true;
        ret = 0;
    }
    return ret;
}

static int create(struct vp_call *c, const char *role, const json_t *want, json_t **live)
{
    json_t *prepared = prepared_want(c, want);
    bool existed;
    int ret;

    if (!prepared)
        return -1;
    ret = create_role(c, role, prepared, &existed);
    if (ret == 0 && existed) {
        ret = converge(c, role, prepared);
    } else if (ret == 0 && (ret = ir_wait_exists(c, role)) == 0) {
        /* what CreateRole just set: only the policies are left to add */
        json_t *fresh = json_deep_copy(prepared);
        json_object_set_new(fresh, "inline_policies", json_object());
        json_object_set_new(fresh, "managed_policy_arns", json_array());
        ret = converge_policies(c, role, prepared, fresh);
        json_decref(fresh);
    }
    json_decref(prepared);
    return ret < 0 ? -1 : read_back(c, role, live);
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *name = vp_res_str(want, "name");

    *id = NULL;
    *live = NULL;
    if (!name)
        return vp_fail(c->err, VP_E_AWS, "%s: the role has no name", c->address);
    if (create(c, name, want, live) < 0)
        return vp_res_context(c, "creating role '%s'", name);
    *id = vp_xstrdup(name);
    return 0;
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    json_t *prepared = prepared_want(c, want);
    int ret = prepared ? converge(c, id, prepared) : -1;

    (void)have;
    *live = NULL;
    json_decref(prepared);
    if (ret < 0 || read_back(c, id, live) < 0)
        return vp_res_context(c, "updating role '%s'", id);
    return 0;
}

/* IAM refuses to delete a role that still has policies: every one goes first. */
static int delete_role(struct vp_call *c, const char *role)
{
    json_t *names = NULL, *arns = NULL, *v;
    size_t i;
    int ret = 0;

    if (ir_list_attached(c, role, &arns) < 0 || ir_list_inline(c, role, &names) < 0)
        ret = -1;
    json_array_foreach(arns, i, v)
        if (ret == 0 && detach(c, role, json_string_value(v)) < 0)
            ret = vp_err_prefix(c->err, "detaching managed policy '%s'", json_string_value(v));
    json_array_foreach(names, i, v)
        if (ret == 0 && delete_policy(c, role, json_string_value(v)) < 0)
            ret = vp_err_prefix(c->err, "deleting inline policy '%s'", json_string_value(v));
    json_decref(arns);
    json_decref(names);
    if (ret == 0)
        ret = removed(c, role_call(c, "DeleteRole", role, NULL));
    return ret == 0 ? ir_wait_gone(c, role) : -1;
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    (void)have;
    if (delete_role(c, id) < 0)
        return vp_res_context(c, "deleting role '%s'", id);
    return 0;
}

const struct vp_resource_type vp_type_iam_role = {
    .type = "iam_role", .attrs = vp_iam_role_attrs, .id_attr = "name",
    .doc = "An IAM role: its trust policy, inline and managed policies, session length and tags; policy "
           "documents compare by meaning, and broad grants on \"Resource\": \"*\" are refused.",
    .check = vp_iam_role_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
    .read_rounds = 3,
    .prepare_want = ir_prepare_want,
};

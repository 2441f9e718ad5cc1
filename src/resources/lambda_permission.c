/* lambda_permission.c: the lambda_permission type: one statement of a function's resource-based policy, which
 * lets a service (S3, EventBridge, API Gateway) invoke the function. Lambda has no UpdatePermission, so every
 * attribute replaces. The physical id is FUNCTION/STATEMENT_ID (a function's name or ARN holds no '/').
 *
 * DESIGN: read is GetPolicy, whose Policy is a JSON document inside a string: the statement is found by its
 * Sid and mapped back (Principal.Service or .AWS, Condition.ArnLike.AWS:SourceArn,
 * Condition.StringEquals.AWS:SourceAccount). Create looks first, since AWS answers 409 "already exists" to a
 * statement id in use while moto accepts it and keeps both: a statement of that id equal to want is adopted (a
 * rerun after a crash mid-create), another one is an error. AddPermission and RemovePermission run one at a
 * time in this process: concurrent policy changes of one function can be lost (an AWS bug the Terraform
 * provider works around the same way), and Lambda answers 409 while another change is in progress (retried).
 * A function created moments before may not be found yet: ResourceNotFoundException is retried briefly. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/lambda_function.h"
#include "resources/schemas.h"
#include "resources/types.h"

#define FUNCTION_WAIT_MS (30L * 1000)
#define SETTLE_READS 10

static pthread_mutex_t policy_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- the id ---- */

struct perm_id {
    char *function, *sid;
};

static int parse_id(struct vp_call *c, const char *id, struct perm_id *p)
{
    const char *slash = strrchr(id, '/');

    if (!slash || slash == id || !slash[1])
        return vp_fail(c->err, VP_E_AWS, "'%s' is not a lambda_permission id (FUNCTION/STATEMENT_ID)", id);
    p->function = vp_xstrndup(id, (size_t)(slash - id));
    p->sid = vp_xstrdup(slash + 1);
    return 0;
}

static void perm_id_release(struct perm_id *p)
{
    free(p->function);
    free(p->sid);
}

/* ---- reading the statement back ---- */

/* arn:aws:iam::ACCOUNT:root, as Lambda stores an account principal, back to the ACCOUNT given. */
static json_t *principal_of(const json_t *stmt)
{
    json_t *principal = json_object_get(stmt, "Principal");
    const char *service = vp_res_str(principal, "Service"), *aws = vp_res_str(principal, "AWS");
    size_t n;

    if (json_is_string(principal))
        return json_copy(principal);
    if (service)
        return json_string(service);
    if (!aws)
        return json_null();
    n = strlen(aws);
    if (strncmp(aws, "arn:", 4) == 0 && n > 18 && strcmp(aws + n - 5, ":root") == 0 && aws[n - 18] == ':')
        return json_stringn(aws + n - 17, 12);
    return json_string(aws);
}

static json_t *live_from_statement(const struct perm_id *p, const json_t *stmt)
{
    json_t *live = json_object(), *cond = json_object_get(stmt, "Condition"), *action = json_object_get(stmt, "Action");
    const char *arn = vp_res_str(json_object_get(cond, "ArnLike"), "AWS:SourceArn");
    const char *account = vp_res_str(json_object_get(cond, "StringEquals"), "AWS:SourceAccount");

    if (json_is_array(action))
        action = json_array_get(action, 0);
    json_object_set_new(live, "function", json_string(p->function));
    json_object_set_new(live, "statement_id", json_string(p->sid));
    json_object_set_new(live, "action", json_is_string(action) ? json_copy(action) : json_null());
    json_object_set_new(live, "principal", principal_of(stmt));
    if (arn)
        json_object_set_new(live, "source_arn", json_string(arn));
    if (account)
        json_object_set_new(live, "source_account", json_string(account));
    json_object_set_new(live, "id", json_sprintf("%s/%s", p->function, p->sid));
    return live;
}

static bool is_sid(const json_t *stmt, const char *sid)
{
    const char *s = vp_res_str(stmt, "Sid");

    return s && strcmp(s, sid) == 0;
}

/* The statement of that Sid in the function's policy (a new reference), or NULL when the function, its
 * policy or the statement does not exist. */
static int get_statement(struct vp_call *c, const struct perm_id *p, json_t **stmt)
{
    char *path = lf_function_path(p->function, "/policy");
    json_t *out = NULL, *policy, *list, *item;
    json_error_t jerr;
    size_t i;
    int ret = lf_call(c, "GetPolicy", "GET", path, NULL, NULL, &out);

    free(path);
    *stmt = NULL;
    if (ret < 0) {
        if (!vp_res_err_is(c->err, "ResourceNotFoundException"))
            return -1;
        vp_err_clear(c->err);
        return 0;
    }
    policy = json_loads(vp_res_str(out, "Policy") ? vp_res_str(out, "Policy") : "", 0, &jerr);
    json_decref(out);
    if (!json_is_object(policy)) {
        json_decref(policy);
        return vp_fail(c->err, VP_E_AWS_RESPONSE, "GetPolicy of function '%s': the policy is not a JSON object",
                       p->function);
    }
    /* Statement is a list, or one statement alone */
    list = json_object_get(policy, "Statement");
    if (json_is_object(list) && is_sid(list, p->sid))
        *stmt = json_incref(list);
    json_array_foreach(list, i, item)
        if (!*stmt && is_sid(item, p->sid))
            *stmt = json_incref(item);
    json_decref(policy);
    return 0;
}

static int read_permission(struct vp_call *c, const struct perm_id *p, json_t **live)
{
    json_t *stmt;

    *live = NULL;
    if (get_statement(c, p, &stmt) < 0)
        return -1;
    if (stmt)
        *live = live_from_statement(p, stmt);
    json_decref(stmt);
    return 0;
}

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    struct perm_id p;
    int ret;

    *live = NULL;
    if (parse_id(c, id, &p) < 0)
        return -1;
    ret = read_permission(c, &p, live);
    perm_id_release(&p);
    return ret < 0 ? vp_res_context(c, "reading permission '%s'", id) : 0;
}

/* ---- create ---- */

static const char *const compared[] = { "action", "principal", "source_arn", "source_account", NULL };

static const char *first_difference(const json_t *want, const json_t *live)
{
    for (size_t i = 0; compared[i]; i++)
        if (vp_res_changed(want, live, compared[i]))
            return compared[i];
    return NULL;
}

static json_t *add_input(const json_t *want)
{
    json_t *in = json_pack("{s:s, s:s, s:s}", "StatementId", vp_res_str(want, "statement_id"), "Action",
                           vp_res_str(want, "action"), "Principal", vp_res_str(want, "principal"));

    if (vp_res_str(want, "source_arn"))
        json_object_set_new(in, "SourceArn", json_string(vp_res_str(want, "source_arn")));
    if (vp_res_str(want, "source_account"))
        json_object_set_new(in, "SourceAccount", json_string(vp_res_str(want, "source_account")));
    return in;
}

struct policy_call {
    const char *operation, *method, *path;
    json_t *in;
    bool not_found_is_done;             /* RemovePermission: already gone */
    bool exists;                        /* AddPermission: 409 "already exists" */
    const struct perm_id *adds;         /* AddPermission: the statement it adds, looked for after a lost answer */
};

/* One try: done on success; not found (the function is not visible yet) and 409 "in progress" try again. */
static int poll_policy_call(struct vp_call *c, void *ctx, bool *done)
{
    struct policy_call *pc = ctx;

    *done = false;
    if (pc->adds) {
        /* Sent once per try: AWS would answer a resend 409 "already exists", but moto (and the log) would keep
         * a second statement of that id. After a lost answer, the statement found is the one it added. */
        struct vp_call_opts opts = { .not_idempotent = true };
        json_t *out = NULL, *existing = NULL;
        int ret = vp_rest_json_call_opts(c->aws, &vp_svc_lambda, pc->operation, pc->method, pc->path, NULL, &opts,
                                         pc->in, &out, c->err);
        json_decref(out);
        if (ret == 0) {
            *done = true;
            return 0;
        }
        if (c->err->maybe_done) {
            vp_err_clear(c->err);
            if (read_permission(c, pc->adds, &existing) < 0)
                return -1;
            *done = pc->exists = existing != NULL;
            json_decref(existing);
            return 0;
        }
    } else if (lf_call(c, pc->operation, pc->method, pc->path, NULL, pc->in, NULL) == 0) {
        *done = true;
        return 0;
    }
    if (vp_res_err_is(c->err, "ResourceNotFoundException")) {
        vp_err_clear(c->err);
        *done = pc->not_found_is_done;
        return 0;
    }
    if (vp_res_err_is(c->err, "ResourceConflictException")) {
        *done = pc->exists = strstr(c->err->msg, "already exists") != NULL;
        vp_err_clear(c->err);
        return 0;
    }
    return -1;
}

static int policy_call(struct vp_call *c, struct policy_call *pc, const char *function)
{
    struct vp_call bounded = *c;
    long timeout_ms = c->wait_timeout_ms > 0 && c->wait_timeout_ms < FUNCTION_WAIT_MS ? c->wait_timeout_ms
                                                                                       : FUNCTION_WAIT_MS;
    char *what = vp_xasprintf("until Lambda accepts %s on function '%s': the function is not found, or another "
                              "change of its policy is still in progress", pc->operation, function);
    int ret;

    bounded.wait_timeout_ms = timeout_ms;
    pthread_mutex_lock(&policy_lock);
    ret = vp_res_wait(&bounded, what, poll_policy_call, pc);
    pthread_mutex_unlock(&policy_lock);
    free(what);
    return ret;
}

/* A statement of want's id that is already there: adopted when it grants what want grants. */
static int adopt(struct vp_call *c, const struct perm_id *p, const json_t *want, json_t *existing, json_t **live)
{
    const char *diff = first_difference(want, existing);

    if (diff) {
        json_decref(existing);
        return vp_fail(c->err, VP_E_AWS, "%s: the policy of function '%s' already has a statement '%s' with "
                       "another %s: remove it, or choose another statement_id", c->address, p->function, p->sid,
                       diff);
    }
    *live = existing;
    return 0;
}

/* The read that ends create: the new statement may take a moment to show in GetPolicy. */
static int settled_read(struct vp_call *c, const struct perm_id *p, json_t **live)
{
    for (int attempt = 1;; attempt++) {
        if (read_permission(c, p, live) < 0)
            return -1;
        if (*live)
            return 0;
        if (attempt == SETTLE_READS)
            return vp_fail(c->err, VP_E_AWS, "statement '%s' does not show in the policy of function '%s' after "
                           "AddPermission succeeded", p->sid, p->function);
        vp_res_sleep_ms(c->wait_poll_ms > 0 ? c->wait_poll_ms : 1000);
    }
}

static int create_permission(struct vp_call *c, const struct perm_id *p, const json_t *want, json_t **live)
{
    struct policy_call pc = { "AddPermission", "POST", NULL, NULL, false, false, p };
    json_t *existing;
    char *path;
    int ret;

    if (read_permission(c, p, &existing) < 0)
        return -1;
    if (existing)
        return adopt(c, p, want, existing, live);
    pc.path = path = lf_function_path(p->function, "/policy");
    pc.in = add_input(want);
    ret = policy_call(c, &pc, p->function);
    json_decref(pc.in);
    free(path);
    if (ret < 0 || settled_read(c, p, &existing) < 0)
        return -1;
    /* a 409 "already exists" is a statement someone added since the look above */
    return pc.exists ? adopt(c, p, want, existing, live) : (*live = existing, 0);
}

static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    struct perm_id p = { NULL, NULL };
    int ret;

    *id = NULL;
    *live = NULL;
    if (!vp_res_str(want, "function") || !vp_res_str(want, "statement_id") || !vp_res_str(want, "principal"))
        return vp_fail(c->err, VP_E_AWS, "%s: function, statement_id and principal are required", c->address);
    p.function = vp_xstrdup(vp_res_str(want, "function"));
    p.sid = vp_xstrdup(vp_res_str(want, "statement_id"));
    ret = create_permission(c, &p, want, live);
    if (ret == 0)
        *id = vp_xasprintf("%s/%s", p.function, p.sid);
    else
        vp_res_context(c, "adding permission '%s' to function '%s'", p.sid, p.function);
    perm_id_release(&p);
    return ret;
}

/* ---- update and delete ---- */

/* Every attribute replaces, so the engine never updates in place: an update only reads the statement back. */
static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    const char *diff;

    (void)have;
    if (op_read(c, id, live) < 0)
        return -1;
    if (!*live)
        return vp_fail(c->err, VP_E_AWS, "%s: permission '%s' does not exist (removed outside vidpipe?)",
                       c->address, id);
    if ((diff = first_difference(want, *live))) {
        json_decref(*live);
        *live = NULL;
        return vp_fail(c->err, VP_E_AWS, "%s: Lambda cannot change a permission's %s in place: it must be "
                       "replaced", c->address, diff);
    }
    return 0;
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    struct policy_call pc = { "RemovePermission", "DELETE", NULL, NULL, true, false, NULL };
    struct perm_id p;
    char *sid, *path;
    int ret;

    (void)have;
    if (parse_id(c, id, &p) < 0)
        return -1;
    sid = vp_xasprintf("/policy/%s", p.sid);
    pc.path = path = lf_function_path(p.function, sid);
    ret = policy_call(c, &pc, p.function);
    free(path);
    free(sid);
    perm_id_release(&p);
    return ret < 0 ? vp_res_context(c, "removing permission '%s'", id) : 0;
}

const struct vp_resource_type vp_type_lambda_permission = {
    .type = "lambda_permission", .attrs = vp_lambda_permission_attrs, .id_attr = "id",
    .doc = "One statement of a Lambda function's resource policy, letting a service (S3, EventBridge, API "
           "Gateway) invoke it; every attribute replaces. Its id is FUNCTION/STATEMENT_ID.",
    .check = vp_lambda_permission_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
};

/* iam_role_policy.c: IAM policy documents: one canonical shape for comparing them, the checks a document
 * must pass before IAM sees it, and vidpipe's least-privilege rule for inline policies.
 *
 * DESIGN: IAM keeps a document much as it was sent, but the same policy can be written many ways: a single
 * Action as "s3:GetObject" or ["s3:GetObject"], a list in any order, a lone statement as an object. As
 * Terraform's policy equivalence does, both sides of a diff are brought to one shape: want when the plan is
 * made (prepare_want), live when it is read. Statement order is kept (it is how people read a policy), and
 * what vidpipe sends is want's canonical form, so a role it wrote reads back equal. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/diff.h"
#include "resources/iam_role.h"
#include "spec/spec.h"

/* The keys whose value is one string or a list of them, in a statement. */
static const char *const value_keys[] = { "Action", "NotAction", "Resource", "NotResource", NULL };
/* The keys whose value is "*" or a map of principal types to such values. */
static const char *const principal_keys[] = { "Principal", "NotPrincipal", NULL };

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *ir_sorted_strings(const json_t *list)
{
    size_t n = json_array_size(list), k = 0, i;
    const char **s = vp_xcalloc(n ? n : 1, sizeof(*s));
    json_t *out = json_array(), *v;

    json_array_foreach(list, i, v)
        if (json_is_string(v))
            s[k++] = json_string_value(v);
    qsort(s, k, sizeof(*s), compare_strings);
    for (i = 0; i < k; i++)
        if (i == 0 || strcmp(s[i], s[i - 1]) != 0)
            json_array_append_new(out, json_string(s[i]));
    free(s);
    return out;
}

/* A Condition value as IAM matches it: a string ("10", "true" for 10 and true), or NULL when it is not
 * a scalar. */
static json_t *as_string(const json_t *v, bool scalars)
{
    char *text;
    json_t *s;

    if (json_is_string(v))
        return json_incref((json_t *)v);
    if (!scalars || !(json_is_number(v) || json_is_boolean(v)))
        return NULL;
    text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    s = json_string(text);
    free(text);
    return s;
}

/* "x" and ["x"] as "x"; a longer list sorted, without duplicates. A value of another shape is kept. */
static json_t *canonical_values(const json_t *v, bool scalars)
{
    json_t *strings, *sorted, *item, *s;
    size_t i;

    if ((s = as_string(v, scalars)))
        return s;
    if (!json_is_array(v) || vp_json_has_unknown(v))    /* a plan shows values to come as they were written */
        return json_deep_copy(v);
    strings = json_array();
    json_array_foreach(v, i, item) {
        if (!(s = as_string(item, scalars))) {
            json_decref(strings);
            return json_deep_copy(v);
        }
        json_array_append_new(strings, s);
    }
    sorted = ir_sorted_strings(strings);
    json_decref(strings);
    if (json_array_size(sorted) == 1) {
        s = json_incref(json_array_get(sorted, 0));
        json_decref(sorted);
        return s;
    }
    return sorted;
}

/* Principal {"Service": [..]} and Condition {"StringEquals": {"k": [..]}}: each value canonical. */
static void canonical_map(json_t *map, bool scalars)
{
    const char *key;
    json_t *v;

    json_object_foreach(map, key, v)
        json_object_set_new(map, key, canonical_values(v, scalars));
}

/* IAM stores an account id given as an AWS principal as that account's root ARN ("123456789012" reads back as
 * "arn:aws:iam::123456789012:root"): both are brought to the bare id, which IAM takes in any partition. */
static json_t *account_of(const json_t *v)
{
    char partition[32], account[13];
    int end = 0;

    if (!json_is_string(v) || sscanf(json_string_value(v), "arn:%31[a-z-]:iam::%12[0-9]:root%n", partition, account,
                                     &end) != 2 || !end || json_string_value(v)[end])
        return json_incref((json_t *)v);
    return json_string(account);
}

static void account_ids(json_t *principal)
{
    json_t *aws = json_object_get(principal, "AWS"), *v;
    size_t i;

    if (json_is_string(aws)) {
        json_object_set_new(principal, "AWS", account_of(aws));
        return;
    }
    json_array_foreach(aws, i, v)
        json_array_set_new(aws, i, account_of(v));
}

static void canonical_statement(json_t *st)
{
    json_t *v, *principal, *condition;
    const char *op, *sid = json_string_value(json_object_get(st, "Sid"));

    if (sid && !*sid)
        json_object_del(st, "Sid");
    for (size_t i = 0; value_keys[i]; i++)
        if ((v = json_object_get(st, value_keys[i])))
            json_object_set_new(st, value_keys[i], canonical_values(v, false));
    for (size_t i = 0; principal_keys[i]; i++)
        if (json_is_object(principal = json_object_get(st, principal_keys[i]))) {
            account_ids(principal);
            canonical_map(principal, false);
        }
    condition = json_object_get(st, "Condition");
    if (json_is_object(condition))
        json_object_foreach(condition, op, v)
            if (json_is_object(v))
                canonical_map(v, true);
}

json_t *ir_policy_normalize(const json_t *doc)
{
    json_t *out, *statements, *st;
    size_t i;

    if (json_is_string(doc) && strcmp(json_string_value(doc), VP_UNKNOWN_VALUE) != 0) {
        json_t *parsed = json_loads(json_string_value(doc), JSON_REJECT_DUPLICATES, NULL);
        if (!parsed)
            return json_incref((json_t *)doc);
        out = ir_policy_normalize(parsed);
        json_decref(parsed);
        return out;
    }
    if (!json_is_object(doc))
        return json_deep_copy(doc);
    out = json_deep_copy(doc);
    statements = json_object_get(out, "Statement");
    if (json_is_object(statements))
        json_object_set_new(out, "Statement", json_pack("[O]", statements));
    json_array_foreach(json_object_get(out, "Statement"), i, st)
        if (json_is_object(st))
            canonical_statement(st);
    return out;
}

static bool is_unknown(const json_t *v)
{
    return json_is_string(v) && strcmp(json_string_value(v), VP_UNKNOWN_VALUE) == 0;
}

static const char *statement_problem(const json_t *st, size_t i, char *msg, size_t size)
{
    const json_t *effect = json_object_get(st, "Effect");

    if (!json_is_object(st))
        snprintf(msg, size, "Statement[%zu] is not an object", i);
    else if (!is_unknown(effect) && !(json_is_string(effect) && (strcmp(json_string_value(effect), "Allow") == 0 ||
                                                                   strcmp(json_string_value(effect), "Deny") == 0)))
        snprintf(msg, size, "Statement[%zu] needs \"Effect\": \"Allow\" or \"Deny\"", i);
    else if (!json_object_get(st, "Action") && !json_object_get(st, "NotAction"))
        snprintf(msg, size, "Statement[%zu] names no Action (or NotAction)", i);
    else
        return NULL;
    return msg;
}

const char *ir_policy_problem(const json_t *doc, char *msg, size_t size)
{
    const json_t *statements = json_object_get(doc, "Statement"), *st;
    json_error_t error;
    size_t i;

    if (is_unknown(doc))
        return NULL;
    if (json_is_string(doc)) {          /* ir_policy_normalize parses JSON text: this one is not JSON */
        json_t *parsed = json_loads(json_string_value(doc), JSON_REJECT_DUPLICATES, &error);
        json_decref(parsed);
        snprintf(msg, size, "the policy document is not a JSON object%s%s", parsed ? "" : ": ",
                 parsed ? "" : error.text);
        return msg;
    }
    if (!json_is_object(doc)) {
        snprintf(msg, size, "the policy document is not an object (with Version and a Statement list)");
        return msg;
    }
    if (is_unknown(statements))
        return NULL;
    if (!json_is_array(statements) || json_array_size(statements) == 0) {
        snprintf(msg, size, "the policy document needs a Statement list with at least one statement");
        return msg;
    }
    json_array_foreach(statements, i, st)
        if (statement_problem(st, i, msg, size))
            return msg;
    return NULL;
}

/* ---- the least-privilege rule ----
 *
 * An inline policy statement that Allows, on "Resource": "*" and with no Condition, an action that the
 * pipeline's services let a policy scope to one resource is refused: every S3 or DynamoDB action at once
 * ("s3:*", "dynamodb:*"), passing roles (iam:PassRole) and invoking functions (lambda:InvokeFunction). An
 * action pattern counts when it covers one of these ("*", "iam:*", "iam:Pass*", "lambda:Invoke*" do).
 * Single S3 and DynamoDB actions are left alone: some (s3:ListAllMyBuckets, dynamodb:ListTables) only work
 * on "*". MediaConvert is left alone too: its endpoints and job calls are commonly granted on "*". */
static const char *const sensitive_actions[] = {
    "s3:*", "dynamodb:*", "iam:PassRole", "lambda:InvokeFunction", NULL,
};

static char *lower(const char *s)
{
    char *out = vp_xstrdup(s);

    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

/* The sensitive action the pattern covers (IAM matches action names without regard to case), or NULL. */
static const char *covered_action(const char *pattern)
{
    char *p = lower(pattern);
    const char *hit = NULL;

    for (size_t i = 0; sensitive_actions[i] && !hit; i++) {
        char *a = lower(sensitive_actions[i]);
        if (fnmatch(p, a, 0) == 0)
            hit = sensitive_actions[i];
        free(a);
    }
    free(p);
    return hit;
}

/* The value (a string or a list of strings) holds s; or, with s NULL, its first string covering a
 * sensitive action. */
static const char *find_value(const json_t *v, const char *s)
{
    const json_t *item;
    size_t i;

    if (json_is_string(v))
        return (s ? strcmp(json_string_value(v), s) == 0 : covered_action(json_string_value(v)) != NULL)
                   ? json_string_value(v) : NULL;
    json_array_foreach(v, i, item) {
        const char *hit = find_value(item, s);
        if (hit)
            return hit;
    }
    return NULL;
}

const char *ir_policy_too_broad(const json_t *doc, char *msg, size_t size)
{
    const json_t *st;
    size_t i;

    json_array_foreach(json_object_get(doc, "Statement"), i, st) {
        const char *effect = json_string_value(json_object_get(st, "Effect")), *action, *covers;

        if (!effect || strcmp(effect, "Allow") != 0 || json_object_get(st, "Condition") ||
            !find_value(json_object_get(st, "Resource"), "*"))
            continue;
        if (!(action = find_value(json_object_get(st, "Action"), NULL)))
            continue;
        covers = covered_action(action);
        snprintf(msg, size, "Statement[%zu] allows '%s'%s%s%s on every resource (\"Resource\": \"*\") with no "
                 "Condition: name the resources it needs (their ARNs), or add a Condition", i, action,
                 strcmp(covers, action) ? " (which includes " : "", strcmp(covers, action) ? covers : "",
                 strcmp(covers, action) ? ")" : "");
        return msg;
    }
    return NULL;
}

int ir_prepare_want(json_t *want, struct vp_err *err)
{
    json_t *policies = json_object_get(want, "inline_policies"), *arns = json_object_get(want, "managed_policy_arns");
    const char *name;
    json_t *v;

    (void)err;
    if (json_object_get(want, "assume_role_policy"))
        json_object_set_new(want, "assume_role_policy",
                            ir_policy_normalize(json_object_get(want, "assume_role_policy")));
    json_object_foreach(policies, name, v)
        json_object_set_new(policies, name, ir_policy_normalize(v));
    if (json_is_array(arns) && !vp_json_has_unknown(arns))
        json_object_set_new(want, "managed_policy_arns", ir_sorted_strings(arns));
    return 0;
}

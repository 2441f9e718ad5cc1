/* lambda_permission_schema.c: the lambda_permission type's attributes, as data (see s3_bucket_schema.c). The
 * operations are in lambda_permission.c. Lambda has no UpdatePermission, so every attribute replaces. */
#include <stdio.h>
#include <string.h>

#include "resources/schemas.h"
#include "spec/spec.h"

/* AddPermission's StatementId: [A-Za-z0-9_-]{1,100}. */
static const char *check_statement_id(const char *id)
{
    size_t n = strlen(id);

    if (n < 1 || n > 100)
        return "a statement id is 1 to 100 characters long";
    if (strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n)
        return "a statement id holds only letters, digits, '_' and '-'";
    return NULL;
}

/* AddPermission's Action: (lambda:[*]|lambda:[a-zA-Z]+|[*]). */
static const char *check_action(const char *action)
{
    const char *op = action + 7;

    if (strcmp(action, "*") == 0 || strcmp(action, "lambda:*") == 0)
        return NULL;
    if (strncmp(action, "lambda:", 7) != 0 || !*op ||
        strspn(op, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != strlen(op))
        return "an action is lambda:OPERATION (lambda:InvokeFunction), lambda:* or *";
    return NULL;
}

static const char *check_account(const char *account)
{
    if (strlen(account) != 12 || strspn(account, "0123456789") != 12)
        return "an AWS account id is 12 digits";
    return NULL;
}

/* The function's name or ARN never holds '/', which separates it from the statement id in the physical id. */
static const char *check_function(const char *function)
{
    return strchr(function, '/') ? "a function name or ARN holds no '/'" : NULL;
}

const struct vp_attr vp_lambda_permission_attrs[] = {
    { .name = "function", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true, .min = 1, .max = 140,
      .check = check_function,
      .doc = "The function whose policy gets the statement: its name or ARN (usually ${FUNCTION.arn})." },
    { .name = "statement_id", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true,
      .check = check_statement_id,
      .doc = "The statement's Sid, unique in the function's policy: 1-100 of letters, digits, '_' and '-'." },
    { .name = "action", .kind = VP_K_STRING, .on_change = VP_REPLACE, .default_json = "\"lambda:InvokeFunction\"",
      .check = check_action, .doc = "What the principal may do: lambda:InvokeFunction." },
    { .name = "principal", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true, .min = 1, .max = 256,
      .doc = "Who may: a service (s3.amazonaws.com, events.amazonaws.com, apigateway.amazonaws.com) or an "
             "account id." },
    { .name = "source_arn", .kind = VP_K_STRING, .on_change = VP_REPLACE, .min = 1, .max = 1024,
      .doc = "Only on behalf of this resource: the bucket's ARN, the rule's ARN, or an API's execute-api ARN "
             "pattern (arn:aws:execute-api:REGION:ACCOUNT:API_ID/*/*)." },
    { .name = "source_account", .kind = VP_K_STRING, .on_change = VP_REPLACE, .check = check_account,
      .doc = "Only on behalf of this account (12 digits): required with s3.amazonaws.com, since a bucket's name "
             "can be taken by another account once the bucket is deleted." },
    { .name = "id", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "FUNCTION/STATEMENT_ID: the permission's physical id." },
    { 0 }
};

static bool is_known(const json_t *v)
{
    return json_is_string(v) && strcmp(json_string_value(v), VP_UNKNOWN_VALUE) != 0;
}

/* S3 invokes on behalf of a bucket name, and a deleted bucket's name can be taken by another account: without
 * the owner's account as a condition, that account's bucket could invoke the function (a confused deputy).
 * AWS recommends source_account for s3.amazonaws.com; vidpipe requires it. */
int vp_lambda_permission_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *principal = json_object_get(values, "principal");
    const json_t *account = json_object_get(values, "source_account");

    *attr = NULL;
    if (is_known(principal) && strcmp(json_string_value(principal), "s3.amazonaws.com") == 0 &&
        (!account || json_is_null(account))) {
        *attr = "principal";
        snprintf(msg, size, "principal s3.amazonaws.com needs source_account (the bucket owner's 12-digit account "
                 "id): a deleted bucket's name can be taken by another account, whose bucket could then invoke "
                 "the function");
        return -1;
    }
    return 0;
}

/* iam_role_schema.c: the iam_role type's attributes, as data (see s3_bucket_schema.c), and its rules across
 * attributes. The operations are in iam_role.c; policy documents in iam_role_policy.c. */
#include <stdio.h>
#include <string.h>

#include "resources/iam_role.h"
#include "resources/naming.h"
#include "resources/schemas.h"

/* One document: a policy IAM can take, and for an inline policy (name not NULL) not too broad. */
static int check_document(const json_t *doc, const char *name, char *msg, size_t size)
{
    json_t *canonical = ir_policy_normalize(doc);
    char why[240];
    int ret = 0;

    if (ir_policy_problem(canonical, why, sizeof(why)) || (name && ir_policy_too_broad(canonical, why, sizeof(why)))) {
        if (name)
            snprintf(msg, size, "inline policy '%s': %s", name, why);
        else
            snprintf(msg, size, "assume_role_policy: %s", why);
        ret = -1;
    }
    json_decref(canonical);
    return ret;
}

/* Every policy document has a Statement list of statements with an Effect and an Action; no inline policy
 * grants a sensitive action on every resource without a Condition (iam_role_policy.c has the rule). The
 * provider applies the same rules to what reaches it without a spec (iam_role.c). */
int vp_iam_role_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *trust = json_object_get(values, "assume_role_policy"), *doc;
    const char *name;

    *attr = NULL;
    if (trust && !json_is_null(trust) && check_document(trust, NULL, msg, size) < 0) {
        *attr = "assume_role_policy";
        return -1;
    }
    json_object_foreach((json_t *)json_object_get(values, "inline_policies"), name, doc) {
        if (check_document(doc, name, msg, size) < 0) {
            *attr = "inline_policies";
            return -1;
        }
    }
    return 0;
}

const struct vp_attr vp_iam_role_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true,
      .check = vp_check_iam_role_name, .doc = "The role's name, unique in the account (IAM is global)." },
    { .name = "path", .kind = VP_K_STRING, .on_change = VP_REPLACE, .default_json = "\"/\"",
      .check = vp_check_iam_path, .doc = "The role's path, part of its ARN: \"/\" or \"/a/b/\"." },
    { .name = "description", .kind = VP_K_STRING, .default_json = "\"\"", .min = 0, .max = 1000,
      .doc = "A description." },
    { .name = "assume_role_policy", .kind = VP_K_JSON, .required = true,
      .doc = "The trust policy: who may assume the role, as a policy document ({Version, Statement: [{Effect: "
             "Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}), or its JSON text." },
    { .name = "inline_policies", .kind = VP_K_MAP, .elem_kind = VP_K_JSON, .default_json = "{}",
      .check = vp_check_iam_policy_name,
      .doc = "Policies embedded in the role: policy name to policy document. A statement that Allows s3:*, "
             "dynamodb:*, iam:PassRole or lambda:InvokeFunction on \"Resource\": \"*\" needs a Condition." },
    { .name = "managed_policy_arns", .kind = VP_K_LIST, .elem_kind = VP_K_STRING, .default_json = "[]",
      .check = vp_check_iam_policy_arn,
      .doc = "The ARNs of the managed policies attached to the role, compared as a set." },
    { .name = "max_session_duration", .kind = VP_K_INT, .default_json = "3600", .min = 3600, .max = 43200,
      .doc = "The longest session, in seconds, that assuming the role gives (3600 to 43200)." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "The role's ARN, as lambda_function's role takes it." },
    { .name = "unique_id", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "IAM's stable id of the role (AROA...): it changes when the role is re-created under the same name." },
    { 0 }
};

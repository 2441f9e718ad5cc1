/* iam_role.h: the iam_role provider's parts (internal to src/resources/iam_role*.c). */
#ifndef VP_RESOURCES_IAM_ROLE_H
#define VP_RESOURCES_IAM_ROLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/proto.h"
#include "engine/resource.h"

/* iam_role_policy.c: policy documents */
/* A policy document in the canonical shape both sides of a diff are brought to (a new reference): a JSON text
 * parsed; Statement a list; Action, NotAction, Resource, NotResource, each Principal value and each Condition
 * value one string when it holds one, else a sorted list without duplicates (Condition numbers and booleans as
 * strings); an empty Sid dropped. Anything that is not a policy document is returned as it is (a copy). */
json_t *ir_policy_normalize(const json_t *doc);
/* NULL when doc (after ir_policy_normalize) is a policy document IAM can take, else why not, in msg. A
 * value still unknown passes. */
const char *ir_policy_problem(const json_t *doc, char *msg, size_t size);
/* NULL when no statement of doc grants a sensitive action on every resource without a Condition, else the
 * reason in msg (naming the statement's index and the action). See iam_role_policy.c for the rule. */
const char *ir_policy_too_broad(const json_t *doc, char *msg, size_t size);
/* The type's prepare_want: the policies normalised, managed_policy_arns sorted. */
int ir_prepare_want(json_t *want, struct vp_err *err);
/* Every string of list, sorted, without duplicates (a new array). */
json_t *ir_sorted_strings(const json_t *list);

/* iam_role_read.c: calls and reading */
/* One IAM call; *out (may be NULL: dropped) is the parsed answer, for vp_xml_free. */
int ir_call(struct vp_call *c, const char *action, const struct vp_kvlist *params, struct vp_xml_doc **out);
/* The role as the attribute table describes it; *live NULL when there is no such role. */
int ir_read(struct vp_call *c, const char *name, json_t **live);
/* Each inline policy name and each attached policy ARN of the role (new arrays; [] when the role is gone). */
int ir_list_inline(struct vp_call *c, const char *name, json_t **names);
int ir_list_attached(struct vp_call *c, const char *name, json_t **arns);
/* Waits until GetRole finds the role (IAM is eventually consistent: a new role is not visible at once). */
int ir_wait_exists(struct vp_call *c, const char *name);
/* Waits until GetRole no longer finds it. */
int ir_wait_gone(struct vp_call *c, const char *name);

#endif

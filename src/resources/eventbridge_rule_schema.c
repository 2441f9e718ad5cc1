/* eventbridge_rule_schema.c: the eventbridge_rule type's attributes, as data (see s3_bucket_schema.c). The
 * operations are in eventbridge_rule.c. */
#include <stdio.h>
#include <string.h>

#include "resources/naming.h"
#include "resources/schemas.h"
#include "spec/spec.h"

#define MAX_TARGETS 5   /* EventBridge's quota of targets per rule, which cannot be raised */

static const char *const states[] = { "ENABLED", "DISABLED", NULL };

/* Rule names and target ids: 1-64 of letters, digits, '.', '-' and '_'. */
static const char *check_name(const char *name)
{
    size_t n = strlen(name);

    if (n < 1 || n > 64)
        return "a rule name or target id is 1 to 64 characters long";
    if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_") != n)
        return "a rule name or target id holds only letters, digits, '.', '-' and '_'";
    return NULL;
}

/* A target's constant input is JSON text, passed to the target instead of the event. */
static const char *check_input(const char *input)
{
    json_error_t jerr;
    json_t *v;

    if (strcmp(input, VP_UNKNOWN_VALUE) == 0)
        return NULL;
    v = json_loads(input, JSON_DECODE_ANY, &jerr);
    json_decref(v);
    return v ? NULL : "a target's input is JSON text (\"{\\\"stack\\\": \\\"dev\\\"}\")";
}

static const struct vp_attr target_fields[] = {
    { .name = "id", .kind = VP_K_STRING, .required = true, .check = check_name,
      .doc = "The target's id, unique among the rule's targets." },
    { .name = "arn", .kind = VP_K_STRING, .required = true, .min = 1, .max = 1600,
      .doc = "What the rule invokes: a Lambda function's ARN (which needs a lambda_permission for "
             "events.amazonaws.com), a queue's, a topic's, ..." },
    { .name = "input", .kind = VP_K_STRING, .min = 1, .max = 8192, .check = check_input,
      .doc = "Constant JSON text passed to the target instead of the event; absent: the event itself." },
    { 0 }
};

const struct vp_attr vp_eventbridge_rule_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true, .check = check_name,
      .doc = "The rule's name, unique on its event bus." },
    { .name = "description", .kind = VP_K_STRING, .default_json = "\"\"", .max = 512, .doc = "A description." },
    { .name = "event_bus", .kind = VP_K_STRING, .on_change = VP_REPLACE, .default_json = "\"default\"", .min = 1,
      .max = 1600, .doc = "The event bus (name or ARN) the rule watches; AWS services send to the default bus." },
    { .name = "event_pattern", .kind = VP_K_JSON, .required = true,
      .doc = "The events that match, as a JSON object ({source: [aws.mediaconvert], detail: {status: "
             "[COMPLETE]}}), compared as JSON." },
    { .name = "state", .kind = VP_K_STRING, .default_json = "\"ENABLED\"", .enum_values = states,
      .doc = "ENABLED, or DISABLED to stop matching without deleting the rule." },
    { .name = "targets", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = target_fields, .default_json = "[]",
      .doc = "What matching events are sent to (at most 5)." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "The rule's ARN." },
    { 0 }
};

static bool is_unknown(const json_t *v)
{
    return json_is_string(v) && strcmp(json_string_value(v), VP_UNKNOWN_VALUE) == 0;
}

static int fail(char *msg, size_t size, const char **attr, const char *at, const char *text, const char *arg)
{
    *attr = at;
    snprintf(msg, size, text, arg);
    return -1;
}

/* EventBridge refuses these at apply time; target ids are also how plans match targets. */
int vp_eventbridge_rule_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *pattern = json_object_get(values, "event_pattern"), *targets = json_object_get(values, "targets");
    const json_t *t;
    size_t i, j;

    *attr = NULL;
    if (pattern && !json_is_null(pattern) && !is_unknown(pattern) &&
        (!json_is_object(pattern) || json_object_size(pattern) == 0))
        return fail(msg, size, attr, "event_pattern", "%s", "event_pattern is a JSON object with at least one "
                    "field (source: [aws.mediaconvert], ...)");
    if (json_array_size(targets) > MAX_TARGETS)
        return fail(msg, size, attr, "targets", "%s", "a rule has at most 5 targets");
    json_array_foreach(targets, i, t) {
        const char *id = json_string_value(json_object_get(t, "id"));
        for (j = 0; id && j < i; j++) {
            const char *other = json_string_value(json_object_get(json_array_get(targets, j), "id"));
            if (other && strcmp(id, other) == 0)
                return fail(msg, size, attr, "targets", "two targets have the id '%s'", id);
        }
    }
    return 0;
}

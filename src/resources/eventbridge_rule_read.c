/* eventbridge_rule_read.c: a rule as the attribute table describes it, from DescribeRule (whose EventPattern is
 * a JSON document inside a string), ListTargetsByRule and ListTagsForResource. */
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/eventbridge_rule.h"

int ebr_call(struct vp_call *c, const char *operation, json_t *in, json_t **out)
{
    json_t *answer = NULL;
    int ret = vp_json_call(c->aws, &vp_svc_eventbridge, operation, in, &answer, c->err);

    if (out)
        *out = answer;
    else
        json_decref(answer);
    return ret;
}

int ebr_parse_id(struct vp_call *c, const char *id, struct ebr_id *r)
{
    const char *slash = strrchr(id, '/');

    if (!*id || (slash && (slash == id || !slash[1])))
        return vp_fail(c->err, VP_E_AWS, "'%s' is not an eventbridge_rule id (NAME, or EVENT_BUS/NAME)", id);
    r->bus = slash ? vp_xstrndup(id, (size_t)(slash - id)) : vp_xstrdup("default");
    r->name = vp_xstrdup(slash ? slash + 1 : id);
    return 0;
}

char *ebr_id_of(const char *bus, const char *name)
{
    return !bus || strcmp(bus, "default") == 0 ? vp_xstrdup(name) : vp_xasprintf("%s/%s", bus, name);
}

void ebr_id_release(struct ebr_id *r)
{
    free(r->bus);
    free(r->name);
}

json_t *ebr_rule_input(const struct ebr_id *r)
{
    return json_pack("{s:s, s:s}", "Rule", r->name, "EventBusName", r->bus);
}

static json_t *target_from_aws(const json_t *t)
{
    json_t *item = json_pack("{s:s, s:s}", "id", vp_res_str(t, "Id") ? vp_res_str(t, "Id") : "", "arn",
                             vp_res_str(t, "Arn") ? vp_res_str(t, "Arn") : "");

    if (vp_res_str(t, "Input"))
        json_object_set_new(item, "input", json_string(vp_res_str(t, "Input")));
    return item;
}

static int add_targets(json_t *page, void *ctx, struct vp_err *err)
{
    json_t *targets = ctx, *t;
    size_t i;

    (void)err;
    json_array_foreach(json_object_get(page, "Targets"), i, t)
        json_array_append_new(targets, target_from_aws(t));
    return 0;
}

int ebr_read_targets(struct vp_call *c, const struct ebr_id *r, json_t **targets)
{
    json_t *in = ebr_rule_input(r);
    int ret;

    *targets = json_array();
    ret = vp_json_paginate(c->aws, &vp_svc_eventbridge, "ListTargetsByRule", in, "NextToken", "NextToken",
                           add_targets, *targets, c->err);
    json_decref(in);
    if (ret < 0 && vp_res_err_is(c->err, "ResourceNotFoundException")) {
        vp_err_clear(c->err);
        json_array_clear(*targets);
        return 0;
    }
    if (ret < 0) {
        json_decref(*targets);
        *targets = NULL;
    }
    return ret;
}

static int read_tags(struct vp_call *c, const char *arn, json_t **tags)
{
    json_t *in = json_pack("{s:s}", "ResourceARN", arn), *out = NULL;
    int ret = ebr_call(c, "ListTagsForResource", in, &out);

    json_decref(in);
    *tags = ret == 0 ? vp_res_tags_from_list(json_object_get(out, "Tags")) : NULL;
    json_decref(out);
    return ret;
}

/* DescribeRule's answer in the attribute table's shape (targets and tags aside). */
static int live_from_rule(struct vp_call *c, const struct ebr_id *r, const json_t *rule, json_t **live)
{
    const char *text = vp_res_str(rule, "EventPattern"), *description = vp_res_str(rule, "Description");
    const char *state = vp_res_str(rule, "State");
    json_error_t jerr;
    json_t *pattern = text ? json_loads(text, 0, &jerr) : json_null();

    if (!pattern)
        return vp_fail(c->err, VP_E_AWS_RESPONSE, "rule '%s': its EventPattern is not JSON: %s", r->name, jerr.text);
    *live = json_pack("{s:s, s:s, s:s, s:o, s:s}", "name", r->name, "description", description ? description : "",
                      "event_bus", r->bus, "event_pattern", pattern, "state", state ? state : "");
    if (vp_res_str(rule, "Arn"))
        json_object_set_new(*live, "arn", json_string(vp_res_str(rule, "Arn")));
    return 0;
}

int ebr_read(struct vp_call *c, const struct ebr_id *r, json_t **live)
{
    json_t *in = json_pack("{s:s, s:s}", "Name", r->name, "EventBusName", r->bus), *rule = NULL;
    json_t *targets = NULL, *tags = NULL;
    const char *arn;
    int ret = ebr_call(c, "DescribeRule", in, &rule);

    *live = NULL;
    json_decref(in);
    if (ret < 0) {
        if (!vp_res_err_is(c->err, "ResourceNotFoundException"))
            return -1;
        vp_err_clear(c->err);
        return 0;
    }
    ret = live_from_rule(c, r, rule, live);
    json_decref(rule);
    if (ret < 0)
        return -1;
    arn = vp_res_str(*live, "arn");
    if (ebr_read_targets(c, r, &targets) < 0 || (arn && read_tags(c, arn, &tags) < 0)) {
        json_decref(targets);
        json_decref(*live);
        *live = NULL;
        return -1;
    }
    json_object_set_new(*live, "targets", targets);
    json_object_set_new(*live, "tags", tags ? tags : json_object());
    return 0;
}

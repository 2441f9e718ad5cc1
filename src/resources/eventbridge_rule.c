/* eventbridge_rule.c: the eventbridge_rule type's four operations. A rule is its pattern, state and description
 * (PutRule, which creates or overwrites), its targets (PutTargets and RemoveTargets for what differs,
 * eventbridge_rule_targets.c) and its tags (TagResource and UntagResource). The physical id is the rule's name
 * on the default bus, EVENT_BUS/NAME on another. EventBridge holds the pattern as a string: it is sent as
 * compact JSON and read back parsed, so it compares as JSON, not as text. */
#include <stdlib.h>

#include "base/xalloc.h"
#include "resources/common.h"
#include "resources/eventbridge_rule.h"
#include "resources/schemas.h"
#include "resources/types.h"

static int op_read(struct vp_call *c, const char *id, json_t **live)
{
    struct ebr_id r;
    int ret;

    *live = NULL;
    if (ebr_parse_id(c, id, &r) < 0)
        return -1;
    ret = ebr_read(c, &r, live);
    ebr_id_release(&r);
    return ret < 0 ? vp_res_context(c, "reading rule '%s'", id) : 0;
}

/* PutRule: the whole rule but its targets. Tags only count when the rule is new (PutRule ignores them for an
 * existing rule), so converge_tags() follows in any case. */
static int put_rule(struct vp_call *c, const struct ebr_id *r, const json_t *want, bool with_tags)
{
    char *pattern = json_dumps(json_object_get(want, "event_pattern"), JSON_COMPACT | JSON_ENCODE_ANY);
    const char *description = vp_res_str(want, "description"), *state = vp_res_str(want, "state");
    json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s}", "Name", r->name, "EventBusName", r->bus, "EventPattern",
                           pattern ? pattern : "{}", "State", state ? state : "ENABLED", "Description",
                           description ? description : "");
    json_t *tags = json_object_get(want, "tags");
    int ret;

    if (with_tags && json_object_size(tags))
        json_object_set_new(in, "Tags", vp_res_tags_to_list(tags));
    ret = ebr_call(c, "PutRule", in, NULL);
    json_decref(in);
    free(pattern);
    return ret;
}

static int converge_tags(struct vp_call *c, const char *arn, const json_t *have, const json_t *want)
{
    json_t *remove = json_array(), *set = json_object(), *v, *in;
    const char *key;
    int ret = 0;

    json_object_foreach((json_t *)have, key, v)
        if (!json_object_get(want, key))
            json_array_append_new(remove, json_string(key));
    json_object_foreach((json_t *)want, key, v)
        if (!json_equal(v, json_object_get(have, key)))
            json_object_set(set, key, v);
    if (json_array_size(remove)) {
        in = json_pack("{s:s, s:O}", "ResourceARN", arn, "TagKeys", remove);
        ret = ebr_call(c, "UntagResource", in, NULL);
        json_decref(in);
    }
    if (ret == 0 && json_object_size(set)) {
        in = json_pack("{s:s, s:o}", "ResourceARN", arn, "Tags", vp_res_tags_to_list(set));
        ret = ebr_call(c, "TagResource", in, NULL);
        json_decref(in);
    }
    json_decref(remove);
    json_decref(set);
    return ret;
}

static bool rule_changed(const json_t *want, const json_t *have)
{
    return vp_res_changed(want, have, "event_pattern") || vp_res_changed(want, have, "state") ||
           vp_res_changed(want, have, "description");
}

/* Makes the rule match want: the rule itself when new or changed, then its targets, then its tags; each
 * decided on a fresh read. */
static int converge(struct vp_call *c, const struct ebr_id *r, const json_t *want, bool creating, json_t **live)
{
    json_t *have;
    int ret = 0;

    if (creating && put_rule(c, r, want, true) < 0)
        return -1;
    if (ebr_read(c, r, &have) < 0)
        return -1;
    if (!have)
        return vp_fail(c->err, VP_E_AWS, "%s: rule '%s' does not exist (deleted outside vidpipe?)", c->address,
                       r->name);
    if (!creating && rule_changed(want, have))
        ret = put_rule(c, r, want, false);
    if (ret == 0)
        ret = ebr_converge_targets(c, r, json_object_get(have, "targets"), json_object_get(want, "targets"));
    if (ret == 0 && vp_res_str(have, "arn"))
        ret = converge_tags(c, vp_res_str(have, "arn"), json_object_get(have, "tags"), json_object_get(want, "tags"));
    json_decref(have);
    if (ret < 0 || ebr_read(c, r, live) < 0)
        return -1;
    return *live ? 0 : vp_fail(c->err, VP_E_AWS, "rule '%s' disappeared while vidpipe was configuring it", r->name);
}

/* PutRule on a rule that already exists overwrites it: a rerun after a crash mid-create adopts it. */
static int op_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    struct ebr_id r;

    *id = NULL;
    *live = NULL;
    if (!vp_res_str(want, "name"))
        return vp_fail(c->err, VP_E_AWS, "%s: the rule has no name", c->address);
    r.name = vp_xstrdup(vp_res_str(want, "name"));
    r.bus = vp_xstrdup(vp_res_str(want, "event_bus") ? vp_res_str(want, "event_bus") : "default");
    if (converge(c, &r, want, true, live) < 0) {
        vp_res_context(c, "creating rule '%s'", r.name);
        ebr_id_release(&r);
        return -1;
    }
    *id = ebr_id_of(r.bus, r.name);
    ebr_id_release(&r);
    return 0;
}

static int op_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    struct ebr_id r;
    int ret;

    (void)have;
    *live = NULL;
    if (ebr_parse_id(c, id, &r) < 0)
        return -1;
    ret = converge(c, &r, want, false, live);
    ebr_id_release(&r);
    return ret < 0 ? vp_res_context(c, "updating rule '%s'", id) : 0;
}

/* DeleteRule refuses a rule that still has targets: they go first. */
static int delete_rule(struct vp_call *c, const struct ebr_id *r)
{
    json_t *in;
    int ret;

    if (ebr_remove_all_targets(c, r) < 0)
        return -1;
    in = json_pack("{s:s, s:s}", "Name", r->name, "EventBusName", r->bus);
    ret = ebr_call(c, "DeleteRule", in, NULL);
    json_decref(in);
    if (ret < 0 && vp_res_err_is(c->err, "ResourceNotFoundException")) {
        vp_err_clear(c->err);
        return 0;
    }
    return ret;
}

static int op_delete(struct vp_call *c, const char *id, const json_t *have)
{
    struct ebr_id r;
    int ret;

    (void)have;
    if (ebr_parse_id(c, id, &r) < 0)
        return -1;
    ret = delete_rule(c, &r);
    ebr_id_release(&r);
    return ret < 0 ? vp_res_context(c, "deleting rule '%s'", id) : 0;
}

const struct vp_resource_type vp_type_eventbridge_rule = {
    .type = "eventbridge_rule", .attrs = vp_eventbridge_rule_attrs, .id_attr = "name",
    .doc = "An EventBridge rule: an event pattern (MediaConvert job state changes, ...), its targets and tags. "
           "Its id is NAME on the default event bus, EVENT_BUS/NAME on another.",
    .check = vp_eventbridge_rule_check,
    .read = op_read, .create = op_create, .update = op_update, .delete = op_delete,
    .read_rounds = 3,
};

/* eventbridge_rule_targets.c: a rule's targets, matched by id: PutTargets replaces a target of the same id
 * whole, RemoveTargets drops targets by id. Both answer 200 with FailedEntryCount for entries they refused. */
#include <string.h>

#include "resources/common.h"
#include "resources/eventbridge_rule.h"

/* At most 10 targets per PutTargets and 100 ids per RemoveTargets; a rule holds at most 5 targets. */
#define PUT_BATCH 10
#define REMOVE_BATCH 100

static const json_t *find_target(const json_t *list, const char *id)
{
    json_t *t;
    size_t i;

    json_array_foreach(list, i, t)
        if (vp_res_str(t, "id") && strcmp(vp_res_str(t, "id"), id) == 0)
            return t;
    return NULL;
}

static json_t *target_to_aws(const json_t *t)
{
    json_t *out = json_pack("{s:s, s:s}", "Id", vp_res_str(t, "id"), "Arn", vp_res_str(t, "arn"));

    if (vp_res_str(t, "input"))
        json_object_set_new(out, "Input", json_string(vp_res_str(t, "input")));
    return out;
}

/* A call that may refuse some of its entries: the first refusal becomes the error. */
static int batch_call(struct vp_call *c, const char *operation, const struct ebr_id *r, const char *key,
                      json_t *entries)
{
    json_t *in = ebr_rule_input(r), *out = NULL, *failed;
    int ret;

    json_object_set(in, key, entries);
    ret = ebr_call(c, operation, in, &out);
    json_decref(in);
    if (ret == 0 && vp_res_int(out, "FailedEntryCount") > 0) {
        failed = json_array_get(json_object_get(out, "FailedEntries"), 0);
        ret = vp_fail(c->err, VP_E_AWS, "%s: %s refused target '%s' of rule '%s': %s: %s", c->address, operation,
                      vp_res_str(failed, "TargetId") ? vp_res_str(failed, "TargetId") : "?", r->name,
                      vp_res_str(failed, "ErrorCode") ? vp_res_str(failed, "ErrorCode") : "?",
                      vp_res_str(failed, "ErrorMessage") ? vp_res_str(failed, "ErrorMessage") : "no reason given");
    }
    json_decref(out);
    return ret;
}

/* Sends entries in batches of at most size. */
static int in_batches(struct vp_call *c, const char *operation, const struct ebr_id *r, const char *key,
                      const json_t *entries, size_t size)
{
    for (size_t start = 0; start < json_array_size(entries); start += size) {
        json_t *batch = json_array();
        int ret;

        for (size_t i = start; i < start + size && i < json_array_size(entries); i++)
            json_array_append(batch, json_array_get(entries, i));
        ret = batch_call(c, operation, r, key, batch);
        json_decref(batch);
        if (ret < 0)
            return -1;
    }
    return 0;
}

int ebr_converge_targets(struct vp_call *c, const struct ebr_id *r, const json_t *have, const json_t *want)
{
    json_t *remove = json_array(), *put = json_array(), *t;
    size_t i;
    int ret = 0;

    json_array_foreach(have, i, t)
        if (vp_res_str(t, "id") && !find_target(want, vp_res_str(t, "id")))
            json_array_append_new(remove, json_string(vp_res_str(t, "id")));
    json_array_foreach(want, i, t) {
        const json_t *old = vp_res_str(t, "id") ? find_target(have, vp_res_str(t, "id")) : NULL;
        if (!old || vp_res_changed(t, old, "arn") || vp_res_changed(t, old, "input"))
            json_array_append_new(put, target_to_aws(t));
    }
    /* removals first: a rule holds at most 5 targets, so a swap must make room */
    if (json_array_size(remove))
        ret = in_batches(c, "RemoveTargets", r, "Ids", remove, REMOVE_BATCH);
    if (ret == 0 && json_array_size(put))
        ret = in_batches(c, "PutTargets", r, "Targets", put, PUT_BATCH);
    json_decref(remove);
    json_decref(put);
    return ret;
}

int ebr_remove_all_targets(struct vp_call *c, const struct ebr_id *r)
{
    json_t *have, *none = json_array();
    int ret;

    if (ebr_read_targets(c, r, &have) < 0) {
        json_decref(none);
        return -1;
    }
    ret = ebr_converge_targets(c, r, have, none);
    json_decref(have);
    json_decref(none);
    return ret;
}

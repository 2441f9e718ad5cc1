/* state.c: the state document: made, checked and edited here; stored by the backends (backend_*.c). */
#include "engine/state.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#ifndef VP_VERSION
#define VP_VERSION "unknown"
#endif

/* A random (version 4) UUID, for lineages and lock ids. */
void vp_uuid4(char out[37])
{
    unsigned char b[16];

    if (RAND_bytes(b, sizeof b) != 1)
        memset(b, 0, sizeof b);     /* never reached in practice; an all-zero id is still well-formed */
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

json_t *vp_state_new(const char *stack)
{
    char lineage[37];

    vp_uuid4(lineage);
    return json_pack("{s:i, s:i, s:s, s:s, s:s, s:[], s:{}}", "format_version", VP_STATE_FORMAT_VERSION,
                     "serial", 0, "lineage", lineage, "stack", stack ? stack : "", "vidpipe_version", VP_VERSION,
                     "resources", "outputs");
}

static int check_resource(const json_t *r, size_t i, const char *where, struct vp_err *err)
{
    const char *fields[] = { "address", "type", "name" };

    if (!json_is_object(r))
        return vp_fail(err, VP_E_STATE, "state %s: resources[%zu] is not an object", where, i);
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
        if (!json_is_string(json_object_get(r, fields[f])))
            return vp_fail(err, VP_E_STATE, "state %s: resources[%zu] has no %s", where, i, fields[f]);
    if (!json_is_object(json_object_get(r, "attributes")))
        return vp_fail(err, VP_E_STATE, "state %s: resources[%zu] has no attributes", where, i);
    return 0;
}

int vp_state_check(const json_t *state, const char *where, struct vp_err *err)
{
    json_t *version, *resources, *r;
    size_t i;

    if (!json_is_object(state))
        return vp_fail(err, VP_E_STATE, "state %s is not a JSON object", where);
    version = json_object_get(state, "format_version");
    if (!json_is_integer(version))
        return vp_fail(err, VP_E_STATE, "state %s has no format_version: is it a vidpipe state?", where);
    if (json_integer_value(version) > VP_STATE_FORMAT_VERSION)
        return vp_fail(err, VP_E_STATE, "state %s has format %lld, newer than this vidpipe reads (%d): upgrade vidpipe",
                       where, (long long)json_integer_value(version), VP_STATE_FORMAT_VERSION);
    if (json_integer_value(version) < 1)
        return vp_fail(err, VP_E_STATE, "state %s has an invalid format_version", where);
    if (!json_is_integer(json_object_get(state, "serial")) || json_integer_value(json_object_get(state, "serial")) < 0)
        return vp_fail(err, VP_E_STATE, "state %s has no valid serial", where);
    if (!json_is_string(json_object_get(state, "lineage")))
        return vp_fail(err, VP_E_STATE, "state %s has no lineage", where);
    resources = json_object_get(state, "resources");
    if (!json_is_array(resources))
        return vp_fail(err, VP_E_STATE, "state %s has no resources list", where);
    json_array_foreach(resources, i, r)
        if (check_resource(r, i, where, err) < 0)
            return -1;
    return 0;
}

static json_t *find(const json_t *state, const char *address, size_t *index)
{
    json_t *r;
    size_t i;

    json_array_foreach(json_object_get(state, "resources"), i, r) {
        if (strcmp(json_string_value(json_object_get(r, "address")), address) == 0) {
            if (index)
                *index = i;
            return r;
        }
    }
    return NULL;
}

json_t *vp_state_resource(const json_t *state, const char *address)
{
    return state ? find(state, address, NULL) : NULL;
}

void vp_state_put(json_t *state, const char *address, const char *type, const char *name, const char *id,
                  const char *status, const json_t *attributes, const json_t *depends_on)
{
    json_t *resources = json_object_get(state, "resources");
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:o}", "address", address, "type", type, "name", name,
                            "id", id, "status", status ? status : "ready",
                            "attributes", attributes ? json_deep_copy(attributes) : json_object(),
                            "depends_on", depends_on ? json_deep_copy(depends_on) : json_array());
    size_t i;

    if (!json_is_array(resources)) {
        resources = json_array();
        json_object_set_new(state, "resources", resources);
    }
    if (find(state, address, &i))
        json_array_set_new(resources, i, rec);
    else
        json_array_append_new(resources, rec);
}

int vp_state_remove(json_t *state, const char *address)
{
    size_t i;

    if (!state || !find(state, address, &i))
        return -1;
    return json_array_remove(json_object_get(state, "resources"), i) == 0 ? 0 : -1;
}

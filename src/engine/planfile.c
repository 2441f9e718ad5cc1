/* planfile.c: saving a plan and checking it is still true before it is applied. */
#include "engine/planfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/sigv4.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/diff.h"

#define PLAN_FORMAT "vidpipe-plan"

int vp_file_sha256(const char *path, char out[65], struct vp_err *err)
{
    struct vp_buf b = VP_BUF_INIT(256u << 20);

    if (vp_buf_read_file(&b, path, err) < 0)
        return -1;
    vp_sha256_hex(b.data, b.len, out);
    vp_buf_release(&b);
    return 0;
}

bool vp_planfile_is(const char *path)
{
    json_t *doc = json_load_file(path, 0, NULL);
    bool is = json_is_object(doc) && json_is_string(json_object_get(doc, "format")) &&
              strcmp(json_string_value(json_object_get(doc, "format")), PLAN_FORMAT) == 0;

    json_decref(doc);
    return is;
}

static json_t *change_record(const struct vp_change *ch)
{
    return json_pack("{s:s, s:s, s:s?, s:O?}", "address", ch->address, "action", vp_action_name(ch->action),
                     "id", ch->id, "before", ch->before);
}

int vp_planfile_write(const char *path, const struct vp_plan *plan, const struct vp_spec *spec,
                      const char *const *targets, size_t n_targets, struct vp_err *err)
{
    char sha[65], *tmp = vp_xasprintf("%s.XXXXXX", path);
    json_t *changes = json_array(), *target_list = json_array(), *doc;
    int fd, ret = -1;

    if (vp_file_sha256(spec->path, sha, err) < 0)
        goto done;
    for (size_t i = 0; i < plan->n; i++)
        json_array_append_new(changes, change_record(&plan->changes[i]));
    for (size_t i = 0; i < n_targets; i++)
        json_array_append_new(target_list, json_string(targets[i]));
    doc = json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:O, s:O, s:b, s:{s:b, s:s, s:I}, s:O}", "format", PLAN_FORMAT,
                    "format_version", 1, "vidpipe_version", VP_VERSION, "spec", "path", spec->path, "sha256", sha,
                    "vars", spec->vars, "targets", target_list, "destroy", plan->destroy, "state", "exists",
                    plan->have_state, "lineage", plan->lineage, "serial", (json_int_t)plan->serial, "changes", changes);
    if ((fd = mkstemp(tmp)) < 0) {
        vp_fail(err, VP_E_IO, "cannot write plan '%s': %s", path, strerror(errno));
    } else if (json_dumpfd(doc, fd, JSON_INDENT(2) | JSON_SORT_KEYS) < 0 || fsync(fd) < 0 || close(fd) < 0 ||
               rename(tmp, path) < 0) {
        vp_fail(err, VP_E_IO, "cannot write plan '%s': %s", path, strerror(errno));
        unlink(tmp);
    } else {
        ret = 0;
    }
    json_decref(doc);
done:
    json_decref(changes);
    json_decref(target_list);
    free(tmp);
    return ret;
}

int vp_planfile_read(const char *path, struct vp_planfile *pf, struct vp_err *err)
{
    json_error_t jerr;

    memset(pf, 0, sizeof(*pf));
    pf->doc = json_load_file(path, 0, &jerr);
    if (!vp_planfile_is(path) || !pf->doc) {
        json_decref(pf->doc);
        pf->doc = NULL;
        return vp_fail(err, VP_E_PARSE, "'%s' is not a saved vidpipe plan", path);
    }
    pf->spec_path = json_string_value(json_object_get(json_object_get(pf->doc, "spec"), "path"));
    pf->spec_sha256 = json_string_value(json_object_get(json_object_get(pf->doc, "spec"), "sha256"));
    pf->vars = json_object_get(pf->doc, "vars");
    pf->targets = json_object_get(pf->doc, "targets");
    pf->destroy = json_is_true(json_object_get(pf->doc, "destroy"));
    if (!pf->spec_path || !pf->spec_sha256 || !json_is_object(pf->vars) || !json_is_array(pf->targets)) {
        vp_planfile_release(pf);
        return vp_fail(err, VP_E_PARSE, "saved plan '%s' is incomplete", path);
    }
    return 0;
}

void vp_planfile_release(struct vp_planfile *pf)
{
    json_decref(pf->doc);
    memset(pf, 0, sizeof(*pf));
}

int vp_planfile_check(const struct vp_planfile *pf, const json_t *state, const struct vp_plan *fresh,
                      struct vp_err *err)
{
    json_t *saved_state = json_object_get(pf->doc, "state"), *changes = json_object_get(pf->doc, "changes");
    bool had = json_is_true(json_object_get(saved_state, "exists"));
    const char *lineage = json_string_value(json_object_get(saved_state, "lineage"));
    json_int_t serial = json_integer_value(json_object_get(saved_state, "serial"));

    if (had != (state != NULL) ||
        (state && (strcmp(lineage ? lineage : "", json_string_value(json_object_get(state, "lineage"))) != 0 ||
                   serial != json_integer_value(json_object_get(state, "serial")))))
        return vp_fail(err, VP_E_STATE_STALE_PLAN,
                       "saved plan is stale: the state changed since the plan was made (serial %lld then, %lld now); "
                       "make a new plan", (long long)serial,
                       state ? (long long)json_integer_value(json_object_get(state, "serial")) : -1LL);
    if (json_array_size(changes) != fresh->n)
        return vp_fail(err, VP_E_STATE_STALE_PLAN, "saved plan is stale: the resources changed since it was made");
    for (size_t i = 0; i < fresh->n; i++) {
        json_t *saved = json_array_get(changes, i);
        const struct vp_change *ch = &fresh->changes[i];
        const char *action = json_string_value(json_object_get(saved, "action"));
        if (strcmp(json_string_value(json_object_get(saved, "address")), ch->address) != 0 ||
            strcmp(action ? action : "", vp_action_name(ch->action)) != 0 ||
            !vp_json_same(json_object_get(saved, "before"), ch->before))
            return vp_fail(err, VP_E_STATE_STALE_PLAN,
                           "saved plan is stale: %s changed in AWS since the plan was made; make a new plan",
                           ch->address);
    }
    return 0;
}

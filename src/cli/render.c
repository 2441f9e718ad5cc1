/* render.c: the human and JSON forms of plans, drift and state. Symbols follow Terraform: + create,
 * ~ update in place, -/+ replace, - destroy; values are JSON, sensitive ones masked. */
#include "cli/render.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/diff.h"
#include "spec/spec.h"

#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

void vp_print_json(FILE *out, const json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);

    fprintf(out, "%s\n", text ? text : "null");
    free(text);
}

json_t *vp_json_at_path(const json_t *root, const char *path)
{
    json_t *v = (json_t *)root;
    const char *p = path;

    while (v && *p) {
        size_t n = strcspn(p, ".[");
        if (n) {
            char *key = vp_xstrndup(p, n);
            v = json_object_get(v, key);
            free(key);
            p += n;
        }
        if (*p == '[') {
            const char *close = strchr(p, ']');
            v = json_array_get(v, strtoul(p + 1, NULL, 10));
            p = close ? close + 1 : p + strlen(p);
        }
        if (*p == '.')
            p++;
    }
    return v;
}

static const json_t *secrets;           /* the spec's sensitive values: never shown */

void vp_render_hide(const json_t *values)
{
    secrets = values;
}

static bool is_digest(const json_t *v)
{
    return json_is_string(v) && strncmp(json_string_value(v), "sha256:", 7) == 0;   /* how state keeps a secret */
}

json_t *vp_render_hide_like(const json_t *live, const json_t *prior)
{
    const char *key;
    json_t *item, *out;
    size_t i;

    if (!live)
        return NULL;
    if (is_digest(live) || is_digest(prior))
        return json_string("(sensitive)");
    if (json_is_object(live)) {
        out = json_object();
        json_object_foreach((json_t *)live, key, item)
            json_object_set_new(out, key, vp_render_hide_like(item, json_object_get(prior, key)));
        return out;
    }
    if (json_is_array(live)) {
        out = json_array();
        json_array_foreach(live, i, item)
            json_array_append_new(out, vp_render_hide_like(item, json_array_get(prior, i)));
        return out;
    }
    return json_deep_copy(live);
}

static char *value_text(const json_t *v, const json_t *prior, bool sensitive)
{
    json_t *like, *shown;
    char *text;

    if (sensitive)
        return vp_xstrdup("(sensitive)");
    if (!v)
        return vp_xstrdup("null");
    if (json_is_string(v) && strcmp(json_string_value(v), VP_UNKNOWN_VALUE) == 0)
        return vp_xstrdup(VP_UNKNOWN_VALUE);
    if (is_digest(v))
        return vp_xstrdup("(sensitive)");
    like = vp_render_hide_like(v, prior);
    shown = vp_json_hide_secrets(like, secrets, false);
    if (json_is_string(shown) && strcmp(json_string_value(shown), "(sensitive)") == 0 && !json_equal(shown, v))
        text = vp_xstrdup("(sensitive)");   /* masked whole: shown as a digest is */
    else
        text = json_dumps(shown, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    json_decref(shown);
    json_decref(like);
    return text;
}

char *vp_render_value(const json_t *v)
{
    return value_text(v, NULL, false);
}

char *vp_render_path_value(const struct vp_attr *schema, const json_t *attrs, const json_t *prior, const char *path)
{
    char name[128];
    size_t n = strcspn(path, ".[");
    const struct vp_attr *a;

    snprintf(name, sizeof(name), "%.*s", (int)n, path);
    a = schema ? vp_schema_attr(schema, name) : NULL;
    return value_text(vp_json_at_path(attrs, path), prior ? vp_json_at_path(prior, path) : NULL, a && a->sensitive);
}

static const char *symbol(enum vp_action a)
{
    switch (a) {
    case VP_ACT_CREATE: return "+";
    case VP_ACT_UPDATE: return "~";
    case VP_ACT_REPLACE: return "-/+";
    case VP_ACT_DELETE: return "-";
    default: return " ";
    }
}

static const char *colour(enum vp_action a, bool color)
{
    if (!color)
        return "";
    return a == VP_ACT_CREATE ? GREEN : a == VP_ACT_DELETE || a == VP_ACT_REPLACE ? RED : YELLOW;
}

static bool in_list(const json_t *list, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(list, i, v)
        if (strcmp(json_string_value(v), s) == 0)
            return true;
    return false;
}

static void print_attrs(FILE *out, const struct vp_change *ch, const json_t *obj, const char *sym, bool color,
                        const char *col)
{
    for (const struct vp_attr *a = ch->rt->attrs; a->name; a++) {
        json_t *v = json_object_get(obj, a->name);
        char *text;
        if (!v || (a->on_change == VP_COMPUTED && ch->action != VP_ACT_DELETE))
            continue;
        text = value_text(v, NULL, a->sensitive);
        fprintf(out, "      %s%s%s %-26s = %s\n", col, sym, color ? RESET : "", a->name, text);
        free(text);
    }
}

static void print_change(FILE *out, const struct vp_change *ch, bool color)
{
    static const char *const what[] = {
        [VP_ACT_NOOP] = "no changes", [VP_ACT_CREATE] = "will be created",
        [VP_ACT_UPDATE] = "will be updated in place", [VP_ACT_REPLACE] = "must be replaced",
        [VP_ACT_DELETE] = "will be destroyed",
    };
    const char *col = colour(ch->action, color);
    size_t i;
    json_t *path;

    fprintf(out, "  %s%s%s %s%s%s %s%s\n", col, symbol(ch->action), color ? RESET : "", color ? BOLD : "",
            ch->address, color ? RESET : "", what[ch->action],
            ch->adopting ? " (adopting a create that an earlier run did not confirm)" : "");
    if (ch->action == VP_ACT_CREATE) {
        print_attrs(out, ch, ch->after, "+", color, colour(VP_ACT_CREATE, color));
    } else if (ch->action == VP_ACT_DELETE) {
        if (ch->id)
            fprintf(out, "      id = %s\n", ch->id);
    } else {
        json_array_foreach(ch->changed, i, path) {
            const char *p = json_string_value(path);
            char *before = vp_render_path_value(ch->rt->attrs, ch->before, ch->prior, p);
            char *after = vp_render_path_value(ch->rt->attrs, ch->after, NULL, p);
            fprintf(out, "      %s~%s %-26s = %s -> %s%s%s\n", colour(VP_ACT_UPDATE, color), color ? RESET : "", p,
                    before, after, in_list(ch->replace_paths, p) ? "  # forces replacement" : "",
                    in_list(ch->drifted, p) ? "  (changed outside vidpipe)" : "");
            free(before);
            free(after);
        }
    }
    fputc('\n', out);
}

void vp_render_plan(FILE *out, const struct vp_plan *plan, bool color)
{
    int add, change, destroy;

    if (vp_plan_count(plan, &add, &change, &destroy) == 0) {
        fprintf(out, "No changes. The live resources match the %s.\n", plan->destroy ? "(empty) destroy plan" : "spec");
        return;
    }
    fprintf(out, "vidpipe will perform the following actions:\n\n");
    for (size_t i = 0; i < plan->n; i++)
        if (plan->changes[i].action != VP_ACT_NOOP)
            print_change(out, &plan->changes[i], color);
    fprintf(out, "%sPlan:%s %d to add, %d to change, %d to destroy.\n", color ? BOLD : "", color ? RESET : "", add,
            change, destroy);
}

/* attrs for JSON output: secrets, sensitive attributes and what state keeps as a digest (in prior) masked. */
static json_t *masked(const struct vp_change *ch, const json_t *attrs, const json_t *prior)
{
    json_t *like, *copy;

    if (!attrs)
        return json_null();
    like = vp_render_hide_like(attrs, prior);
    copy = vp_json_hide_secrets(like, secrets, false);
    json_decref(like);
    for (const struct vp_attr *a = ch->rt->attrs; a->name; a++)
        if (a->sensitive && json_object_get(copy, a->name))
            json_object_set_new(copy, a->name, json_string("(sensitive)"));
    return copy;
}

json_t *vp_plan_to_json(const struct vp_plan *plan)
{
    json_t *changes = json_array();
    int add, change, destroy;

    vp_plan_count(plan, &add, &change, &destroy);
    for (size_t i = 0; i < plan->n; i++) {
        const struct vp_change *ch = &plan->changes[i];
        json_t *actions = json_array();
        if (ch->action == VP_ACT_REPLACE) {
            json_array_append_new(actions, json_string("delete"));
            json_array_append_new(actions, json_string("create"));
        } else {
            json_array_append_new(actions, json_string(vp_action_name(ch->action)));
        }
        json_array_append_new(changes, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:o, s:o, s:O, s:O, s:O, s:O, s:b}",
            "address", ch->address, "type", ch->type, "name", ch->name, "id", ch->id,
            "action", vp_action_name(ch->action), "actions", actions,
            "before", masked(ch, ch->before, ch->prior), "after", masked(ch, ch->after, NULL),
            "changed_paths", ch->changed, "replace_paths", ch->replace_paths, "drifted_paths", ch->drifted,
            "depends_on", ch->depends_on, "after_unknown", ch->unknown));
    }
    return json_pack("{s:s, s:b, s:o, s:{s:i, s:i, s:i}}", "format_version", "1", "destroy", plan->destroy,
                     "changes", changes, "summary", "add", add, "change", change, "destroy", destroy);
}

void vp_render_drift(FILE *out, const struct vp_drift *d, bool color)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct vp_drift_item *it = &d->items[i];
        size_t k;
        json_t *path;

        if (it->error) {
            fprintf(out, "  %s!%s %s: could not be read: %s\n\n", color ? RED : "", color ? RESET : "", it->address,
                    it->error);
            continue;
        }
        if (!json_array_size(it->changed))
            continue;
        if (!it->live) {
            fprintf(out, "  %s-%s %s%s%s was deleted outside vidpipe\n\n", color ? RED : "", color ? RESET : "",
                    color ? BOLD : "", it->address, color ? RESET : "");
            continue;
        }
        fprintf(out, "  %s~%s %s%s%s changed outside vidpipe\n", color ? YELLOW : "", color ? RESET : "",
                color ? BOLD : "", it->address, color ? RESET : "");
        json_array_foreach(it->changed, k, path) {
            const char *p = json_string_value(path);
            char *before = vp_render_path_value(NULL, it->prior, NULL, p);
            char *after = vp_render_path_value(NULL, it->live, it->prior, p);
            fprintf(out, "      %s~%s %-26s = %s -> %s\n", color ? YELLOW : "", color ? RESET : "", p, before, after);
            free(before);
            free(after);
        }
        fputc('\n', out);
    }
    if (d->errors)
        fprintf(out, "Drift: %d of %zu resources could not be read; %d drifted.\n", d->errors, d->n, d->drifted);
    else if (d->drifted)
        fprintf(out, "Drift: %d of %zu resources changed outside vidpipe since the last apply.\n", d->drifted, d->n);
    else
        fprintf(out, "No drift: all %zu resources match the last apply.\n", d->n);
}

json_t *vp_drift_to_json(const struct vp_drift *d)
{
    json_t *resources = json_array();

    for (size_t i = 0; i < d->n; i++) {
        const struct vp_drift_item *it = &d->items[i];
        const char *status = it->error ? "error" : !it->live ? "deleted" : json_array_size(it->changed) ? "drifted" : "in_sync";
        json_t *like = vp_render_hide_like(it->live, it->prior);   /* a secret rotated since: still hidden */
        json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:O, s:o?, s:o, s:s?}",
            "address", it->address, "type", it->type, "id", it->id, "status", status,
            "changed_paths", it->changed, "live", vp_json_hide_secrets(like, secrets, false),
            "last_applied", it->prior ? vp_render_hide_like(it->prior, NULL) : json_null(), "error", it->error);
        json_decref(like);
        /* Like error, null unless the read failed. */
        json_object_set_new(r, "error_code", it->error ? json_string(vp_errcode_name(it->error_code)) : json_null());
        json_object_set_new(r, "aws_error_code",
                            it->error && it->aws_code[0] ? json_string(it->aws_code) : json_null());
        json_object_set_new(r, "http_status",
                            it->error && it->http_status ? json_integer(it->http_status) : json_null());
        json_array_append_new(resources, r);
    }
    return json_pack("{s:s, s:i, s:i, s:i, s:o}", "format_version", "1", "resources_checked", (int)d->n,
                     "drifted", d->drifted, "errors", d->errors, "resources", resources);
}

void vp_render_state(FILE *out, const json_t *state, bool color)
{
    size_t i;
    json_t *rec;

    json_array_foreach(json_object_get(state, "resources"), i, rec) {
        const char *status = json_string_value(json_object_get(rec, "status"));
        fprintf(out, "# %s%s%s%s\n", color ? BOLD : "", json_string_value(json_object_get(rec, "address")),
                color ? RESET : "", status && strcmp(status, "ready") ? " (create not confirmed)" : "");
        const char *id = json_string_value(json_object_get(rec, "id"));  /* none: a create AWS names, unconfirmed */
        fprintf(out, "  id = %s\n", id ? id : "(known after the create)");
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(rec, "attributes"), key, v) {
            char *text = value_text(v, NULL, false);
            fprintf(out, "  %-26s = %s\n", key, text);
            free(text);
        }
        fputc('\n', out);
    }
    if (json_object_size(json_object_get(state, "outputs"))) {
        const char *key;
        json_t *v;
        fprintf(out, "Outputs:\n");
        json_object_foreach(json_object_get(state, "outputs"), key, v) {
            char *text = value_text(v, NULL, false);
            fprintf(out, "  %s = %s\n", key, text);
            free(text);
        }
    }
}

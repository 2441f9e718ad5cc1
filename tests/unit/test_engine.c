/* test_engine.c: the engine without AWS: diff paths, dependency order, defaults, and plan/apply/drift
 * against an in-memory provider that can be told to fail, so ordering, skipping after a failure, the
 * "creating" record and state writes are checked exactly. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "engine/diff.h"
#include "engine/engine.h"
#include "engine/graph.h"
#include "engine/state.h"
#include "engine/want.h"
#include "spec/spec.h"
#include "t.h"

/* ---- an in-memory provider: "thing", id attribute "name" ---- */

static const struct vp_attr tag_fields[] = { { .name = "k", .kind = VP_K_STRING }, { 0 } };
static const struct vp_attr thing_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true },
    { .name = "size", .kind = VP_K_INT, .on_change = VP_UPDATE, .default_json = "1" },
    { .name = "note", .kind = VP_K_STRING, .on_change = VP_UPDATE, .default_json = "\"\"" },
    { .name = "rules", .kind = VP_K_LIST, .fields = tag_fields, .on_change = VP_UPDATE, .default_json = "[]" },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .on_change = VP_UPDATE, .default_json = "{}" },
    { .name = "keep", .kind = VP_K_BOOL, .local = true, .default_json = "false" },
    { .name = "secret", .kind = VP_K_STRING, .on_change = VP_UPDATE, .sensitive = true },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED },
    { 0 },
};

static json_t *world;           /* id -> attributes: "AWS" */
static char journal[2048];      /* "create:a update:b delete:c " in the order operations ran */
static const char *fail_on;     /* an id whose operations fail */
/* Operations run on the engine's worker threads: the fake AWS takes a lock, and counts how many run at once.
 * With gather set, an operation waits (up to 5 s) until that many run together, so the count does not depend
 * on how busy the machine is; slow_ms then holds them, giving a wrongly started extra one time to show. */
static pthread_mutex_t world_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t world_cv = PTHREAD_COND_INITIALIZER;
static int in_flight, max_in_flight, slow_ms, gather, parallelism = 4;

static void begin_op(void)
{
    struct timespec deadline;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&world_lock);
    if (++in_flight > max_in_flight)
        max_in_flight = in_flight;
    pthread_cond_broadcast(&world_cv);
    while (max_in_flight < gather && pthread_cond_timedwait(&world_cv, &world_lock, &deadline) == 0)
        ;                           /* only until that many ran together once: later ones go straight on */
    pthread_mutex_unlock(&world_lock);
    if (slow_ms)
        usleep((useconds_t)slow_ms * 1000);
    pthread_mutex_lock(&world_lock);
}

static void end_op(void)
{
    in_flight--;
    pthread_mutex_unlock(&world_lock);
}

static void note(const char *op, const char *id)
{
    strncat(journal, op, sizeof(journal) - strlen(journal) - 1);
    strncat(journal, ":", sizeof(journal) - strlen(journal) - 1);
    strncat(journal, id, sizeof(journal) - strlen(journal) - 1);
    strncat(journal, " ", sizeof(journal) - strlen(journal) - 1);
}

static int thing_read(struct vp_call *c, const char *id, json_t **live)
{
    json_t *v;
    (void)c;
    pthread_mutex_lock(&world_lock);
    v = json_object_get(world, id);
    *live = v ? json_deep_copy(v) : NULL;
    pthread_mutex_unlock(&world_lock);
    return 0;
}

static json_t *stored(const char *id, const json_t *want)
{
    json_t *v = json_deep_copy(want);
    char *arn = vp_xasprintf("arn:test:%s", id);
    json_object_del(v, "keep");         /* a local attribute never reaches AWS */
    json_object_set_new(v, "arn", json_string(arn));
    free(arn);
    return v;
}

static int thing_create(struct vp_call *c, const json_t *want, char **id, json_t **live)
{
    const char *name = json_string_value(json_object_get(want, "name"));
    int rc = 0;

    begin_op();
    note("create", name);
    if (fail_on && strcmp(fail_on, name) == 0) {
        rc = vp_fail(c->err, VP_E_AWS_SERVICE, "create of %s refused", name);
    } else {
        json_object_set_new(world, name, stored(name, want));
        *id = vp_xstrdup(name);
        *live = json_deep_copy(json_object_get(world, name));
    }
    end_op();
    return rc;
}

static int thing_update(struct vp_call *c, const char *id, const json_t *have, const json_t *want, json_t **live)
{
    int rc = 0;

    (void)have;
    begin_op();
    note("update", id);
    if (fail_on && strcmp(fail_on, id) == 0) {
        rc = vp_fail(c->err, VP_E_AWS_SERVICE, "update of %s refused", id);
    } else {
        json_object_set_new(world, id, stored(id, want));
        *live = json_deep_copy(json_object_get(world, id));
    }
    end_op();
    return rc;
}

static int thing_delete(struct vp_call *c, const char *id, const json_t *have)
{
    (void)c, (void)have;
    begin_op();
    note("delete", id);
    json_object_del(world, id);
    end_op();
    return 0;
}

/* prepare_want: a note of "PREPARE" becomes "prepared:NAME" (as lambda_function fills in its zip's hash);
 * with prepare_fails set, it fails. */
static bool prepare_fails;

static int thing_prepare(json_t *want, struct vp_err *err)
{
    const char *note = json_string_value(json_object_get(want, "note"));
    char *prepared;

    if (prepare_fails)
        return vp_fail(err, VP_E_IO, "cannot prepare");
    if (!note || strcmp(note, "PREPARE") != 0)
        return 0;
    prepared = vp_xasprintf("prepared:%s", json_string_value(json_object_get(want, "name")));
    json_object_set_new(want, "note", json_string(prepared));
    free(prepared);
    return 0;
}

static const struct vp_resource_type thing = {
    .type = "thing", .attrs = thing_attrs, .id_attr = "name",
    .read = thing_read, .create = thing_create, .update = thing_update, .delete = thing_delete,
    .prepare_want = thing_prepare,
};
static const struct vp_resource_type *const test_types[] = { &thing, NULL };

/* ---- helpers ---- */

static char dir[] = "/tmp/vp-test-engine-XXXXXX";

static struct vp_spec *load(const char *yaml)
{
    static const struct vp_type_schema schema = { .type = "thing", .attrs = thing_attrs };
    static const struct vp_type_schema *const schemas[] = { &schema, NULL };
    struct vp_spec_options opts = { .types = schemas };
    struct vp_diags diags = VP_DIAGS_INIT;
    struct vp_spec *spec = NULL;
    char *path = vp_xasprintf("%s/spec.yaml", dir);
    FILE *f = fopen(path, "w");

    fputs(yaml, f);
    fclose(f);
    if (vp_spec_load(path, &opts, &spec, &diags) < 0)
        for (size_t i = 0; i < diags.n; i++)
            printf("#   spec: %d:%d: %s\n", diags.items[i].pos.line, diags.items[i].pos.col, diags.items[i].msg);
    vp_diags_release(&diags);
    free(path);
    return spec;
}

struct run {
    struct vp_spec *spec;
    struct vp_backend *backend;
    json_t *state;
    struct vp_plan *plan;
    struct vp_err err;
};

static int plan_and_apply(struct run *r, const char *yaml, bool destroy)
{
    struct vp_engine_opts opts;
    int rc;

    vp_engine_opts_init(&opts);
    opts.parallelism = parallelism;
    vp_spec_free(r->spec);
    vp_plan_free(r->plan);
    r->plan = NULL;
    r->spec = load(yaml);
    if (!r->spec)
        return -2;
    if (!r->state)
        r->state = vp_state_new("t");
    journal[0] = '\0';
    if (vp_engine_plan(NULL, r->spec, r->state, &opts, destroy, &r->plan, &r->err) < 0)
        return -3;
    rc = vp_engine_apply(NULL, r->spec, r->backend, r->state, r->plan, &opts, &r->err);
    return rc;
}

static void run_release(struct run *r)
{
    vp_spec_free(r->spec);
    vp_plan_free(r->plan);
    json_decref(r->state);
    if (r->backend)
        r->backend->free(r->backend);
}

static const struct vp_change *change_of(const struct vp_plan *p, const char *address)
{
    for (size_t i = 0; p && i < p->n; i++)
        if (strcmp(p->changes[i].address, address) == 0)
            return &p->changes[i];
    return NULL;
}

static const char *const two_things =
    "vidpipe: 1\nstack: t\nregion: us-east-1\n"
    "resources:\n"
    "  a:\n    type: thing\n    name: a\n    size: 2\n    rules: [{k: x}]\n"
    "  b:\n    type: thing\n    name: b\n    note: \"${a.arn}\"\n    tags: {from: \"${a.name}\"}\n";

/* ---- tests ---- */

static const struct vp_attr index_fields[] = {
    { .name = "name", .kind = VP_K_STRING, .required = true },
    { .name = "key", .kind = VP_K_STRING },
    { 0 },
};
static const struct vp_attr indexed_attrs[] = {
    { .name = "indexes", .kind = VP_K_LIST, .elem_kind = VP_K_OBJECT, .fields = index_fields, .default_json = "[]" },
    { 0 },
};

/* AWS does not promise the order of named things (DynamoDB's indexes): they compare by name. */
static void named_lists_compare_as_sets(void)
{
    json_t *want = json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}", "indexes", "name", "a", "key", "x", "name", "b", "key", "y");
    json_t *have = json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}", "indexes", "name", "b", "key", "y", "name", "a", "key", "x");
    json_t *changed = json_array();
    char *text;

    EXPECT_INTEQ(0, vp_diff(indexed_attrs, want, have, true, changed, NULL));
    json_object_set_new(json_array_get(json_object_get(have, "indexes"), 0), "key", json_string("z"));
    EXPECT_INTEQ(1, vp_diff(indexed_attrs, want, have, true, changed, NULL));
    text = json_dumps(changed, JSON_COMPACT);
    EXPECT_STREQ("[\"indexes[1].key\"]", text);
    free(text);
    json_decref(want);
    json_decref(have);
    json_decref(changed);
}

/* Independent operations run at once, up to --parallelism; dependent ones wait for what they depend on. */
static void apply_runs_independent_operations_concurrently(void)
{
    struct run r = { 0 };
    char *path = vp_xasprintf("%s/state.json", dir);
    static const char *const six =
        "vidpipe: 1\nstack: t\nregion: us-east-1\nresources:\n"
        "  a: {type: thing, name: a}\n  b: {type: thing, name: b}\n  c: {type: thing, name: c}\n"
        "  d: {type: thing, name: d}\n  e: {type: thing, name: e}\n  f: {type: thing, name: f, note: \"${e.arn}\"}\n";

    world = json_object();
    r.backend = vp_backend_local_new(path);
    slow_ms = 60;
    parallelism = gather = 3;
    max_in_flight = 0;
    EXPECT_INTEQ(0, plan_and_apply(&r, six, false));
    EXPECT_INTEQ(3, max_in_flight);
    EXPECT(strstr(journal, "create:e") < strstr(journal, "create:f"));
    parallelism = gather = 1;
    max_in_flight = 0;
    EXPECT_INTEQ(0, plan_and_apply(&r, six, true));
    EXPECT_INTEQ(1, max_in_flight);
    EXPECT(strstr(journal, "delete:f") < strstr(journal, "delete:e"));
    EXPECT_INTEQ(0, json_object_size(world));
    slow_ms = gather = 0;
    parallelism = 4;
    run_release(&r);
    json_decref(world);
    unlink(path);
    free(path);
}

static void sensitive_values_are_kept_as_digests(void)
{
    json_t *want = json_pack("{s:s, s:s}", "name", "a", "secret", "hunter2");
    json_t *scrubbed = vp_json_scrub(thing_attrs, want), *changed = json_array();
    char *text = json_dumps(scrubbed, JSON_COMPACT);

    EXPECT(strstr(text, "hunter2") == NULL);
    EXPECT(strncmp(json_string_value(json_object_get(scrubbed, "secret")), "sha256:", 7) == 0);
    EXPECT_INTEQ(0, vp_diff(thing_attrs, want, scrubbed, true, changed, NULL));
    json_object_set_new(want, "secret", json_string("hunter3"));
    EXPECT_INTEQ(1, vp_diff(thing_attrs, want, scrubbed, true, changed, NULL));
    free(text);
    json_decref(want);
    json_decref(scrubbed);
    json_decref(changed);
}

static void diff_names_paths(void)
{
    json_t *want = json_pack("{s:s, s:i, s:[{s:s}], s:{s:s, s:s}}", "name", "a", "size", 2, "rules", "k", "x",
                             "tags", "env", "prod", "team", "media");
    json_t *have = json_pack("{s:s, s:f, s:[{s:s}], s:{s:s, s:s}, s:s}", "name", "b", "size", 2.0, "rules", "k", "y",
                             "tags", "env", "dev", "old", "x", "arn", "arn:1");
    json_t *changed = json_array(), *replace = json_array();
    char *text;

    EXPECT_INTEQ(5, vp_diff(thing_attrs, want, have, true, changed, replace));
    text = json_dumps(changed, JSON_COMPACT);
    EXPECT_STREQ("[\"name\",\"rules[0].k\",\"tags.env\",\"tags.team\",\"tags.old\"]", text);
    free(text);
    text = json_dumps(replace, JSON_COMPACT);
    EXPECT_STREQ("[\"name\"]", text);
    free(text);
    json_decref(want);
    json_decref(have);
    json_decref(changed);
    json_decref(replace);
}

static void graph_orders_stably_and_finds_cycles(void)
{
    struct vp_graph g;
    size_t order[4];

    vp_graph_init(&g, 4);
    vp_graph_add_edge(&g, 0, 2);        /* 0 needs 2 */
    vp_graph_add_edge(&g, 1, 0);        /* 1 needs 0 */
    EXPECT_INTEQ(0, vp_graph_order(&g, order));
    EXPECT_INTEQ(2, order[0]);
    EXPECT_INTEQ(0, order[1]);
    EXPECT_INTEQ(1, order[2]);
    EXPECT_INTEQ(3, order[3]);
    vp_graph_add_edge(&g, 2, 1);        /* now a cycle */
    EXPECT_INTEQ(-1, vp_graph_order(&g, order));
    vp_graph_release(&g);
}

static void defaults_fill_nested(void)
{
    json_t *obj = json_pack("{s:s}", "name", "a");

    vp_want_defaults(thing_attrs, obj);
    EXPECT_INTEQ(1, json_integer_value(json_object_get(obj, "size")));
    EXPECT(json_is_array(json_object_get(obj, "rules")));
    EXPECT(json_object_get(obj, "arn") == NULL);
    json_decref(obj);
}

static void apply_creates_in_order_and_resolves_references(void)
{
    struct run r = { 0 };
    char *path = vp_xasprintf("%s/state.json", dir);

    world = json_object();
    r.backend = vp_backend_local_new(path);
    EXPECT_INTEQ(0, plan_and_apply(&r, two_things, false));
    EXPECT_STREQ("create:a create:b ", journal);
    EXPECT_STREQ("arn:test:a", json_string_value(json_object_get(json_object_get(world, "b"), "note")));
    EXPECT_STREQ("a", json_string_value(json_object_get(json_object_get(json_object_get(world, "b"), "tags"), "from")));
    EXPECT_STREQ("create", vp_action_name(change_of(r.plan, "thing.b")->action));
    EXPECT(change_of(r.plan, "thing.b")->unknown);          /* ${a.arn} was unknown at plan time */
    /* the second run has nothing to do */
    EXPECT_INTEQ(0, plan_and_apply(&r, two_things, false));
    EXPECT_STREQ("", journal);
    EXPECT_INTEQ(VP_ACT_NOOP, change_of(r.plan, "thing.a")->action);
    EXPECT_INTEQ(VP_ACT_NOOP, change_of(r.plan, "thing.b")->action);
    /* destroy goes dependents first */
    EXPECT_INTEQ(0, plan_and_apply(&r, two_things, true));
    EXPECT_STREQ("delete:b delete:a ", journal);
    EXPECT_INTEQ(0, json_object_size(world));
    EXPECT_INTEQ(0, json_array_size(json_object_get(r.state, "resources")));
    run_release(&r);
    json_decref(world);
    unlink(path);
    free(path);
}

static void a_failure_skips_dependents_and_keeps_the_record(void)
{
    struct run r = { 0 };
    char *path = vp_xasprintf("%s/state-fail.json", dir);
    const char *three =
        "vidpipe: 1\nstack: t\nregion: us-east-1\nresources:\n"
        "  a:\n    type: thing\n    name: a\n"
        "  b:\n    type: thing\n    name: b\n    note: \"${a.arn}\"\n"
        "  c:\n    type: thing\n    name: c\n";
    json_t *rec, *on_disk;

    world = json_object();
    fail_on = "a";
    r.backend = vp_backend_local_new(path);
    EXPECT_INTEQ(-1, plan_and_apply(&r, three, false));
    EXPECT(strstr(r.err.msg, "create of a refused") != NULL);
    EXPECT(strstr(journal, "create:b") == NULL);        /* b needs a: skipped */
    EXPECT(strstr(journal, "create:c") != NULL);        /* c is independent: done */
    rec = vp_state_resource(r.state, "thing.a");
    EXPECT(rec != NULL);
    EXPECT_STREQ("creating", json_string_value(json_object_get(rec, "status")));
    on_disk = json_load_file(path, 0, NULL);
    EXPECT(vp_state_resource(on_disk, "thing.c") != NULL);  /* written, not only in memory */
    json_decref(on_disk);
    /* the rerun converges: a's "creating" record is read (not there), created; b follows */
    fail_on = NULL;
    EXPECT_INTEQ(0, plan_and_apply(&r, three, false));
    EXPECT_STREQ("create:a create:b ", journal);
    EXPECT_STREQ("ready", json_string_value(json_object_get(vp_state_resource(r.state, "thing.a"), "status")));
    run_release(&r);
    json_decref(world);
    unlink(path);
    free(path);
}

static void drift_compares_live_with_last_applied(void)
{
    struct run r = { 0 };
    char *path = vp_xasprintf("%s/state-drift.json", dir);
    struct vp_engine_opts opts;
    struct vp_drift *d = NULL;
    struct vp_err err = { 0 };

    world = json_object();
    r.backend = vp_backend_local_new(path);
    EXPECT_INTEQ(0, plan_and_apply(&r, two_things, false));
    json_object_set_new(json_object_get(world, "a"), "size", json_integer(9));
    json_object_del(world, "b");
    vp_engine_opts_init(&opts);
    EXPECT_INTEQ(0, vp_engine_drift(NULL, r.state, &opts, &d, &err));
    EXPECT_INTEQ(2, d->drifted);
    EXPECT_INTEQ(0, d->errors);
    for (size_t i = 0; i < d->n; i++) {
        char *text = json_dumps(d->items[i].changed, JSON_COMPACT);
        if (strcmp(d->items[i].address, "thing.a") == 0)
            EXPECT_STREQ("[\"size\"]", text);
        else
            EXPECT_STREQ("[\"(deleted outside vidpipe)\"]", text);
        free(text);
    }
    vp_drift_free(d);
    run_release(&r);
    json_decref(world);
    unlink(path);
    free(path);
}

static void prepare_want_completes_want_for_plan_and_apply(void)
{
    struct run r = { 0 };
    char *path = vp_xasprintf("%s/state-prepare.json", dir);
    const char *spec = "vidpipe: 1\nstack: t\nregion: us-east-1\nresources:\n"
                       "  a:\n    type: thing\n    name: a\n    note: PREPARE\n";

    world = json_object();
    r.backend = vp_backend_local_new(path);
    EXPECT_INTEQ(0, plan_and_apply(&r, spec, false));
    EXPECT_STREQ("prepared:a", json_string_value(json_object_get(change_of(r.plan, "thing.a")->after, "note")));
    EXPECT_STREQ("prepared:a", json_string_value(json_object_get(json_object_get(world, "a"), "note")));
    EXPECT_INTEQ(0, plan_and_apply(&r, spec, false));         /* prepared again: the same, so no change */
    EXPECT_INTEQ(VP_ACT_NOOP, change_of(r.plan, "thing.a")->action);
    prepare_fails = true;
    EXPECT_INTEQ(-3, plan_and_apply(&r, spec, false));        /* the plan fails, naming the resource */
    EXPECT_STREQ("thing.a: cannot prepare", r.err.msg);
    prepare_fails = false;
    run_release(&r);
    json_decref(world);
    unlink(path);
    free(path);
}

/* A create recorded before it started, by a run killed before AWS named it (a permission's or a notification's
 * id is AWS's): the record has no id. The next plan reads nothing for it and creates it (3610-crash.sh). */
static void a_creating_record_without_an_id_is_created(void)
{
    struct run r = { 0 };
    const char *one = "vidpipe: 1\nstack: t\nregion: us-east-1\nresources:\n  a:\n    type: thing\n    name: a\n";
    char *path = vp_xasprintf("%s/state-noid.json", dir);
    json_t *rec;

    world = json_object();
    r.state = vp_state_new("t");
    vp_state_put(r.state, "thing.a", "thing", "a", NULL, "creating", NULL, NULL);
    r.backend = vp_backend_local_new(path);
    EXPECT_INTEQ(0, plan_and_apply(&r, one, false));
    EXPECT_STREQ("create:a ", journal);
    rec = vp_state_resource(r.state, "thing.a");
    EXPECT_STREQ("ready", json_string_value(json_object_get(rec, "status")));
    EXPECT_STREQ("a", json_string_value(json_object_get(rec, "id")));
    run_release(&r);
    json_decref(world);
    unlink(path);
    free(path);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    vp_resource_types_use(test_types);
    T_RUN(diff_names_paths);
    T_RUN(sensitive_values_are_kept_as_digests);
    T_RUN(named_lists_compare_as_sets);
    T_RUN(apply_runs_independent_operations_concurrently);
    T_RUN(graph_orders_stably_and_finds_cycles);
    T_RUN(defaults_fill_nested);
    T_RUN(apply_creates_in_order_and_resolves_references);
    T_RUN(a_failure_skips_dependents_and_keeps_the_record);
    T_RUN(a_creating_record_without_an_id_is_created);
    T_RUN(drift_compares_live_with_last_applied);
    T_RUN(prepare_want_completes_want_for_plan_and_apply);
    { char *rm = vp_xasprintf("rm -rf %s", dir); if (system(rm) != 0) printf("# could not remove %s\n", dir); free(rm); }
    return t_done();
}

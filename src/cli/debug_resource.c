/* debug_resource.c: `vidpipe debug resource TYPE OPERATION ...`: one provider operation (read, create, update,
 * delete) on one resource, without a spec or state, printing what the provider reports as live. Tests drive
 * the providers with it; users can see what vidpipe reads from AWS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "engine/resource.h"
#include "engine/want.h"

static const char usage[] =
    "usage: vidpipe debug resource TYPE read ID\n"
    "       vidpipe debug resource TYPE create WANT.json\n"
    "       vidpipe debug resource TYPE update ID WANT.json\n"
    "       vidpipe debug resource TYPE delete ID [--force-destroy]\n"
    "\n"
    "Runs one operation of a resource type's provider and prints the resource as AWS now has it (JSON, keys\n"
    "sorted; null when it does not exist). WANT.json holds the attributes as a spec would give them ('-' reads\n"
    "standard input); defaults are filled in. update reads the resource first; delete --force-destroy empties\n"
    "a bucket first. VIDPIPE_WAIT_POLL_MS and VIDPIPE_WAIT_TIMEOUT_MS set how often and how long waiters poll.\n";

static void print_live(const json_t *live)
{
    char *text = live ? json_dumps(live, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

    printf("%s\n", text ? text : "null");
    free(text);
}

static long env_ms(const char *name)
{
    const char *v = getenv(name);

    return v ? strtol(v, NULL, 10) : 0;
}

/* WANT.json with the type's defaults filled in. */
static json_t *load_want(const struct vp_resource_type *rt, const char *path, struct vp_err *err)
{
    json_error_t jerr;
    json_t *want = strcmp(path, "-") == 0 ? json_loadf(stdin, 0, &jerr) : json_load_file(path, 0, &jerr);

    if (!json_is_object(want)) {
        json_decref(want);
        vp_fail(err, VP_E_PARSE, "%s: %s", path, want ? "not a JSON object" : jerr.text);
        return NULL;
    }
    vp_want_defaults(rt->attrs, want);
    return want;
}

static int do_read(const struct vp_resource_type *rt, struct vp_call *c, const char *id)
{
    json_t *live;

    if (rt->read(c, id, &live) < 0)
        return -1;
    print_live(live);
    json_decref(live);
    return 0;
}

static int do_create(const struct vp_resource_type *rt, struct vp_call *c, const char *path)
{
    json_t *want = load_want(rt, path, c->err), *live = NULL;
    char *id = NULL;
    int ret = -1;

    if (want && (ret = rt->create(c, want, &id, &live)) == 0)
        print_live(live);
    json_decref(want);
    json_decref(live);
    free(id);
    return ret;
}

static int do_update(const struct vp_resource_type *rt, struct vp_call *c, const char *id, const char *path)
{
    json_t *want = load_want(rt, path, c->err), *have = NULL, *live = NULL;
    int ret = -1;

    if (!want || rt->read(c, id, &have) < 0)
        goto done;
    if (!have) {
        vp_fail(c->err, VP_E_AWS, "%s '%s' does not exist", rt->type, id);
        goto done;
    }
    vp_want_copy_local(rt->attrs, want, have);
    if ((ret = rt->update(c, id, have, want, &live)) == 0)
        print_live(live);
done:
    json_decref(want);
    json_decref(have);
    json_decref(live);
    return ret;
}

/* have is the live resource plus the local settings the engine keeps in state (force_destroy). */
static int do_delete(const struct vp_resource_type *rt, struct vp_call *c, const char *id, bool force_destroy)
{
    json_t *have = NULL;
    int ret;

    if (rt->read(c, id, &have) < 0)
        return -1;
    if (!have)
        have = json_object();
    vp_want_copy_local(rt->attrs, NULL, have);
    if (force_destroy)
        json_object_set_new(have, "force_destroy", json_true());
    if ((ret = rt->delete(c, id, have)) == 0)
        print_live(NULL);
    json_decref(have);
    return ret;
}

int cmd_debug_resource(int argc, char **argv, struct vp_cli *cli)
{
    const struct vp_resource_type *rt;
    struct vp_err err = { 0 };
    struct vp_call c = { .err = &err };
    const char *op;
    bool force_destroy = false;
    char *address;
    int ret, nargs;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc > 0 && strcmp(argv[argc - 1], "--force-destroy") == 0) {
        force_destroy = true;
        argc--;
    }
    if (argc < 4)
        return vp_cli_usage_error("debug resource", "TYPE, an operation and its arguments are required");
    if (!(rt = vp_resource_type_find(argv[1])))
        return vp_cli_usage_error("debug resource", "unknown resource type '%s'", argv[1]);
    op = argv[2];
    nargs = argc - 3;
    if ((strcmp(op, "update") == 0) != (nargs == 2) || nargs > 2 ||
        (strcmp(op, "read") && strcmp(op, "create") && strcmp(op, "update") && strcmp(op, "delete")))
        return vp_cli_usage_error("debug resource", "expected read ID, create WANT.json, update ID WANT.json or "
                                  "delete ID");
    if (force_destroy && strcmp(op, "delete") != 0)
        return vp_cli_usage_error("debug resource", "--force-destroy goes with delete");
    if (!(c.aws = vp_cli_aws(cli, &err))) {
        vp_cli_print_err(cli, &err);
        return 1;
    }
    c.wait_poll_ms = env_ms("VIDPIPE_WAIT_POLL_MS");
    c.wait_timeout_ms = env_ms("VIDPIPE_WAIT_TIMEOUT_MS");
    address = vp_xasprintf("%s.%s", rt->type, strcmp(op, "create") == 0 ? "new" : argv[3]);
    c.address = address;
    if (strcmp(op, "read") == 0)
        ret = do_read(rt, &c, argv[3]);
    else if (strcmp(op, "create") == 0)
        ret = do_create(rt, &c, argv[3]);
    else if (strcmp(op, "update") == 0)
        ret = do_update(rt, &c, argv[3], argv[4]);
    else
        ret = do_delete(rt, &c, argv[3], force_destroy);
    if (ret < 0)
        vp_cli_print_err(cli, &err);
    free(address);
    return ret < 0 ? 1 : 0;
}

/* invoke.c: `vidpipe invoke FUNCTION --event FILE`: runs a lambda_function's built artifact locally for one
 * event under a local Lambda Runtime API host (src/local/), like `sam local invoke`; or, with --zip, any
 * custom-runtime zip without a spec. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/client.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/render.h"
#include "cli/stack.h"
#include "local/function_run.h"
#include "local/function_spec.h"
#include "local/rapi_host.h"

static const char usage[] =
    "usage: vidpipe invoke FUNCTION --event FILE [SPEC] [--var NAME=VALUE] [--var-file FILE] [--state PATH]\n"
    "                      [--timeout SECONDS] [--env NAME=VALUE]...\n"
    "       vidpipe invoke --zip PATH --event FILE [--name NAME] [--timeout SECONDS] [--memory MB]\n"
    "                      [--handler NAME] [--env NAME=VALUE]...\n"
    "\n"
    "Runs a lambda_function of the spec (FUNCTION: its name or address) locally for one event, as Lambda would:\n"
    "its zip (artifact or zip_file) unpacked into a temporary folder, bootstrap started under a local Runtime\n"
    "API on 127.0.0.1, with the function's environment from the spec (references to other resources resolved\n"
    "from the stack's state), Lambda's variables, your AWS credentials, and your AWS_ENDPOINT_URL* and\n"
    "AWS_CA_BUNDLE settings; nothing else of your environment. The function's log lines go to stderr, the\n"
    "response (or error document) to stdout as JSON.\n"
    "\n"
    "Options:\n"
    "  --event FILE        the event: a JSON file of at most 6 MB ('-': standard input)\n"
    "  --timeout SECONDS   overrides the function's timeout (Lambda's default: 3)\n"
    "  --env NAME=VALUE    sets or overrides one of the function's environment variables\n"
    "  --zip PATH          runs this zip instead of a spec's function (then --name, --memory, --handler)\n"
    "  --var, --var-file, --state   as for plan\n"
    "\n"
    "Exit status: 0 when the function responded; 1 on a function error, an init error, a timeout, a crash,\n"
    "or when it could not be run; 130 when interrupted.\n";

struct invoke_opts {
    struct vp_cmd_opts cmd;             /* spec, state: what vp_stack_open takes */
    const char *event, *zip, *name, *handler;
    long timeout_s, memory_mb;
    struct vp_kvlist env;               /* --env */
    const char *function, *spec_path;
    char *region;                       /* the spec's region, when it is the one used */
};

static bool is_spec_name(const char *a)
{
    size_t n = strlen(a);
    return (n > 5 && strcmp(a + n - 5, ".yaml") == 0) || (n > 4 && strcmp(a + n - 4, ".yml") == 0);
}

/* -1: go on; otherwise the exit status (0 after --help, 1 after a usage error). */
static int parse(int argc, char **argv, struct invoke_opts *o)
{
    enum { O_EVENT = 256, O_VAR, O_VAR_FILE, O_STATE, O_TIMEOUT, O_ENV, O_ZIP, O_NAME, O_MEMORY, O_HANDLER };
    static const struct option options[] = {
        { "event", required_argument, NULL, O_EVENT }, { "var", required_argument, NULL, O_VAR },
        { "var-file", required_argument, NULL, O_VAR_FILE }, { "state", required_argument, NULL, O_STATE },
        { "timeout", required_argument, NULL, O_TIMEOUT }, { "env", required_argument, NULL, O_ENV },
        { "zip", required_argument, NULL, O_ZIP }, { "name", required_argument, NULL, O_NAME },
        { "memory", required_argument, NULL, O_MEMORY }, { "handler", required_argument, NULL, O_HANDLER },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    struct vp_err err = { 0 };
    const char *eq;
    int c, index;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, &index)) != -1) {
        switch (c) {
        case 'h': fputs(usage, stdout); return 0;
        case O_EVENT: o->event = optarg; break;
        case O_VAR:
            if (vp_spec_opts_add_var(&o->cmd.spec, optarg, &err) < 0)
                return vp_cli_usage_error("invoke", "%s", err.msg);
            break;
        case O_VAR_FILE: vp_spec_opts_add_var_file(&o->cmd.spec, optarg); break;
        case O_STATE: o->cmd.state_path = optarg; break;
        case O_TIMEOUT:
            if ((o->timeout_s = vp_cli_parse_long(optarg, 1, 900)) < 0)
                return vp_cli_usage_error("invoke", "--timeout takes whole seconds from 1 to 900, not '%s'", optarg);
            break;
        case O_MEMORY:
            if ((o->memory_mb = vp_cli_parse_long(optarg, 128, 10240)) < 0)
                return vp_cli_usage_error("invoke", "--memory takes MB from 128 to 10240, not '%s'", optarg);
            break;
        case O_ENV:
            if (!(eq = strchr(optarg, '=')) || eq == optarg)
                return vp_cli_usage_error("invoke", "--env takes NAME=VALUE, not '%s'", optarg);
            vp_kv_addn(&o->env, optarg, (size_t)(eq - optarg), eq + 1, strlen(eq + 1));
            break;
        case O_ZIP: o->zip = optarg; break;
        case O_NAME: o->name = optarg; break;
        case O_HANDLER: o->handler = optarg; break;
        default:
            if (c == '?' && optopt >= O_EVENT)
                return vp_cli_usage_error("invoke", "option '%s' needs a value", argv[optind - 1]);
            return vp_cli_usage_error("invoke", "unknown option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (is_spec_name(argv[i]) && !o->spec_path)
            o->spec_path = argv[i];
        else if (!o->function)
            o->function = argv[i];
        else
            return vp_cli_usage_error("invoke", "unexpected argument '%s'", argv[i]);
    }
    if (!o->event)
        return vp_cli_usage_error("invoke", "--event FILE is required");
    if (o->zip && (o->function || o->spec_path))
        return vp_cli_usage_error("invoke", "--zip runs a zip without a spec: name no FUNCTION or SPEC with it");
    if (!o->zip && !o->function)
        return vp_cli_usage_error("invoke", "name the FUNCTION to run (or --zip PATH)");
    if (!o->zip && (o->name || o->handler || o->memory_mb))
        return vp_cli_usage_error("invoke", "--name, --handler and --memory go with --zip; the spec says these");
    return -1;
}

/* The event file: JSON, at most 6 MB, read whole before anything starts. */
static int read_event(const char *path, struct vp_buf *event, struct vp_err *err)
{
    json_error_t jerr;
    json_t *doc;

    vp_buf_init(event, VP_RAPI_MAX_PAYLOAD_BYTES);
    if (strcmp(path, "-") == 0) {
        char chunk[8192];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
            if (vp_buf_add(event, chunk, n, err) < 0)
                return vp_err_prefix(err, "reading the event from standard input (Lambda takes at most 6 MB)");
    } else if (vp_buf_read_file(event, path, err) < 0) {
        if (err->code == VP_E_LIMIT)
            return vp_fail(err, VP_E_LIMIT, "event file '%s' is larger than Lambda's 6 MB payload quota", path);
        return vp_err_prefix(err, "event file");
    }
    if (!(doc = json_loadb(event->data, event->len, JSON_DECODE_ANY, &jerr)))
        return vp_fail(err, VP_E_PARSE, "event file '%s' is not JSON: line %d, column %d: %s", path, jerr.line,
                       jerr.column, jerr.text);
    json_decref(doc);
    return 0;
}

/* The function's AWS credentials: the caller's, as Lambda injects the role's. Without any, the function
 * runs without (and says so). */
static bool get_creds(struct vp_cli *cli, struct vp_creds *creds)
{
    struct vp_err err = { 0 };
    struct vp_aws *aws = vp_cli_aws(cli, &err);

    if (aws && vp_aws_get_creds(aws, creds, &err) == 0)
        return true;
    fprintf(stderr, "vidpipe: warning: the function gets no AWS credentials: %s\n", err.msg);
    return false;
}

static const char *region_of(struct vp_cli *cli)
{
    struct vp_err err = { 0 };
    struct vp_aws *aws;
    const char *region = NULL;

    if (cli->region)
        return cli->region;
    if ((aws = vp_cli_aws(cli, &err)) && vp_aws_region(aws, &region, &err) == 0)
        return region;
    return "us-east-1";
}

static void print_payload(const struct vp_invoke_result *res)
{
    json_t *doc = json_loadb(res->payload, res->len, JSON_DECODE_ANY, NULL);

    if (doc)
        vp_print_json(stdout, doc);
    else
        printf("%s\n", res->payload);   /* not JSON: as the function sent it */
    json_decref(doc);
    fflush(stdout);
}

static int report(const struct vp_function_config *fn, const struct vp_invoke_result *res)
{
    fprintf(stderr, "REPORT RequestId: %s Duration: %ld ms\n", res->request_id, res->duration_ms);
    if (res->status != VP_INVOKE_INTERRUPTED)
        print_payload(res);
    switch (res->status) {
    case VP_INVOKE_RESPONSE: return 0;
    case VP_INVOKE_FUNCTION_ERROR:
        fprintf(stderr, "vidpipe: error: function '%s' failed: %s: %s\n", fn->name, res->error_type,
                res->error_message);
        break;
    case VP_INVOKE_INIT_ERROR:
        fprintf(stderr, "vidpipe: error: function '%s' failed to initialize: %s: %s\n", fn->name, res->error_type,
                res->error_message);
        break;
    case VP_INVOKE_INTERRUPTED:
        fprintf(stderr, "vidpipe: error: function '%s': %s\n", fn->name, res->error_message);
        return 130;
    case VP_INVOKE_TIMEOUT:
    case VP_INVOKE_CRASH:
        fprintf(stderr, "vidpipe: error: function '%s': %s\n", fn->name, res->error_message);
        break;
    }
    return 1;
}

/* Finds FUNCTION in the spec and evaluates it, with references from the state (read, never locked). */
static int from_spec(struct vp_cli *cli, struct invoke_opts *o, struct vp_local_function *lf)
{
    struct vp_stack st;
    struct vp_err err = { 0 };
    const struct vp_spec_resource *res;
    const char *spec_path = vp_default_spec_path(o->spec_path);
    int status = 1;

    if (!spec_path) {
        fprintf(stderr, "vidpipe: error: no spec: name the spec file (or run where vidpipe.yaml is), or use --zip\n");
        return 1;
    }
    if (vp_stack_open(cli, &o->cmd, spec_path, NULL, &st))
        return 1;
    if (cli->region == st.spec->region) {   /* the spec's region, unless --region said otherwise */
        o->region = vp_xstrdup(st.spec->region);
        cli->region = o->region;        /* the spec is freed below */
    }
    if (!(res = vp_spec_find(st.spec, o->function)))
        vp_fail(&err, VP_E_USAGE, "no resource '%s' in %s", o->function, spec_path);
    else if (strcmp(res->type, "lambda_function") != 0)
        vp_fail(&err, VP_E_USAGE, "'%s' is %s, a %s: invoke runs a lambda_function", o->function, res->address,
                res->type);
    else if (vp_local_function_from_spec(st.spec, res, st.state, lf, &err) == 0)
        status = 0;
    if (status)
        vp_cli_print_err(cli, &err);
    vp_stack_close(cli, &st);
    return status;
}

static char *zip_base_name(const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".zip") == 0)
        n -= 4;
    return n ? vp_xstrndup(base, n) : vp_xstrdup("function");
}

int cmd_invoke(int argc, char **argv, struct vp_cli *cli)
{
    struct invoke_opts o;
    struct vp_buf event;
    struct vp_local_function lf;
    struct vp_function_config fn = { 0 };
    struct vp_invoke_result res;
    struct vp_creds creds = { 0 };
    struct vp_err err = { 0 };
    int status = 1, rc;

    memset(&o, 0, sizeof(o));
    memset(&lf, 0, sizeof(lf));
    vp_spec_opts_init(&o.cmd.spec);
    vp_buf_init(&event, VP_RAPI_MAX_PAYLOAD_BYTES);
    if ((rc = parse(argc, argv, &o)) >= 0) {
        status = rc;
        goto done;
    }
    if (read_event(o.event, &event, &err) < 0) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    if (o.zip) {
        lf.name = o.name ? vp_xstrdup(o.name) : zip_base_name(o.zip);
        lf.zip_path = vp_xstrdup(o.zip);
        lf.handler = vp_xstrdup(o.handler ? o.handler : "bootstrap");
        lf.timeout_s = 3;
        lf.memory_mb = o.memory_mb ? o.memory_mb : 128;
    } else if (from_spec(cli, &o, &lf)) {
        goto done;
    }
    if (access(lf.zip_path, R_OK) != 0) {   /* before credentials are looked for */
        fprintf(stderr, "vidpipe: error: cannot read the function's zip '%s': %s%s\n", lf.zip_path, strerror(errno),
                o.zip ? "" : " (for an artifact: build it with make, or set VIDPIPE_ARTIFACTS_DIR)");
        goto done;
    }
    for (size_t i = 0; i < o.env.n; i++)
        vp_kv_set(&lf.environment, o.env.items[i].name, o.env.items[i].value);
    fn.name = lf.name;
    fn.zip_path = lf.zip_path;
    fn.handler = lf.handler;
    fn.timeout_s = o.timeout_s ? o.timeout_s : lf.timeout_s;
    fn.memory_mb = lf.memory_mb;
    fn.environment = &lf.environment;
    fn.region = region_of(cli);
    if (get_creds(cli, &creds))
        fn.creds = &creds;
    fn.interrupted = &vp_interrupted;
    vp_install_interrupt_handler();     /* Ctrl-C ends the function and cleans up, a second one at once */
    if (vp_function_invoke(&fn, event.data, event.len, stderr, &res, &err) < 0) {
        vp_err_prefix(&err, "cannot run function '%s'", fn.name);
        vp_cli_print_err(cli, &err);
        goto done;
    }
    status = report(&fn, &res);
    vp_invoke_result_release(&res);
done:
    vp_creds_release(&creds);
    vp_local_function_release(&lf);
    vp_buf_release(&event);
    vp_kv_release(&o.env);
    free(o.region);
    vp_spec_opts_release(&o.cmd.spec);
    return status;
}

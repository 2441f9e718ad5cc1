/* serve.c: `vidpipe serve [SPEC]`: the spec's pipeline run locally against whatever endpoints AWS_ENDPOINT_URL*
 * name (moto, LocalStack, or AWS itself): its HTTP API routes, S3 notifications and EventBridge rules invoke
 * the functions' built artifacts, like `sam local start-api` (see src/local/serve.h). */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/client.h"
#include "base/xalloc.h"
#include "cli/stack.h"
#include "local/serve.h"
#include "local/wiring.h"

static const char usage[] =
    "usage: vidpipe serve [SPEC] [--port PORT] [--local-port PORT] [--web DIR] [--dev-issuer]\n"
    "                     [--env-vars FILE] [--api NAME] [--poll-ms MS] [--var NAME=VALUE] [--var-file FILE]\n"
    "                     [--state PATH]\n"
    "\n"
    "Runs the stack's pipeline on this machine, wired as the spec wires it, with references resolved from the\n"
    "stack's state (apply the spec first, e.g. against moto):\n"
    "  - the http_api's routes on http://127.0.0.1:PORT, each invoking its function's artifact under a local\n"
    "    Lambda Runtime API with an API Gateway payload 2.0 event; the JWT authorizer and CORS are enforced;\n"
    "  - new objects in the buckets of s3_bucket_notification resources delivered to their functions as S3\n"
    "    event notifications;\n"
    "  - an EventBridge PutEvents endpoint at http://127.0.0.1:LOCAL_PORT/events (set AWS_ENDPOINT_URL_EVENTS\n"
    "    to it): events matching an eventbridge_rule are delivered to its function targets;\n"
    "  - on the local port: DIR (--web) at /, /config.json for a web app, and with --dev-issuer a development\n"
    "    OIDC issuer at /issuer whose tokens the authorizer accepts as the spec's issuer's (POST /issuer/token,\n"
    "    grant_type=password, any password: for local development only).\n"
    "Functions get your AWS credentials and AWS_ENDPOINT_URL* settings. Everything listens on 127.0.0.1 only.\n"
    "Ctrl-C stops it.\n"
    "\n"
    "Options:\n"
    "  --port PORT         the API's port (default 3000; 0: any free port)\n"
    "  --local-port PORT   the local services' port (default 3001; 0: any free port)\n"
    "  --web DIR           a folder served at / of the local port (a web app)\n"
    "  --dev-issuer        run the development issuer (see above)\n"
    "  --env-vars FILE     JSON overriding functions' variables, as sam local: {\"RESOURCE_OR_NAME\": {\"VAR\":\n"
    "                      \"value\"}, \"Parameters\": {\"VAR\": \"value\"}} (Parameters: every function having VAR)\n"
    "  --api NAME          which http_api when the spec has several (default: the first)\n"
    "  --poll-ms MS        how often the notified buckets are listed (default 500)\n"
    "  --var, --var-file, --state   as for plan\n"
    "\n"
    "Exit status: 0 after Ctrl-C or SIGTERM; 1 when it could not start.\n";

struct serve_cli {
    struct vp_cmd_opts cmd;
    const char *spec_path, *web_dir, *env_vars, *api;
    long port, local_port, poll_ms;
    bool dev_issuer;
};

static int parse(int argc, char **argv, struct serve_cli *o)
{
    enum { O_PORT = 256, O_LOCAL_PORT, O_WEB, O_DEV_ISSUER, O_ENV_VARS, O_API, O_POLL, O_VAR, O_VAR_FILE, O_STATE };
    static const struct option options[] = {
        { "port", required_argument, NULL, O_PORT }, { "local-port", required_argument, NULL, O_LOCAL_PORT },
        { "web", required_argument, NULL, O_WEB }, { "dev-issuer", no_argument, NULL, O_DEV_ISSUER },
        { "env-vars", required_argument, NULL, O_ENV_VARS }, { "api", required_argument, NULL, O_API },
        { "poll-ms", required_argument, NULL, O_POLL }, { "var", required_argument, NULL, O_VAR },
        { "var-file", required_argument, NULL, O_VAR_FILE }, { "state", required_argument, NULL, O_STATE },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    struct vp_err err = { 0 };
    int c, index;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, &index)) != -1) {
        switch (c) {
        case 'h': fputs(usage, stdout); return 0;
        case O_PORT:
        case O_LOCAL_PORT: {
            long v = vp_cli_parse_long(optarg, 0, 65535);
            if (v < 0)
                return vp_cli_usage_error("serve", "%s takes a port from 0 to 65535, not '%s'", argv[optind - 2],
                                          optarg);
            *(c == O_PORT ? &o->port : &o->local_port) = v;
            break;
        }
        case O_WEB: o->web_dir = optarg; break;
        case O_DEV_ISSUER: o->dev_issuer = true; break;
        case O_ENV_VARS: o->env_vars = optarg; break;
        case O_API: o->api = optarg; break;
        case O_POLL:
            if ((o->poll_ms = vp_cli_parse_long(optarg, 50, 600000)) < 0)
                return vp_cli_usage_error("serve", "--poll-ms takes milliseconds from 50 to 600000, not '%s'", optarg);
            break;
        case O_VAR:
            if (vp_spec_opts_add_var(&o->cmd.spec, optarg, &err) < 0)
                return vp_cli_usage_error("serve", "%s", err.msg);
            break;
        case O_VAR_FILE: vp_spec_opts_add_var_file(&o->cmd.spec, optarg); break;
        case O_STATE: o->cmd.state_path = optarg; break;
        default:
            if (c == '?' && optopt >= O_PORT)
                return vp_cli_usage_error("serve", "option '%s' needs a value", argv[optind - 1]);
            return vp_cli_usage_error("serve", "unknown option '%s'", argv[optind - 1]);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (o->spec_path)
            return vp_cli_usage_error("serve", "unexpected argument '%s'", argv[i]);
        o->spec_path = argv[i];
    }
    return -1;
}

static void print_wiring(const struct vp_wiring *w, const char *api_url, const char *local_url, bool dev_issuer,
                         const char *web_dir)
{
    printf("vidpipe serve: listening on 127.0.0.1 only\n");
    for (size_t i = 0; i < w->n_apis && i < 1; i++) {
        const struct vp_wired_api *a = &w->apis[i];
        printf("  API          %s  (%s%s%s)\n", api_url, a->address, a->issuer ? ", JWT issuer " : "",
               a->issuer ? a->issuer : "");
        for (size_t j = 0; j < a->n_routes; j++)
            printf("    %-22s -> %s%s\n", a->routes[j].route_key, w->functions[a->routes[j].fn].fn.name,
                   a->routes[j].authorize && a->issuer ? "" : " (no authorizer)");
    }
    for (size_t i = 0; i < w->n_s3; i++)
        printf("  S3           %s%s%s -> %s\n", w->s3[i].bucket, w->s3[i].prefix && *w->s3[i].prefix ? "/" : "",
               w->s3[i].prefix ? w->s3[i].prefix : "", w->functions[w->s3[i].fn].fn.name);
    if (w->n_rules)
        printf("  EventBridge  %s/events (PutEvents)\n", local_url);
    for (size_t i = 0; i < w->n_rules; i++)
        for (size_t j = 0; j < w->rules[i].n_fns; j++)
            printf("    rule %s -> %s\n", w->rules[i].name ? w->rules[i].name : w->rules[i].address,
                   w->functions[w->rules[i].fns[j]].fn.name);
    if (web_dir)
        printf("  Web app      %s/\n", local_url);
    if (dev_issuer)
        printf("  Dev issuer   %s/issuer (POST %s/issuer/token)\n", local_url, local_url);
    printf("Press Ctrl-C to stop.\n");
    fflush(stdout);
}

struct ready_ctx {
    const struct vp_wiring *w;
    const struct serve_cli *o;
};

static void on_ready(void *ctx, const char *api_url, const char *local_url)
{
    struct ready_ctx *r = ctx;

    print_wiring(r->w, api_url, local_url, r->o->dev_issuer, r->o->web_dir);
}

static json_t *read_env_vars(const char *path, struct vp_err *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    const char *name;
    json_t *v;

    if (!doc)
        return vp_fail(err, VP_E_PARSE, "--env-vars '%s': %s (line %d)", path, jerr.text, jerr.line), NULL;
    json_object_foreach(doc, name, v) {
        if (!json_is_object(v)) {
            vp_fail(err, VP_E_PARSE, "--env-vars '%s': '%s' must map variable names to strings", path, name);
            json_decref(doc);
            return NULL;
        }
    }
    return doc;
}

int cmd_serve(int argc, char **argv, struct vp_cli *cli)
{
    struct serve_cli o;
    struct vp_stack st;
    struct vp_wiring w;
    struct vp_creds creds = { 0 };
    struct vp_err err = { 0 };
    struct vp_aws *aws;
    const char *spec_path, *region = NULL;
    json_t *overrides = NULL;
    char *web_dir = NULL;
    int status = 1, rc;
    bool have_creds = false;

    memset(&o, 0, sizeof(o));
    o.port = 3000;
    o.local_port = 3001;
    vp_spec_opts_init(&o.cmd.spec);
    if ((rc = parse(argc, argv, &o)) >= 0) {
        vp_spec_opts_release(&o.cmd.spec);
        return rc;
    }
    if (!(spec_path = vp_default_spec_path(o.spec_path))) {
        fprintf(stderr, "vidpipe: error: no spec: name the spec file (or run where vidpipe.yaml is)\n");
        vp_spec_opts_release(&o.cmd.spec);
        return 1;
    }
    if (o.web_dir && !(web_dir = realpath(o.web_dir, NULL))) {
        fprintf(stderr, "vidpipe: error: --web '%s': no such folder\n", o.web_dir);
        vp_spec_opts_release(&o.cmd.spec);
        return 1;
    }
    if (o.env_vars && !(overrides = read_env_vars(o.env_vars, &err))) {
        vp_cli_print_err(cli, &err);
        free(web_dir);
        vp_spec_opts_release(&o.cmd.spec);
        return 1;
    }
    if (vp_stack_open(cli, &o.cmd, spec_path, NULL, &st)) {
        json_decref(overrides);
        free(web_dir);
        vp_spec_opts_release(&o.cmd.spec);
        return 1;
    }
    if (!cli->region)
        cli->region = st.spec->region;
    if (vp_wiring_load(st.spec, st.state, &w, &err) < 0) {
        vp_cli_print_err(cli, &err);
        goto closed;
    }
    if ((aws = vp_cli_aws(cli, &err)) && vp_aws_region(aws, &region, &err) == 0 &&
        vp_aws_get_creds(aws, &creds, &err) == 0)
        have_creds = true;
    else
        fprintf(stderr, "vidpipe: warning: the functions get no AWS credentials: %s\n", err.msg);
    {
        struct ready_ctx ready = { &w, &o };
        struct vp_serve_opts so = {
            .wiring = &w, .region = region ? region : st.spec->region, .creds = have_creds ? &creds : NULL,
            .api_port = (unsigned short)o.port, .local_port = (unsigned short)o.local_port, .api = o.api,
            .web_dir = web_dir, .dev_issuer = o.dev_issuer, .poll_ms = o.poll_ms, .env_overrides = overrides,
            .log = stderr, .stop = &vp_interrupted, .on_ready = on_ready, .on_ready_ctx = &ready,
        };
        vp_install_interrupt_handler();
        memset(&err, 0, sizeof(err));
        if (vp_serve_run(&so, &err) < 0)
            vp_cli_print_err(cli, &err);
        else
            status = 0;
    }
    vp_wiring_release(&w);
closed:
    vp_creds_release(&creds);
    vp_stack_close(cli, &st);
    json_decref(overrides);
    free(web_dir);
    vp_spec_opts_release(&o.cmd.spec);
    return status;
}

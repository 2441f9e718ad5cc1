/* debug_call.c: `vidpipe debug call SERVICE OPERATION ...`: one AWS API call through the client core,
 * the answer on stdout. Tests and users reach every protocol with it, as with `aws --debug`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/paginators.h"
#include "aws/proto.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/cli.h"

static const char usage[] =
    "usage: vidpipe debug call SERVICE OPERATION [OPTIONS] [PARAMS]\n"
    "\n"
    "Calls one AWS API operation through vidpipe's client core and prints the answer.\n"
    "SERVICE is one of: s3 dynamodb iam sts lambda mediaconvert mediapackage apigatewayv2 eventbridge.\n"
    "\n"
    "  JSON services (dynamodb, eventbridge): PARAMS is one JSON object, as text or @FILE (default {}).\n"
    "  Query services (iam, sts): PARAMS are NAME=VALUE pairs.\n"
    "  REST-JSON services: --method and --path, PARAMS an optional JSON body.\n"
    "  s3: --method, --bucket, --key, --body.\n"
    "\n"
    "Options:\n"
    "  --method METHOD        HTTP method (REST services; default GET)\n"
    "  --path PATH            request path, already percent-encoded (REST-JSON)\n"
    "  --bucket NAME          S3 bucket\n"
    "  --key KEY              S3 object key\n"
    "  --query NAME[=VALUE]   a query parameter (repeatable)\n"
    "  --header NAME:VALUE    a request header (repeatable)\n"
    "  --body TEXT|@FILE      the request body (s3)\n"
    "  --status               print the HTTP status on the first line\n"
    "  --all-pages            follow the operation's page tokens; JSON answers are merged into one list\n";

struct call_args {
    const char *method, *path, *bucket, *key, *body;
    struct vp_kvlist query, headers;
    bool print_status, all_pages;
};

static int read_text_arg(const char *arg, struct vp_buf *out, struct vp_err *err)
{
    if (arg[0] == '@')
        return vp_buf_read_file(out, arg + 1, err);
    vp_buf_puts(out, arg);
    return 0;
}

static void print_json(json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);

    printf("%s\n", text ? text : "null");
    free(text);
}

struct pages {
    const struct vp_paginator *pager;
    json_t *merged;
    int count;
};

static int merge_page(json_t *page, void *ctx, struct vp_err *err)
{
    struct pages *p = ctx;
    json_t *items = json_object_get(page, p->pager->items);

    (void)err;
    p->count++;
    if (!p->merged) {
        p->merged = json_deep_copy(page);
        json_object_del(p->merged, p->pager->token_out);
    } else if (json_is_array(items)) {
        json_array_extend(json_object_get(p->merged, p->pager->items), items);
    }
    return 0;
}

static int call_json_all_pages(struct vp_aws *aws, const struct vp_service *svc, const char *op, json_t *in,
                               const struct call_args *a, json_t **out, struct vp_err *err)
{
    struct pages p = { .pager = vp_paginator_find(svc, op) };
    int ret;

    if (!p.pager)
        return vp_fail(err, VP_E_USAGE, "%s %s does not page", svc->name, op);
    if (svc->protocol == VP_PROTO_JSON)
        ret = vp_json_paginate(aws, svc, op, in, p.pager->token_in, p.pager->token_out, merge_page, &p, err);
    else
        ret = vp_rest_json_paginate(aws, svc, op, a->path ? a->path : "/", &a->query, p.pager->token_in,
                                    p.pager->token_out, merge_page, &p, err);
    if (ret == 0)
        fprintf(stderr, "vidpipe debug call: %d pages\n", p.count);
    *out = p.merged ? p.merged : json_object();
    if (ret < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return ret;
}

static int call_json(struct vp_aws *aws, const struct vp_service *svc, const char *op, int nparams, char **params,
                     const struct call_args *a, struct vp_err *err)
{
    struct vp_buf text = VP_BUF_INIT(0);
    json_t *in = NULL, *out = NULL;
    json_error_t jerr;
    int ret = -1;

    if (nparams > 1) {
        vp_fail(err, VP_E_USAGE, "%s takes one JSON object of parameters", svc->name);
        goto done;
    }
    if (nparams == 1) {
        if (read_text_arg(params[0], &text, err) < 0)
            goto done;
        in = json_loadb(text.data, text.len, 0, &jerr);
        if (!json_is_object(in)) {
            vp_fail(err, VP_E_USAGE, "parameters are not a JSON object: %s", in ? "not an object" : jerr.text);
            goto done;
        }
    }
    if (a->all_pages)
        ret = call_json_all_pages(aws, svc, op, in, a, &out, err);
    else if (svc->protocol == VP_PROTO_JSON)
        ret = vp_json_call(aws, svc, op, in, &out, err);
    else
        ret = vp_rest_json_call(aws, svc, op, a->method ? a->method : "GET", a->path ? a->path : "/", &a->query,
                                in, &out, err);
    if (ret == 0) {
        if (a->print_status)
            printf("200\n");
        print_json(out);
    }
done:
    json_decref(in);
    json_decref(out);
    vp_buf_release(&text);
    return ret;
}

static int call_query(struct vp_aws *aws, const struct vp_service *svc, const char *op, int nparams, char **params,
                      struct vp_err *err)
{
    struct vp_kvlist kv = VP_KVLIST_INIT;
    struct vp_xml_doc *doc = NULL;
    int ret = -1;

    for (int i = 0; i < nparams; i++) {
        const char *eq = strchr(params[i], '=');
        if (!eq) {
            vp_fail(err, VP_E_USAGE, "parameter '%s' is not NAME=VALUE", params[i]);
            goto done;
        }
        vp_kv_addn(&kv, params[i], (size_t)(eq - params[i]), eq + 1, strlen(eq + 1));
    }
    ret = vp_query_call(aws, svc, op, &kv, NULL, &doc, err);
    if (ret == 0) {
        struct vp_buf text = VP_BUF_INIT(0);
        vp_xml_format(doc, &text);
        fwrite(text.data, 1, text.len, stdout);
        vp_buf_release(&text);
    }
done:
    vp_xml_free(doc);
    vp_kv_release(&kv);
    return ret;
}

/* The next page's token of an S3 list answer, or NULL on the last page. */
static char *next_s3_token(const struct vp_response *resp, const struct vp_paginator *pager)
{
    struct vp_xml_doc *doc = NULL;
    char *truncated, *token = NULL;

    if (vp_xml_parse(resp->body.data, resp->body.len, &doc, NULL) < 0)
        return NULL;
    truncated = vp_xml_find_text(doc, NULL, "IsTruncated");
    if (truncated && strcmp(truncated, "true") == 0)
        token = vp_xml_find_text(doc, NULL, pager->token_out);
    free(truncated);
    vp_xml_free(doc);
    return token;
}

static int call_s3(struct vp_aws *aws, const char *op, const struct call_args *a, struct vp_err *err)
{
    const struct vp_paginator *pager = vp_paginator_find(&vp_svc_s3, op);
    struct vp_request req;
    struct vp_response resp;
    int ret = -1;

    if (a->all_pages && !pager)
        return vp_fail(err, VP_E_USAGE, "s3 %s does not page", op);
    vp_request_init(&req, &vp_svc_s3, a->method ? a->method : "GET");
    vp_response_init(&resp);
    req.operation = op;
    req.bucket = a->bucket;
    if (a->key)
        vp_request_path_add(&req, a->key, true);
    vp_kv_copy(&req.query, &a->query);
    vp_kv_copy(&req.headers, &a->headers);
    if (a->body && read_text_arg(a->body, &req.body, err) < 0)
        goto done;
    if (a->body && !vp_kv_get(&req.headers, "Content-Type") && !a->key)
        vp_kv_add(&req.headers, "Content-Type", "application/xml");
    for (int pages = 1;; pages++) {
        char *next = NULL;

        ret = vp_rest_xml_call(aws, &req, &resp, err);
        if (ret < 0)
            break;
        if (a->print_status)
            printf("%ld\n", resp.status);
        fwrite(resp.body.data, 1, resp.body.len, stdout);
        if (resp.body.len && resp.body.data[resp.body.len - 1] != '\n')
            putchar('\n');
        if (a->all_pages && pager && (next = next_s3_token(&resp, pager))) {
            vp_kv_set(&req.query, pager->token_in, next);
            free(next);
            continue;
        }
        if (a->all_pages)
            fprintf(stderr, "vidpipe debug call: %d pages\n", pages);
        break;
    }
done:
    vp_request_release(&req);
    vp_response_release(&resp);
    return ret;
}

static int parse_args(int argc, char **argv, struct call_args *a)
{
    static const struct option options[] = {
        { "method", required_argument, NULL, 'm' }, { "path", required_argument, NULL, 'p' },
        { "bucket", required_argument, NULL, 'b' }, { "key", required_argument, NULL, 'k' },
        { "query", required_argument, NULL, 'q' },  { "header", required_argument, NULL, 'H' },
        { "body", required_argument, NULL, 'd' },   { "status", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },         { "all-pages", no_argument, NULL, 'A' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        const char *sep;
        switch (c) {
        case 'm': a->method = optarg; break;
        case 'p': a->path = optarg; break;
        case 'b': a->bucket = optarg; break;
        case 'k': a->key = optarg; break;
        case 'd': a->body = optarg; break;
        case 's': a->print_status = true; break;
        case 'A': a->all_pages = true; break;
        case 'q':
            sep = strchr(optarg, '=');
            if (sep)
                vp_kv_addn(&a->query, optarg, (size_t)(sep - optarg), sep + 1, strlen(sep + 1));
            else
                vp_kv_add(&a->query, optarg, "");
            break;
        case 'H':
            sep = strchr(optarg, ':');
            if (!sep)
                return vp_cli_usage_error("debug call", "--header '%s' is not NAME:VALUE", optarg);
            vp_kv_addn(&a->headers, optarg, (size_t)(sep - optarg), sep + 1 + (sep[1] == ' '),
                       strlen(sep + 1 + (sep[1] == ' ')));
            break;
        case 'h': fputs(usage, stdout); return 2;
        default: return vp_cli_usage_error("debug call", "unknown option '%s'", argv[optind - 1]);
        }
    }
    return 0;
}

int cmd_debug_call(int argc, char **argv, struct vp_cli *cli)
{
    struct call_args a = { 0 };
    struct vp_err err = { 0 };
    const struct vp_service *svc;
    struct vp_aws *aws;
    int rc = parse_args(argc, argv, &a), status = 1, ret;

    if (rc)
        goto done;
    if (argc - optind < 2) {
        rc = vp_cli_usage_error("debug call", "SERVICE and OPERATION are required");
        goto done;
    }
    if (!(svc = vp_service_find(argv[optind]))) {
        rc = vp_cli_usage_error("debug call", "unknown service '%s'", argv[optind]);
        goto done;
    }
    if (!(aws = vp_cli_aws(cli, &err))) {
        vp_cli_print_err(cli, &err);
        goto done;
    }
    switch (svc->protocol) {
    case VP_PROTO_QUERY:
        ret = call_query(aws, svc, argv[optind + 1], argc - optind - 2, argv + optind + 2, &err);
        break;
    case VP_PROTO_REST_XML:
        ret = call_s3(aws, argv[optind + 1], &a, &err);
        break;
    default:
        ret = call_json(aws, svc, argv[optind + 1], argc - optind - 2, argv + optind + 2, &a, &err);
        break;
    }
    if (ret < 0)
        vp_cli_print_err(cli, &err);
    status = ret < 0 ? 1 : 0;
done:
    vp_kv_release(&a.query);
    vp_kv_release(&a.headers);
    if (rc == 2)
        return 0;
    return rc ? 1 : status;
}

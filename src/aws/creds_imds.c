/* creds_imds.c: EC2 instance metadata (IMDSv2), last in the chain: PUT /latest/api/token, then the role
 * name and the role's credentials under /latest/meta-data/iam/security-credentials/ with that token.
 *
 * DESIGN: on a laptop nothing answers at 169.254.169.254, so this source must cost little: one attempt with
 * a 1 s timeout by default (botocore's defaults; AWS_METADATA_SERVICE_TIMEOUT and
 * AWS_METADATA_SERVICE_NUM_ATTEMPTS change them), and a transport failure on the token request ends the
 * source at once. As in botocore, IMDS failing never breaks the chain: it is "not found", with the reason
 * kept for the final "no credentials" message. A token request refused with 403, 404 or 405 (IMDSv1-only
 * endpoints) falls back to tokenless requests unless AWS_EC2_METADATA_V1_DISABLED is true. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/creds_sources.h"
#include "base/xalloc.h"

#define DEFAULT_BASE "http://169.254.169.254"
#define DEFAULT_BASE_IPV6 "http://[fd00:ec2::254]"
#define CREDS_PATH "/latest/meta-data/iam/security-credentials/"
#define BODY_MAX (64u << 10)

struct imds {
    struct vp_aws *aws;
    char *base;                     /* without a trailing '/' */
    long timeout_ms;
    int attempts;
};

/* An environment variable, else the profile's key. */
static const char *setting(struct vp_aws *aws, const char *env, const char *key)
{
    const char *v = vp_creds_env(env);

    return v ? v : vp_config_get(&aws->cfg, key);
}

static bool is_true(const char *v)
{
    return v && strcasecmp(v, "true") == 0;
}

/* Reasons for "not found" go in err with code VP_OK: the chain lists them. */
static int not_found(struct imds *m, struct vp_err *err, const char *why, const char *detail)
{
    vp_fail(err, VP_OK, "imds (%.200s: %s%s%.120s)", m->base, why, detail ? ": " : "", detail ? detail : "");
    return 0;
}

/* One request with the configured attempts. 1 with a 200 and a non-empty body; 0 with any other answer
 * (*status set); -1 when no answer came at all. */
static int request(struct imds *m, const char *method, const char *path, const char *token, bool put_ttl,
                   struct vp_http_response *resp, long *status, struct vp_err *err)
{
    struct vp_kvlist headers = VP_KVLIST_INIT;
    char *url = vp_xasprintf("%s%s", m->base, path);
    struct vp_http_request req = { .method = method, .url = url, .headers = &headers,
                                   .connect_timeout_ms = m->timeout_ms, .timeout_ms = m->timeout_ms,
                                   .no_proxy = true, .max_body_bytes = BODY_MAX };
    int ret = -1;

    /* IMDSv2: a session token for up to 6 hours, then that token on every read. */
    if (put_ttl)
        vp_kv_add(&headers, "X-aws-ec2-metadata-token-ttl-seconds", "21600");
    if (token)
        vp_kv_add(&headers, "X-aws-ec2-metadata-token", token);
    *status = 0;
    for (int attempt = 1; attempt <= m->attempts; attempt++) {
        vp_http_response_release(resp);
        if (vp_http_perform(m->aws->http, &req, resp, err) < 0) {
            ret = -1;
            continue;
        }
        *status = resp->status;
        ret = resp->status == 200 && resp->body.len ? 1 : 0;
        if (ret == 1 || (resp->status >= 400 && resp->status < 500))
            break;
    }
    for (size_t i = 0; i < headers.n; i++) {
        if (strcasecmp(headers.items[i].name, "X-aws-ec2-metadata-token") == 0) {
            vp_creds_free_token(headers.items[i].value);
            headers.items[i].value = NULL;
        }
    }
    vp_kv_release(&headers);
    free(url);
    return ret;
}

static bool role_name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("+=,.@_-", *s))
            return false;
    return true;
}

static int fetch(struct imds *m, struct vp_creds *out, struct vp_err *err)
{
    struct vp_http_response resp = VP_HTTP_RESPONSE_INIT;
    struct vp_err terr;
    char *token = NULL, *role = NULL, *path = NULL, what[300];
    json_t *doc = NULL;
    json_error_t jerr;
    long status;
    int r, ret = 0;

    r = request(m, "PUT", "/latest/api/token", NULL, true, &resp, &status, &terr);
    if (r < 0) {
        ret = not_found(m, err, "no answer", terr.msg);
        goto done;
    }
    if (r == 1) {
        token = vp_xstrndup(resp.body.data, strcspn(resp.body.data, "\r\n"));
    } else if (status == 403 || status == 404 || status == 405) {
        if (is_true(setting(m->aws, "AWS_EC2_METADATA_V1_DISABLED", "ec2_metadata_v1_disabled"))) {
            ret = not_found(m, err, "no IMDSv2 token and IMDSv1 is disabled", NULL);
            goto done;
        }
    } else {
        snprintf(what, sizeof(what), "token request answered HTTP %ld", status);
        ret = not_found(m, err, what, NULL);
        goto done;
    }
    vp_creds_wipe_buf(&resp.body);

    r = request(m, "GET", CREDS_PATH, token, false, &resp, &status, &terr);
    if (r <= 0) {
        snprintf(what, sizeof(what), "no IAM role (HTTP %ld)", status);
        ret = not_found(m, err, r < 0 ? "no answer" : what, r < 0 ? terr.msg : NULL);
        goto done;
    }
    /* The listing names one role; take its first line. */
    role = vp_xstrndup(resp.body.data, strcspn(resp.body.data, "\r\n"));
    if (!role_name_ok(role)) {
        ret = not_found(m, err, "the role listing is not a role name", NULL);
        goto done;
    }
    path = vp_xasprintf("%s%s", CREDS_PATH, role);
    r = request(m, "GET", path, token, false, &resp, &status, &terr);
    if (r <= 0) {
        snprintf(what, sizeof(what), "no credentials for role %.64s (HTTP %ld)", role, status);
        ret = not_found(m, err, r < 0 ? "no answer" : what, r < 0 ? terr.msg : NULL);
        goto done;
    }
    snprintf(what, sizeof(what), "imds (%.200s) role %.64s", m->base, role);
    doc = json_loadb(resp.body.data, resp.body.len, 0, &jerr);
    /* botocore reads an incomplete answer (an error document with Code and Message) as no credentials. */
    if (!doc || vp_creds_from_json(doc, "Token", true, what, "imds", out, &terr) < 0) {
        ret = not_found(m, err, "the credentials answer is incomplete or not JSON", NULL);
        goto done;
    }
    ret = 1;
done:
    json_decref(doc);
    vp_creds_wipe_buf(&resp.body);
    vp_http_response_release(&resp);
    vp_creds_free_token(token);
    free(role);
    free(path);
    return ret;
}

/* A positive number from a setting, else the fallback. */
static double positive(const char *v, double fallback)
{
    char *end;
    double d = v ? strtod(v, &end) : 0;

    return v && end != v && !*end && d > 0 ? d : fallback;
}

static int load_imds(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    struct imds m = { .aws = aws };
    const char *base, *mode;
    size_t n;
    int ret;

    if (is_true(vp_creds_env("AWS_EC2_METADATA_DISABLED"))) {
        vp_fail(err, VP_OK, "imds (disabled by AWS_EC2_METADATA_DISABLED)");
        return 0;
    }
    base = setting(aws, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "ec2_metadata_service_endpoint");
    mode = setting(aws, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ec2_metadata_service_endpoint_mode");
    if (!base || !*base)
        base = mode && strcasecmp(mode, "IPv6") == 0 ? DEFAULT_BASE_IPV6 : DEFAULT_BASE;
    if (strncasecmp(base, "http://", 7) != 0 && strncasecmp(base, "https://", 8) != 0)
        return vp_fail(err, VP_E_AWS_CONFIG, "the instance metadata endpoint '%.200s' is not an http or https URL",
                       base);
    m.base = vp_xstrdup(base);
    n = strlen(m.base);
    while (n && m.base[n - 1] == '/')
        m.base[--n] = '\0';
    m.timeout_ms = (long)(positive(setting(aws, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout"), 1) * 1000);
    m.attempts = (int)positive(setting(aws, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "metadata_service_num_attempts"), 1);
    if (m.attempts < 1 || m.attempts > 10)
        m.attempts = m.attempts < 1 ? 1 : 10;
    ret = fetch(&m, out, err);
    free(m.base);
    return ret;
}

const struct vp_cred_source vp_cred_imds = { "imds", load_imds };

/* client.c: the one client core: every AWS call goes through vp_aws_send().
 *
 * DESIGN: a call resolves its endpoint (endpoint.c), then loops over attempts: sign a fresh copy of the
 * request (signing adds headers or query parameters, and the time must be new each attempt), send it
 * (http.c), and on failure parse the error by protocol (error.c) and ask retry.c whether to go again.
 * A clock-skew error (RequestTimeTooSkewed and kin) with a server Date far from ours corrects the signing
 * clock and retries at once, as the SDKs do. Every attempt is logged at debug level with secrets redacted.
 * Credentials are resolved on first use and refreshed ahead of their expiry under the client's lock. */
#include "aws/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/endpoint.h"
#include "aws/error.h"
#include "aws/redact.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "aws/uri.h"
#include "base/log.h"
#include "base/xalloc.h"

#define REFRESH_BEFORE_EXPIRY_S (10 * 60)
#define SKEW_THRESHOLD_S (4 * 60)

static time_t system_now(void)
{
    return time(NULL);
}

/* A timeout from the environment in milliseconds; 0 (the default) when unset or not a positive number. */
static long env_ms(const char *name)
{
    const char *v = getenv(name);
    long n = v ? strtol(v, NULL, 10) : 0;

    return n > 0 ? n : 0;
}

struct vp_aws *vp_aws_new(const struct vp_aws_options *opts, struct vp_err *err)
{
    struct vp_aws *aws = vp_xcalloc(1, sizeof(*aws));

    pthread_mutex_init(&aws->lock, NULL);
    pthread_mutex_init(&aws->slot_lock, NULL);
    pthread_cond_init(&aws->slot_free, NULL);
    aws->retry_quota = VP_RETRY_QUOTA_MAX;
    aws->now = system_now;
    if (vp_config_load(&aws->cfg, opts ? opts->profile : NULL, err) < 0) {
        vp_aws_free(aws);
        return NULL;
    }
    if (opts && opts->region) {
        free(aws->cfg.region);
        aws->cfg.region = vp_xstrdup(opts->region);
    }
    aws->http = vp_http_new(opts && opts->connect_timeout_ms ? opts->connect_timeout_ms : env_ms("VIDPIPE_CONNECT_TIMEOUT_MS"),
                            opts && opts->timeout_ms ? opts->timeout_ms : env_ms("VIDPIPE_HTTP_TIMEOUT_MS"));
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    return aws;
}

void vp_aws_free(struct vp_aws *aws)
{
    if (!aws)
        return;
    vp_http_free(aws->http);
    vp_creds_release(&aws->creds);
    vp_config_release(&aws->cfg);
    pthread_mutex_destroy(&aws->lock);
    pthread_mutex_destroy(&aws->slot_lock);
    pthread_cond_destroy(&aws->slot_free);
    free(aws);
}

void vp_aws_limit_in_flight(struct vp_aws *aws, int n)
{
    if (aws)                        /* the engine's unit tests run providers without a client */
        aws->max_in_flight = n > 0 ? n : 0;
}

static void take_slot(struct vp_aws *aws)
{
    if (aws->max_in_flight <= 0)
        return;
    pthread_mutex_lock(&aws->slot_lock);
    while (aws->in_flight >= aws->max_in_flight)
        pthread_cond_wait(&aws->slot_free, &aws->slot_lock);
    aws->in_flight++;
    pthread_mutex_unlock(&aws->slot_lock);
}

static void give_slot(struct vp_aws *aws)
{
    if (aws->max_in_flight <= 0)
        return;
    pthread_mutex_lock(&aws->slot_lock);
    aws->in_flight--;
    pthread_cond_signal(&aws->slot_free);
    pthread_mutex_unlock(&aws->slot_lock);
}

int vp_aws_region(struct vp_aws *aws, const char **region, struct vp_err *err)
{
    if (!aws->cfg.region || !aws->cfg.region[0])
        return vp_fail(err, VP_E_AWS_CONFIG,
                       "no AWS region: set AWS_REGION, pass --region, or set region in profile '%s'",
                       aws->cfg.profile);
    *region = aws->cfg.region;
    return 0;
}

static bool needs_refresh(const struct vp_aws *aws, time_t now)
{
    return !aws->have_creds ||
           (aws->creds.expires_at && aws->creds.expires_at - now < REFRESH_BEFORE_EXPIRY_S);
}

int vp_aws_get_creds(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    int ret = 0;

    /* One resolver at a time: concurrent calls wait for it instead of all asking STS or IMDS. */
    pthread_mutex_lock(&aws->lock);
    if (needs_refresh(aws, aws->now())) {
        struct vp_creds fresh = { 0 };
        pthread_mutex_unlock(&aws->lock);
        ret = vp_creds_resolve(aws, &fresh, err);
        pthread_mutex_lock(&aws->lock);
        if (ret == 0) {
            vp_creds_release(&aws->creds);
            aws->creds = fresh;
            aws->have_creds = true;
            vp_debug("credentials from %s%s", fresh.source, fresh.expires_at ? " (temporary)" : "");
        } else if (aws->have_creds && aws->creds.expires_at > aws->now()) {
            /* A failed early refresh keeps the credentials that are still valid. */
            vp_log(VP_LOG_WARN, "refreshing credentials failed, using the current ones: %s", err->msg);
            ret = 0;
        }
    }
    if (ret == 0)
        vp_creds_copy(out, &aws->creds);
    pthread_mutex_unlock(&aws->lock);
    return ret;
}

void vp_request_init(struct vp_request *req, const struct vp_service *svc, const char *method)
{
    memset(req, 0, sizeof(*req));
    req->svc = svc;
    req->method = method;
    vp_buf_init(&req->path, 0);
    vp_buf_init(&req->body, 0);
}

void vp_request_path_add(struct vp_request *req, const char *segment, bool keep_slash)
{
    vp_buf_putc(&req->path, '/');
    vp_uri_encode(&req->path, segment, strlen(segment), keep_slash);
}

void vp_request_release(struct vp_request *req)
{
    vp_buf_release(&req->path);
    vp_buf_release(&req->body);
    vp_kv_release(&req->query);
    vp_kv_release(&req->headers);
}

void vp_response_init(struct vp_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    vp_buf_init(&resp->body, 0);
}

void vp_response_release(struct vp_response *resp)
{
    vp_kv_release(&resp->headers);
    vp_buf_release(&resp->body);
    resp->status = 0;
}

/* Where one call goes: base URL (with the bucket in the host for virtual-hosted S3), wire path, host. */
struct target {
    char *base;                 /* scheme://host[:port][/base-path] */
    char *path;                 /* wire path: base path + bucket (path style) + request path */
    char *host;                 /* host[:port] for the Host header */
    const char *signing_region;
};

static void target_release(struct target *t)
{
    free(t->base);
    free(t->path);
    free(t->host);
}

static int resolve_target(struct vp_aws *aws, const struct vp_request *req, const char *region, struct target *t,
                          struct vp_err *err)
{
    char *endpoint = NULL, *base;
    bool custom = false, path_style = true;
    const char *after_scheme, *base_path;
    struct vp_buf path = VP_BUF_INIT(0);

    if (vp_endpoint_resolve(aws, req->svc, region, &endpoint, &custom, err) < 0)
        return -1;
    if (req->endpoint && *req->endpoint && !custom) {
        /* the caller's endpoint replaces the regional default, never a configured override */
        size_t n = strlen(req->endpoint);
        free(endpoint);
        if (vp_endpoint_check(req->endpoint, "endpoint", err) < 0)
            return -1;              /* endpoint freed: nothing else is held yet */
        while (n > 0 && req->endpoint[n - 1] == '/')
            n--;
        endpoint = vp_xstrndup(req->endpoint, n);
    }
    base = endpoint;
    if (req->bucket)
        base = vp_s3_bucket_url(endpoint, req->bucket, aws->cfg.s3_force_path_style, &path_style);
    after_scheme = strstr(base, "://") + 3;
    base_path = after_scheme + strcspn(after_scheme, "/");
    t->host = vp_xstrndup(after_scheme, (size_t)(base_path - after_scheme));
    t->base = vp_xstrndup(base, (size_t)(base_path - base));
    vp_buf_puts(&path, base_path);
    if (req->bucket && path_style)
        vp_uri_encode(&path, "/", 1, true), vp_uri_encode(&path, req->bucket, strlen(req->bucket), false);
    vp_buf_puts(&path, req->path.len ? req->path.data : (path.len ? "" : "/"));
    t->path = vp_buf_detach(&path, NULL);
    t->signing_region = vp_endpoint_signing_region(req->svc, region);
    if (base != endpoint)
        free(base);
    free(endpoint);
    return 0;
}

static void append_query(struct vp_buf *url, const struct vp_kvlist *query)
{
    for (size_t i = 0; i < query->n; i++) {
        vp_buf_putc(url, i ? '&' : '?');
        vp_uri_encode(url, query->items[i].name, strlen(query->items[i].name), false);
        vp_buf_putc(url, '=');
        vp_uri_encode(url, query->items[i].value, strlen(query->items[i].value), false);
    }
}

/* One attempt's signed copy of the request. */
struct attempt {
    struct vp_kvlist headers, query;
    char *url;
};

static void attempt_release(struct attempt *a)
{
    vp_kv_release(&a->headers);
    vp_kv_release(&a->query);
    free(a->url);
}

static int sign_attempt(struct vp_aws *aws, const struct vp_request *req, const struct target *t,
                        const struct vp_creds *creds, struct attempt *a, struct vp_err *err)
{
    struct vp_buf url = VP_BUF_INIT(0);
    long skew;

    vp_kv_copy(&a->headers, &req->headers);
    vp_kv_copy(&a->query, &req->query);
    vp_kv_set(&a->headers, "Host", t->host);
    if (creds) {
        bool s3 = req->svc == &vp_svc_s3;
        struct vp_sigv4 sig = VP_SIGV4_INIT;
        struct vp_sigv4_request sreq = {
            .method = req->method, .path = t->path, .query = &a->query, .headers = &a->headers,
            .body = req->body.data, .body_len = req->body.len,
        };
        struct vp_sigv4_params params = {
            .service = req->svc->signing_name, .region = t->signing_region, .mode = VP_SIGV4_HEADER,
            .s3_rules = s3, .normalize_path = !s3, .sign_body = s3,
        };
        int rc;

        pthread_mutex_lock(&aws->lock);
        skew = aws->clock_skew_s;
        pthread_mutex_unlock(&aws->lock);
        params.time = aws->now() + skew;
        rc = vp_sigv4_sign(&sreq, &params, creds, &sig, err);
        vp_sigv4_release(&sig);
        if (rc < 0)
            return -1;
    }
    vp_buf_puts(&url, t->base);
    vp_buf_puts(&url, t->path);
    append_query(&url, &a->query);
    a->url = vp_buf_detach(&url, NULL);
    return 0;
}

static void log_attempt(const struct vp_request *req, const struct attempt *a, const struct vp_response *resp,
                        const struct vp_err *err, int attempt, int max_attempts, double ms)
{
    struct vp_buf url = VP_BUF_INIT(0);
    const char *rid = vp_response_request_id(resp);

    if (!vp_log_enabled(VP_LOG_DEBUG))
        return;
    vp_redact_url(&url, a->url);
    for (size_t i = 0; i < a->headers.n; i++)
        vp_log(VP_LOG_DEBUG, "http > %s: %s", a->headers.items[i].name,
               vp_redact_header(a->headers.items[i].name) ? "REDACTED" : a->headers.items[i].value);
    if (resp->status)
        vp_log(VP_LOG_DEBUG, "http %s %s %s -> %ld in %.1f ms (attempt %d/%d, request id %s)",
               req->operation ? req->operation : "-", req->method, url.data, resp->status, ms, attempt,
               max_attempts, rid ? rid : "-");
    else
        vp_log(VP_LOG_DEBUG, "http %s %s %s -> failed in %.1f ms (attempt %d/%d): %s",
               req->operation ? req->operation : "-", req->method, url.data, ms, attempt, max_attempts, err->msg);
    vp_buf_release(&url);
}

static double elapsed_ms(const struct timespec *start)
{
    struct timespec end;

    clock_gettime(CLOCK_MONOTONIC, &end);
    return (double)(end.tv_sec - start->tv_sec) * 1e3 + (double)(end.tv_nsec - start->tv_nsec) / 1e6;
}

/* A clock-skew error whose Date header is minutes from our clock: learn the skew; true to retry at once. */
static bool corrected_clock_skew(struct vp_aws *aws, const struct vp_response *resp, const struct vp_err *err)
{
    const char *date = vp_kv_get(&resp->headers, "Date");
    struct tm tm = { 0 };
    time_t server, ours;
    long skew;

    if (!date || !vp_retry_is_clock_skew_code(err->aws_code))
        return false;
    if (!strptime(date, "%a, %d %b %Y %H:%M:%S GMT", &tm))
        return false;
    server = timegm(&tm);
    ours = aws->now();
    pthread_mutex_lock(&aws->lock);
    skew = (long)(server - ours);
    if (labs(skew - aws->clock_skew_s) < SKEW_THRESHOLD_S) {
        pthread_mutex_unlock(&aws->lock);
        return false;
    }
    aws->clock_skew_s = skew;
    pthread_mutex_unlock(&aws->lock);
    vp_log(VP_LOG_INFO, "local clock is %ld s off the server's; correcting and retrying", skew);
    return true;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* One exchange: 0 on 2xx, -1 with err filled (transport or service error). */
static int exchange(struct vp_aws *aws, const struct vp_request *req, const struct attempt *a,
                    struct vp_response *resp, struct vp_err *err)
{
    struct vp_http_request hreq = {
        .method = req->method, .url = a->url, .headers = &a->headers, .body = req->body.data,
        .body_len = req->body.len, .fresh_connection = req->not_idempotent,
    };
    struct vp_http_response hresp = VP_HTTP_RESPONSE_INIT;

    vp_err_clear(err);
    vp_response_release(resp);
    if (vp_http_perform(aws->http, &hreq, &hresp, err) < 0) {
        snprintf(err->service, sizeof(err->service), "%s", req->svc->name);
        vp_err_prefix(err, "%s %s", req->svc->name, req->operation ? req->operation : req->method);
        vp_http_response_release(&hresp);
        return -1;
    }
    resp->status = hresp.status;
    resp->headers = hresp.headers;
    resp->body = hresp.body;
    if (resp->status >= 200 && resp->status < 300)
        return 0;
    return vp_error_from_response(req->svc, req->operation ? req->operation : req->method, resp, err);
}

int vp_aws_send(struct vp_aws *aws, struct vp_request *req, struct vp_response *resp, struct vp_err *err)
{
    struct vp_creds own = { 0 };
    const struct vp_creds *creds = NULL;
    struct target t = { 0 };
    const char *region = req->region;
    int max_attempts = vp_retry_max_attempts(aws), last_cost = 0, ret = -1;
    bool skew_retried = false;

    if (!region && vp_aws_region(aws, &region, err) < 0)
        return -1;
    if (resolve_target(aws, req, region, &t, err) < 0)
        return -1;
    if (!req->anonymous) {
        if (req->creds)
            creds = req->creds;
        else if (vp_aws_get_creds(aws, &own, err) < 0)
            goto done;
        else
            creds = &own;
    }
    for (int attempt = 1;; attempt++) {
        struct attempt a = { 0 };
        struct timespec start;
        enum vp_retry_kind kind;
        long delay_ms;
        int cost;

        if (sign_attempt(aws, req, &t, creds, &a, err) < 0) {
            attempt_release(&a);
            goto done;
        }
        take_slot(aws);
        clock_gettime(CLOCK_MONOTONIC, &start);
        ret = exchange(aws, req, &a, resp, err);
        give_slot(aws);
        log_attempt(req, &a, resp, err, attempt, max_attempts, elapsed_ms(&start));
        attempt_release(&a);
        if (ret == 0) {
            vp_retry_on_success(aws, last_cost);
            goto done;
        }
        if (!skew_retried && err->code == VP_E_AWS_SERVICE && corrected_clock_skew(aws, resp, err)) {
            skew_retried = true;        /* a fresh signature with the corrected clock, not counted */
            attempt--;
            continue;
        }
        kind = vp_retry_classify(err);
        if (req->not_idempotent && err->code == VP_E_AWS_TRANSPORT) {
            /* The request may have reached AWS and been carried out, its answer lost (a reset, a cut body):
             * sent again it could make a second one. The caller looks first (struct vp_request). */
            err->maybe_done = true;
            goto done;
        }
        if (!vp_retry_decide(aws, attempt, kind, &delay_ms, &cost))
            goto done;
        last_cost = cost;
        vp_debug("retrying %s %s in %ld ms (%s)", req->svc->name, req->operation ? req->operation : req->method,
                 delay_ms, err->aws_code[0] ? err->aws_code : err->msg);
        sleep_ms(delay_ms);
    }
done:
    vp_creds_release(&own);
    target_release(&t);
    return ret;
}

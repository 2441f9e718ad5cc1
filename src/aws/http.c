/* http.c: one HTTP exchange over libcurl.
 *
 * DESIGN: a pool of easy handles behind a mutex. A call takes an idle handle (or makes one), uses it alone
 * and gives it back, so concurrent calls never share a handle while each handle keeps its connections
 * alive for the next call (connection reuse). TLS verification stays on; AWS_CA_BUNDLE names a CA file
 * as in the SDKs, and where libcurl's built-in CA path is absent (Amazon Linux keeps its bundle elsewhere)
 * the known bundle paths are tried. Proxies come from the usual environment variables, which libcurl reads
 * itself (http_proxy, https_proxy, no_proxy). */
#include "aws/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"

#define POOL_MAX 32
#define DEFAULT_MAX_BODY (64u << 20)    /* 64 MiB: no API answer we read is near this */

struct vp_http {
    pthread_mutex_t lock;
    CURL *idle[POOL_MAX];
    int n_idle;
    long connect_timeout_ms, timeout_ms;
    const char *ca_file;                /* NULL: libcurl's default */
};

struct transfer {
    struct vp_http_response *resp;
    struct vp_err *err;
    bool over_limit;
};

static const char *find_ca_file(void)
{
    static const char *const candidates[] = {
        "/etc/ssl/certs/ca-certificates.crt",           /* Debian, Ubuntu */
        "/etc/pki/tls/certs/ca-bundle.crt",             /* Amazon Linux, Fedora, RHEL */
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/cert.pem",
    };
    const char *env = getenv("AWS_CA_BUNDLE");

    if (env && *env)
        return env;
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

struct vp_http *vp_http_new(long connect_timeout_ms, long timeout_ms)
{
    struct vp_http *h = vp_xcalloc(1, sizeof(*h));

    pthread_mutex_init(&h->lock, NULL);
    h->connect_timeout_ms = connect_timeout_ms > 0 ? connect_timeout_ms : 3000;
    h->timeout_ms = timeout_ms > 0 ? timeout_ms : 60000;
    h->ca_file = find_ca_file();
    return h;
}

void vp_http_free(struct vp_http *h)
{
    if (!h)
        return;
    for (int i = 0; i < h->n_idle; i++)
        curl_easy_cleanup(h->idle[i]);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static CURL *take_handle(struct vp_http *h)
{
    CURL *c = NULL;

    pthread_mutex_lock(&h->lock);
    if (h->n_idle > 0)
        c = h->idle[--h->n_idle];
    pthread_mutex_unlock(&h->lock);
    if (!c && !(c = curl_easy_init())) {
        fprintf(stderr, "vidpipe: cannot initialise libcurl\n");
        abort();
    }
    curl_easy_reset(c);
    return c;
}

static void give_back(struct vp_http *h, CURL *c)
{
    pthread_mutex_lock(&h->lock);
    if (h->n_idle < POOL_MAX) {
        h->idle[h->n_idle++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&h->lock);
    if (c)
        curl_easy_cleanup(c);
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
    struct transfer *t = userdata;
    size_t len = size * n;

    if (vp_buf_add(&t->resp->body, data, len, NULL) < 0) {
        t->over_limit = true;
        return 0;                       /* aborts the transfer: CURLE_WRITE_ERROR */
    }
    return len;
}

static size_t on_header(char *line, size_t size, size_t n, void *userdata)
{
    struct transfer *t = userdata;
    size_t len = size * n, name_len, value_start, value_end;
    const char *colon = memchr(line, ':', len);

    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        vp_kv_release(&t->resp->headers);   /* a new status line (after 100 Continue or a redirect) */
        return len;
    }
    if (!colon)
        return len;
    name_len = (size_t)(colon - line);
    value_start = name_len + 1;
    while (value_start < len && (line[value_start] == ' ' || line[value_start] == '\t'))
        value_start++;
    value_end = len;
    while (value_end > value_start && (line[value_end - 1] == '\r' || line[value_end - 1] == '\n' ||
                                       line[value_end - 1] == ' '))
        value_end--;
    vp_kv_addn(&t->resp->headers, line, name_len, line + value_start, value_end - value_start);
    return len;
}

static bool retryable_transport(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
        return true;
    default:
        return false;
    }
}

static struct curl_slist *header_list(const struct vp_kvlist *headers)
{
    struct curl_slist *list = NULL;

    for (size_t i = 0; headers && i < headers->n; i++) {
        char *line;
        /* "Name;" sends a header with an empty value; "Name:" would remove it. */
        if (headers->items[i].value[0])
            line = vp_xasprintf("%s: %s", headers->items[i].name, headers->items[i].value);
        else
            line = vp_xasprintf("%s;", headers->items[i].name);
        list = curl_slist_append(list, line);
        free(line);
    }
    list = curl_slist_append(list, "Expect:");      /* no 100-continue round trip */
    list = curl_slist_append(list, "Accept:");
    return list;
}

static void set_method(CURL *c, const struct vp_http_request *req)
{
    if (strcmp(req->method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        return;
    }
    if (strcmp(req->method, "GET") != 0 || req->body_len) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body_len ? req->body : "");
    }
    if (strcmp(req->method, "POST") != 0)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
}

int vp_http_perform(struct vp_http *h, const struct vp_http_request *req, struct vp_http_response *resp,
                    struct vp_err *err)
{
    struct transfer t = { .resp = resp, .err = err };
    struct curl_slist *headers = header_list(req->headers);
    char curl_msg[CURL_ERROR_SIZE] = "";
    CURL *c = take_handle(h);
    CURLcode rc;
    int ret = 0;

    vp_kv_release(&resp->headers);
    vp_buf_release(&resp->body);
    resp->body.max = req->max_body_bytes ? req->max_body_bytes : DEFAULT_MAX_BODY;
    resp->status = 0;
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    /* The path goes out exactly as it was signed: curl would otherwise squash "." and ".." segments, which are
     * legal in S3 keys, turning "bucket/../other/k" into a request for another bucket's object. */
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    /* On a reused connection that dies before any answer, libcurl silently sends the request again ("Connection
     * died, retrying a fresh connect"), even a POST the server already carried out: a request that must not go
     * twice gets a connection of its own, which libcurl never resends on. */
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, req->fresh_connection ? 1L : 0L);
    set_method(c, req);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms ? req->connect_timeout_ms : h->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms ? req->timeout_ms : h->timeout_ms);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
    if (req->no_proxy)
        curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_msg);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    } else if (t.over_limit) {
        ret = vp_fail(err, VP_E_LIMIT, "response from %s is larger than %zu bytes", req->url, resp->body.max);
    } else {
        ret = vp_fail(err, VP_E_AWS_TRANSPORT, "%s", curl_msg[0] ? curl_msg : curl_easy_strerror(rc));
        if (err) {
            err->retryable = retryable_transport(rc);
            err->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
        }
    }
    curl_slist_free_all(headers);
    give_back(h, c);
    return ret;
}

void vp_http_response_release(struct vp_http_response *resp)
{
    vp_kv_release(&resp->headers);
    vp_buf_release(&resp->body);
    resp->status = 0;
}

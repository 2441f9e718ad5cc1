/* jwks.c: fetching an issuer's key set through OpenID Connect Discovery, and the key set cache (see
 * jwks.h).
 *
 * DESIGN: the HTTP is aws/http.c's (libcurl with TLS verification, timeouts, the proxy environment and a
 * body ceiling); requests to a loopback issuer bypass proxies, as a development issuer on 127.0.0.1 is
 * never behind one. The cache is a list of issuers, each with its own lock held across its fetch. */
#include "local/jwks.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "aws/http.h"
#include "base/xalloc.h"

static const char R_NO_KEYS[] = "the issuer's signing keys could not be fetched";

/* --- fetching ---------------------------------------------------------------------------------------- */

static bool is_loopback(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL;
    bool loopback = false;

    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        loopback = strcmp(host, "127.0.0.1") == 0 || strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0;
    curl_free(host);
    curl_url_cleanup(u);
    return loopback;
}

/* GET url, which must answer 200 with a JSON object. */
static int get_json(struct vp_http *http, const char *url, long timeout_ms, json_t **doc, struct vp_err *err)
{
    struct vp_kvlist headers = VP_KVLIST_INIT;
    struct vp_http_response resp = VP_HTTP_RESPONSE_INIT;
    struct vp_http_request req = {
        .method = "GET", .url = url, .headers = &headers, .connect_timeout_ms = timeout_ms,
        .timeout_ms = timeout_ms, .no_proxy = is_loopback(url), .max_body_bytes = VP_JWKS_MAX_BYTES,
    };
    json_error_t jerr;
    int ret = 0;

    *doc = NULL;
    vp_kv_add(&headers, "Accept", "application/json");
    if (vp_http_perform(http, &req, &resp, err) < 0)
        ret = vp_err_prefix(err, "GET %s", url);
    else if (resp.status != 200)
        ret = vp_fail(err, VP_E_IO, "GET %s: HTTP %ld", url, resp.status);
    else if (!(*doc = json_loadb(resp.body.data, resp.body.len, 0, &jerr)))
        ret = vp_fail(err, VP_E_PARSE, "GET %s: the answer is not JSON: %s", url, jerr.text);
    else if (!json_is_object(*doc))
        ret = vp_fail(err, VP_E_PARSE, "GET %s: the answer is not a JSON object", url);
    if (ret < 0) {
        json_decref(*doc);
        *doc = NULL;
    }
    vp_http_response_release(&resp);
    vp_kv_release(&headers);
    return ret;
}

static int check_key_set(const json_t *jwks, const char *url, struct vp_err *err)
{
    const json_t *keys = json_object_get(jwks, "keys"), *key;
    size_t i;

    if (!json_is_array(keys))
        return vp_fail(err, VP_E_PARSE, "GET %s: not a JSON Web Key Set: no \"keys\" array", url);
    json_array_foreach(keys, i, key)
        if (!json_is_string(json_object_get(key, "kty")))
            return vp_fail(err, VP_E_PARSE, "GET %s: key %zu is not a JSON Web Key (no \"kty\")", url, i);
    return 0;
}

static int fetch_with(struct vp_http *http, const char *issuer, long timeout_ms, json_t **jwks, struct vp_err *err)
{
    size_t len = strlen(issuer);
    char *url;
    json_t *discovery = NULL;
    const char *named, *jwks_uri;
    int ret;

    *jwks = NULL;
    while (len > 0 && issuer[len - 1] == '/')
        len--;
    url = vp_xasprintf("%.*s/.well-known/openid-configuration", (int)len, issuer);
    if ((ret = get_json(http, url, timeout_ms, &discovery, err)) < 0)
        goto out;
    named = json_string_value(json_object_get(discovery, "issuer"));
    jwks_uri = json_string_value(json_object_get(discovery, "jwks_uri"));
    if (!named || strcmp(named, issuer) != 0)
        ret = vp_fail(err, VP_E_PARSE, "GET %s: the document's issuer is '%.200s', not '%.200s'", url,
                      named ? named : "(none)", issuer);
    else if (!jwks_uri || !*jwks_uri)
        ret = vp_fail(err, VP_E_PARSE, "GET %s: the document has no jwks_uri", url);
    else if ((ret = get_json(http, jwks_uri, timeout_ms, jwks, err)) == 0 && (ret = check_key_set(*jwks, jwks_uri, err)) < 0) {
        json_decref(*jwks);
        *jwks = NULL;
    }
out:
    json_decref(discovery);
    free(url);
    return ret;
}

int vp_jwks_fetch(const char *issuer, long timeout_ms, json_t **jwks, struct vp_err *err)
{
    struct vp_http *http;
    int ret;

    timeout_ms = timeout_ms > 0 ? timeout_ms : VP_JWKS_TIMEOUT_MS;
    http = vp_http_new(timeout_ms, timeout_ms);
    ret = fetch_with(http, issuer, timeout_ms, jwks, err);
    vp_http_free(http);
    return ret;
}

/* --- the cache --------------------------------------------------------------------------------------- */

struct issuer_keys {
    char *issuer;
    pthread_mutex_t mu;                 /* held while this issuer's set is read or fetched */
    json_t *jwks;                       /* NULL until a fetch succeeds */
    time_t fetched_at;                  /* the last successful fetch: the TTL counts from it */
    time_t tried_at;                    /* the last fetch tried: unknown kids refetch a minute after it */
    struct issuer_keys *next;
};

struct vp_jwks_cache {
    pthread_mutex_t mu;                 /* the list */
    struct issuer_keys *issuers;
    struct vp_http *http;
    long ttl_s, min_refetch_s, timeout_ms;
    time_t (*clock)(void);
};

static time_t monotonic_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

struct vp_jwks_cache *vp_jwks_cache_new(const struct vp_jwks_cache_opts *opts)
{
    struct vp_jwks_cache *c = vp_xcalloc(1, sizeof(*c));
    struct vp_jwks_cache_opts o = opts ? *opts : (struct vp_jwks_cache_opts){ 0 };

    pthread_mutex_init(&c->mu, NULL);
    c->ttl_s = o.ttl_s > 0 ? o.ttl_s : VP_JWKS_TTL_S;
    c->min_refetch_s = o.min_refetch_s ? o.min_refetch_s : VP_JWKS_MIN_REFETCH_S;
    c->timeout_ms = o.timeout_ms > 0 ? o.timeout_ms : VP_JWKS_TIMEOUT_MS;
    c->clock = o.clock ? o.clock : monotonic_s;
    c->http = vp_http_new(c->timeout_ms, c->timeout_ms);
    return c;
}

void vp_jwks_cache_free(struct vp_jwks_cache *c)
{
    if (!c)
        return;
    while (c->issuers) {
        struct issuer_keys *k = c->issuers;
        c->issuers = k->next;
        json_decref(k->jwks);
        pthread_mutex_destroy(&k->mu);
        free(k->issuer);
        free(k);
    }
    vp_http_free(c->http);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

/* The issuer's entry, made on first use; entries live as long as the cache. */
static struct issuer_keys *entry_for(struct vp_jwks_cache *c, const char *issuer)
{
    struct issuer_keys *k;

    pthread_mutex_lock(&c->mu);
    for (k = c->issuers; k && strcmp(k->issuer, issuer) != 0; k = k->next)
        ;
    if (!k) {
        k = vp_xcalloc(1, sizeof(*k));
        k->issuer = vp_xstrdup(issuer);
        pthread_mutex_init(&k->mu, NULL);
        k->next = c->issuers;
        c->issuers = k;
    }
    pthread_mutex_unlock(&c->mu);
    return k;
}

static bool has_kid(const json_t *jwks, const char *kid)
{
    const json_t *key;
    size_t i;

    json_array_foreach(json_object_get(jwks, "keys"), i, key) {
        const char *k = json_string_value(json_object_get(key, "kid"));
        if (k && strcmp(k, kid) == 0)
            return true;
    }
    return false;
}

/* Whether the entry's set must be fetched (again) now; entry locked. */
static bool needs_fetch(const struct vp_jwks_cache *c, const struct issuer_keys *k, const char *kid, time_t now)
{
    if (!k->jwks || now - k->fetched_at >= c->ttl_s)
        return true;
    if (!kid || has_kid(k->jwks, kid))
        return false;
    return c->min_refetch_s < 0 || now - k->tried_at >= c->min_refetch_s;
}

int vp_jwks_cache_get(struct vp_jwks_cache *c, const char *issuer, const char *kid, json_t **jwks,
                      struct vp_err *err)
{
    struct issuer_keys *k;
    json_t *fresh = NULL;
    time_t now;
    bool expired;
    int ret = 0;

    *jwks = NULL;
    if (!issuer || !*issuer)
        return vp_fail(err, VP_E_USAGE, "no issuer to fetch keys from");
    k = entry_for(c, issuer);
    pthread_mutex_lock(&k->mu);
    now = c->clock();
    if (needs_fetch(c, k, kid, now)) {
        expired = !k->jwks || now - k->fetched_at >= c->ttl_s;
        k->tried_at = now;
        if (fetch_with(c->http, issuer, c->timeout_ms, &fresh, err) == 0) {
            json_decref(k->jwks);
            k->jwks = fresh;
            k->fetched_at = c->clock();
        } else if (expired) {
            ret = -1;                   /* no stale keys */
        }
    }
    if (ret == 0)
        *jwks = json_incref(k->jwks);
    pthread_mutex_unlock(&k->mu);
    return ret;
}

int vp_jwks_cache_verify(struct vp_jwks_cache *c, const char *token, const struct vp_jwt_policy *p,
                         json_t **claims, const char **reason, struct vp_err *err)
{
    char kid[256];
    json_t *jwks;
    int ret;

    *claims = NULL;
    if (vp_jwks_cache_get(c, p->issuer, vp_jwt_peek_kid(token, kid, sizeof(kid)) ? kid : NULL, &jwks, err) < 0) {
        *reason = R_NO_KEYS;
        return -1;
    }
    ret = vp_jwt_verify(token, jwks, p, claims, reason, err);
    json_decref(jwks);
    return ret;
}

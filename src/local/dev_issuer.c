/* dev_issuer.c: the development OpenID Connect issuer (see dev_issuer.h).
 *
 * DESIGN: everything that does not change is made once by vp_dev_issuer_new (the key, the kid, the token
 * header's segment, the key set and the discovery document), so serving is only copying and signing, and
 * the issuer is safe to share between threads. Keys and signatures are OpenSSL's; form fields are decoded
 * by libcurl (curl_easy_unescape); documents are built with jansson. */
#include "local/dev_issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "base/xalloc.h"
#include "local/jwt.h"

#define KEY_BITS 2048
#define MAX_NAME 128
#define MAX_TOKEN_REQUEST (64u * 1024)

struct vp_dev_issuer {
    char *issuer;                       /* "iss", as given */
    char *base;                         /* the issuer without trailing slashes: endpoints hang off it */
    char *kid;
    char *header_b64;                   /* the token header's segment */
    EVP_PKEY *key;
    json_t *jwks, *discovery;
};

static char *random_b64url(size_t bytes)
{
    unsigned char r[32];

    if (bytes > sizeof(r) || RAND_bytes(r, (int)bytes) != 1) {
        fprintf(stderr, "vidpipe: no random bytes\n");
        abort();
    }
    return vp_b64url_encode(r, bytes);
}

/* The issuer must be an absolute http(s) URL without query or fragment (as OpenID Connect Discovery
 * requires of an issuer identifier; plain http is allowed here, for 127.0.0.1). */
static int check_issuer_url(const char *url, struct vp_err *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *query = NULL, *fragment = NULL;
    int ret = 0;

    if (!url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        ret = vp_fail(err, VP_E_USAGE, "the issuer '%s' is not a URL", url ? url : "(null)");
    else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
        ret = vp_fail(err, VP_E_USAGE, "the issuer '%s' is not an http or https URL", url);
    else if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK ||
             curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0) == CURLUE_OK)
        ret = vp_fail(err, VP_E_USAGE, "the issuer '%s' has a query or fragment", url);
    curl_free(scheme);
    curl_free(query);
    curl_free(fragment);
    curl_url_cleanup(u);
    return ret;
}

static char *bn_param_b64url(const EVP_PKEY *key, const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char *raw;
    char *out = NULL;
    int n;

    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1)
        return NULL;
    raw = vp_xmalloc((size_t)BN_num_bytes(bn) + 1);
    n = BN_bn2bin(bn, raw);
    out = vp_b64url_encode(raw, (size_t)n);
    free(raw);
    BN_free(bn);
    return out;
}

static int make_documents(struct vp_dev_issuer *d, struct vp_err *err)
{
    char *n = bn_param_b64url(d->key, OSSL_PKEY_PARAM_RSA_N), *e = bn_param_b64url(d->key, OSSL_PKEY_PARAM_RSA_E);
    json_t *header = json_pack("{s:s, s:s, s:s}", "alg", "RS256", "kid", d->kid, "typ", "JWT");
    char *header_json = json_dumps(header, JSON_COMPACT);
    char *jwks_uri = vp_xasprintf("%s/.well-known/jwks.json", d->base);
    char *token_endpoint = vp_xasprintf("%s/token", d->base);
    int ret = 0;

    if (!n || !e) {
        ret = vp_fail(err, VP_E_IO, "cannot read the development issuer's RSA key");
    } else {
        d->header_b64 = vp_b64url_encode(header_json, strlen(header_json));
        d->jwks = json_pack("{s:[{s:s, s:s, s:s, s:s, s:s, s:s}]}", "keys", "kty", "RSA", "kid", d->kid, "use",
                            "sig", "alg", "RS256", "n", n, "e", e);
        d->discovery = json_pack("{s:s, s:s, s:s, s:[s], s:[s], s:[s], s:[s, s], s:[s]}", "issuer", d->issuer,
                                 "jwks_uri", jwks_uri, "token_endpoint", token_endpoint,
                                 "response_types_supported", "token", "subject_types_supported", "public",
                                 "id_token_signing_alg_values_supported", "RS256", "grant_types_supported",
                                 "password", "client_credentials", "token_endpoint_auth_methods_supported",
                                 "none");
        if (!d->jwks || !d->discovery)  /* json_pack refuses text that is not UTF-8 */
            ret = vp_fail(err, VP_E_USAGE, "the issuer '%s' is not UTF-8 text", d->issuer);
    }
    free(token_endpoint);
    free(jwks_uri);
    free(header_json);
    json_decref(header);
    free(n);
    free(e);
    return ret;
}

int vp_dev_issuer_new(const char *issuer_url, struct vp_dev_issuer **out, struct vp_err *err)
{
    return vp_dev_issuer_new_at(issuer_url, issuer_url, out, err);
}

int vp_dev_issuer_new_at(const char *issuer, const char *served_at, struct vp_dev_issuer **out, struct vp_err *err)
{
    struct vp_dev_issuer *d;
    size_t len;

    *out = NULL;
    if (check_issuer_url(issuer, err) < 0 || check_issuer_url(served_at, err) < 0)
        return -1;
    d = vp_xcalloc(1, sizeof(*d));
    d->issuer = vp_xstrdup(issuer);
    for (len = strlen(served_at); len > 0 && served_at[len - 1] == '/'; len--)
        ;
    d->base = vp_xstrndup(served_at, len);
    d->kid = random_b64url(16);
    if (!(d->key = EVP_RSA_gen(KEY_BITS))) {
        ERR_clear_error();
        vp_dev_issuer_free(d);
        return vp_fail(err, VP_E_IO, "cannot make an RSA-%d key for the development issuer", KEY_BITS);
    }
    if (make_documents(d, err) < 0) {
        vp_dev_issuer_free(d);
        return -1;
    }
    *out = d;
    return 0;
}

void vp_dev_issuer_free(struct vp_dev_issuer *d)
{
    if (!d)
        return;
    EVP_PKEY_free(d->key);
    json_decref(d->jwks);
    json_decref(d->discovery);
    free(d->header_b64);
    free(d->kid);
    free(d->base);
    free(d->issuer);
    free(d);
}

const char *vp_dev_issuer_url(const struct vp_dev_issuer *d)
{
    return d->issuer;
}

const char *vp_dev_issuer_kid(const struct vp_dev_issuer *d)
{
    return d->kid;
}

json_t *vp_dev_issuer_jwks(const struct vp_dev_issuer *d)
{
    return json_deep_copy(d->jwks);
}

json_t *vp_dev_issuer_discovery(const struct vp_dev_issuer *d)
{
    return json_deep_copy(d->discovery);
}

/* --- tokens ------------------------------------------------------------------------------------------ */

/* RS256 over data: the signature's base64url, or NULL. */
static char *rs256(EVP_PKEY *key, const char *data)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    char *out = NULL;

    if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
        EVP_DigestSign(ctx, NULL, &sig_len, (const unsigned char *)data, strlen(data)) == 1) {
        sig = vp_xmalloc(sig_len);
        if (EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)data, strlen(data)) == 1)
            out = vp_b64url_encode(sig, sig_len);
    }
    free(sig);
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return out;
}

char *vp_dev_issuer_sign(const struct vp_dev_issuer *d, const json_t *claims, struct vp_err *err)
{
    char *payload_json, *payload_b64, *input, *sig, *token = NULL;

    if (!json_is_object(claims)) {
        vp_fail(err, VP_E_USAGE, "a token's claims must be a JSON object");
        return NULL;
    }
    payload_json = json_dumps(claims, JSON_COMPACT);
    payload_b64 = vp_b64url_encode(payload_json, strlen(payload_json));
    input = vp_xasprintf("%s.%s", d->header_b64, payload_b64);
    if ((sig = rs256(d->key, input)))
        token = vp_xasprintf("%s.%s", input, sig);
    else
        vp_fail(err, VP_E_IO, "cannot sign a token with the development issuer's key");
    free(sig);
    free(input);
    free(payload_b64);
    free(payload_json);
    return token;
}

char *vp_dev_issuer_mint(const struct vp_dev_issuer *d, const char *sub, const char *audience, long ttl_s,
                         const json_t *extra_claims, struct vp_err *err)
{
    json_int_t now = (json_int_t)time(NULL);
    char *jti, *token;
    json_t *claims;

    if (!sub || !*sub) {
        vp_fail(err, VP_E_USAGE, "a token needs a subject");
        return NULL;
    }
    if (extra_claims && !json_is_object(extra_claims)) {
        vp_fail(err, VP_E_USAGE, "a token's extra claims must be a JSON object");
        return NULL;
    }
    jti = random_b64url(16);
    claims = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s}", "iss", d->issuer, "sub", sub, "iat", now, "nbf",
                       now, "exp", now + (ttl_s ? ttl_s : VP_DEV_ISSUER_TOKEN_TTL_S), "jti", jti, "token_use",
                       "access", "username", sub);
    if (!claims) {                      /* json_pack refuses strings that are not UTF-8 */
        free(jti);
        vp_fail(err, VP_E_USAGE, "a token's subject must be UTF-8");
        return NULL;
    }
    if (audience && json_object_set_new(claims, "aud", json_string(audience)) != 0) {
        json_decref(claims);
        free(jti);
        vp_fail(err, VP_E_USAGE, "a token's audience must be UTF-8");
        return NULL;
    }
    if (extra_claims)
        json_object_update(claims, (json_t *)extra_claims);
    token = vp_dev_issuer_sign(d, claims, err);
    json_decref(claims);
    free(jti);
    return token;
}

bool vp_dev_issuer_valid_name(const char *s)
{
    size_t n = s ? strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-") : 0;

    return n >= 1 && n <= MAX_NAME && s[n] == '\0';
}

/* --- the token endpoint ------------------------------------------------------------------------------ */

/* An OAuth error answer (RFC 6749 §5.2). */
static json_t *oauth_error(int *status, int code, const char *error, const char *description)
{
    *status = code;
    return json_pack("{s:s, s:s}", "error", error, "error_description", description);
}

/* Whether a Content-Type names this media type (parameters such as charset aside). */
static bool media_type_is(const char *content_type, const char *want)
{
    size_t n = strlen(want);
    const char *c = content_type;

    if (!c)
        return false;
    c += strspn(c, " \t");
    if (strncasecmp(c, want, n) != 0)
        return false;
    c += n;
    c += strspn(c, " \t");
    return *c == '\0' || *c == ';';
}

/* A form field's name or value, '+' and %XX decoded; NULL when it hides a NUL byte or is not UTF-8. */
static json_t *form_string(char *s, size_t n)
{
    char *plain;
    int plain_len;
    json_t *j;

    for (size_t i = 0; i < n; i++)
        if (s[i] == '+')
            s[i] = ' ';
    if (n == 0)                         /* curl_easy_unescape would take a length 0 as "use strlen" */
        return json_string("");
    if (!(plain = curl_easy_unescape(NULL, s, (int)n, &plain_len)))
        return NULL;
    j = (size_t)plain_len == strlen(plain) ? json_string(plain) : NULL;
    curl_free(plain);
    return j;
}

/* application/x-www-form-urlencoded into an object of strings; NULL and *why when malformed. */
static json_t *parse_form(const char *body, size_t len, const char **why)
{
    char *text = vp_xstrndup(body, len), *field = text;
    json_t *params = json_object();

    *why = strlen(text) != len ? "the request body holds a NUL byte" : NULL;
    while (!*why && *field) {
        size_t n = strcspn(field, "&"), name_len = strcspn(field, "=");
        bool has_value = name_len < n;
        json_t *name = form_string(field, has_value ? name_len : n);
        json_t *value = has_value ? form_string(field + name_len + 1, n - name_len - 1) : json_string("");

        if (!name || !value)
            *why = "a form field is not UTF-8 text";
        else if (json_object_get(params, json_string_value(name)))
            *why = "a parameter appears more than once";     /* RFC 6749 §3.2 */
        else if (n)
            json_object_set(params, json_string_value(name), value);
        json_decref(name);
        json_decref(value);
        field += n + (field[n] == '&');
    }
    free(text);
    if (*why) {
        json_decref(params);
        return NULL;
    }
    return params;
}

/* The request's parameters as an object of strings (form or JSON); NULL and *why when unreadable. */
static json_t *read_params(const char *content_type, const char *body, size_t len, const char **why)
{
    static const char *const used[] = { "grant_type", "username", "client_id", "scope" };
    json_t *params;

    if (len > MAX_TOKEN_REQUEST) {
        *why = "the request body is too large";
        return NULL;
    }
    if (media_type_is(content_type, "application/x-www-form-urlencoded"))
        return parse_form(body ? body : "", body ? len : 0, why);
    if (!media_type_is(content_type, "application/json")) {
        *why = "the Content-Type must be application/x-www-form-urlencoded or application/json";
        return NULL;
    }
    params = json_loadb(body ? body : "", body ? len : 0, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(params)) {
        json_decref(params);
        *why = "the request body is not a JSON object";
        return NULL;
    }
    for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
        json_t *v = json_object_get(params, used[i]);
        if (v && !json_is_string(v)) {
            json_decref(params);
            *why = "grant_type, username, client_id and scope must be strings";
            return NULL;
        }
    }
    if (!json_object_get(params, "grant_type"))
        json_object_set_new(params, "grant_type", json_string("password"));
    return params;
}

/* A scope parameter (RFC 6749 §3.3): space-separated tokens of printable ASCII but '"' and '\'. */
static bool valid_scope(const char *s)
{
    bool token = false;

    for (; *s; s++) {
        if (*s == ' ')
            continue;
        if (*s < 0x21 || *s > 0x7e || *s == '"' || *s == '\\')
            return false;
        token = true;
    }
    return token;
}

/* Mints the answer's tokens: an access token, and an id token when there is a user. */
static json_t *issue(const struct vp_dev_issuer *d, const char *sub, const char *client_id, const char *scope,
                     bool with_id_token, int *status)
{
    json_t *extra = json_pack("{s:s}", "client_id", client_id), *id_extra = json_pack("{s:s}", "token_use", "id");
    struct vp_err err = { 0 };
    char *access, *id = NULL;
    json_t *answer = NULL;

    if (scope)
        json_object_set_new(extra, "scope", json_string(scope));
    access = vp_dev_issuer_mint(d, sub, client_id, VP_DEV_ISSUER_TOKEN_TTL_S, extra, &err);
    if (access && with_id_token)
        id = vp_dev_issuer_mint(d, sub, client_id, VP_DEV_ISSUER_TOKEN_TTL_S, id_extra, &err);
    if (!access || (with_id_token && !id)) {
        answer = oauth_error(status, 500, "server_error", "the development issuer could not sign a token");
    } else {
        *status = 200;
        answer = json_pack("{s:s, s:s, s:i}", "access_token", access, "token_type", "Bearer", "expires_in",
                           VP_DEV_ISSUER_TOKEN_TTL_S);
        if (id)
            json_object_set_new(answer, "id_token", json_string(id));
        if (scope)
            json_object_set_new(answer, "scope", json_string(scope));
    }
    free(access);
    free(id);
    json_decref(extra);
    json_decref(id_extra);
    return answer;
}

static json_t *grant(const struct vp_dev_issuer *d, const json_t *params, int *status)
{
    const char *type = json_string_value(json_object_get(params, "grant_type"));
    const char *username = json_string_value(json_object_get(params, "username"));
    const char *client_id = json_string_value(json_object_get(params, "client_id"));
    const char *scope = json_string_value(json_object_get(params, "scope"));
    bool password;

    if (!type || !*type)
        return oauth_error(status, 400, "invalid_request", "grant_type is required");
    password = strcmp(type, "password") == 0;
    if (!password && strcmp(type, "client_credentials") != 0)
        return oauth_error(status, 400, "unsupported_grant_type", "grant_type must be password or client_credentials");
    if (password && (!username || !*username))
        return oauth_error(status, 400, "invalid_request", "username is required");
    if (password && !vp_dev_issuer_valid_name(username))
        return oauth_error(status, 400, "invalid_request", "username must be 1 to 128 characters of A-Z a-z 0-9 . _ @ -");
    if (!client_id || !*client_id)
        return oauth_error(status, 400, "invalid_request", "client_id is required");
    if (!vp_dev_issuer_valid_name(client_id))
        return oauth_error(status, 400, "invalid_request", "client_id must be 1 to 128 characters of A-Z a-z 0-9 . _ @ -");
    if (scope && !valid_scope(scope))
        return oauth_error(status, 400, "invalid_scope", "scope must be space-separated scope tokens");
    return issue(d, password ? username : client_id, client_id, scope, password, status);
}

static json_t *token_endpoint(const struct vp_dev_issuer *d, const char *content_type, const char *body, size_t len,
                              int *status)
{
    const char *why = NULL;
    json_t *params = read_params(content_type, body, len, &why), *answer;

    if (!params)
        return oauth_error(status, 400, "invalid_request", why);
    answer = grant(d, params, status);
    json_decref(params);
    return answer;
}

/* --- serving ----------------------------------------------------------------------------------------- */

/* Whether path is want, a query string aside. */
static bool path_is(const char *path, const char *want)
{
    size_t n = strlen(want);

    return path && strncmp(path, want, n) == 0 && (path[n] == '\0' || path[n] == '?');
}

void vp_dev_issuer_handle(const struct vp_dev_issuer *d, const char *method, const char *path,
                          const char *content_type, const char *body, size_t len, int *status,
                          const char **content_type_out, char **body_out)
{
    bool get = method && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0);
    bool post = method && strcmp(method, "POST") == 0;
    json_t *answer;

    if (path_is(path, "/.well-known/openid-configuration") || path_is(path, "/.well-known/jwks.json")) {
        if (get) {
            *status = 200;
            answer = path_is(path, "/.well-known/jwks.json") ? vp_dev_issuer_jwks(d) : vp_dev_issuer_discovery(d);
        } else {
            answer = oauth_error(status, 405, "invalid_request", "use GET");
        }
    } else if (path_is(path, "/token")) {
        answer = post ? token_endpoint(d, content_type, body, len, status)
                      : oauth_error(status, 405, "invalid_request", "the token endpoint takes POST");
    } else {
        answer = oauth_error(status, 404, "not_found", "the development issuer has no such path");
    }
    *content_type_out = "application/json";
    *body_out = json_dumps(answer, JSON_COMPACT);
    json_decref(answer);
}

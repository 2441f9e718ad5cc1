/* jwt.c: verifying a JWT as an API Gateway HTTP API JWT authorizer does (see jwt.h).
 *
 * DESIGN: vp_jwt_verify runs the authorizer's steps in its order: decode the three segments, check the
 * algorithm and the signature with the key named by kid, then the claims; the first failure decides the
 * reason. The crypto (base64, RSA key import, digests, signature check) is OpenSSL 3's; this file only
 * picks the key and the digest and compares claims. */
#include "local/jwt.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "base/xalloc.h"

#define MIN_RSA_BITS 2048

const char vp_jwt_insufficient_scope[] = "the token does not have the required scope";

static const char R_NO_TOKEN[] = "no token";
static const char R_TOO_LARGE[] = "the token is too large";
static const char R_MALFORMED[] = "the token is malformed";
static const char R_CRIT[] = "the token has critical header parameters that are not supported";
static const char R_ALG[] = "the token's signing algorithm is not supported";
static const char R_NO_KID[] = "the token has no kid";
static const char R_UNKNOWN_KID[] = "the token's kid is not a key of the issuer";
static const char R_KEY[] = "the issuer's key cannot verify the token";
static const char R_SIGNATURE[] = "the token's signature is invalid";
static const char R_ISSUER[] = "the token does not have a valid issuer";
static const char R_AUDIENCE[] = "the token does not have a valid audience";  /* API Gateway's words */
static const char R_NO_EXP[] = "the token does not have a valid expiration time";
static const char R_EXPIRED[] = "the token has expired";
static const char R_NBF[] = "the token is not valid yet";
static const char R_IAT[] = "the token was issued in the future";

/* A decoded token. */
struct jwt {
    const char *text;
    size_t signing_len;                 /* "header.payload": the bytes the signature covers */
    json_t *header, *payload;
    unsigned char *sig;
    size_t sig_len;
};

static int refuse(const char **reason, const char *why, struct vp_err *err, enum vp_errcode code,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int refuse(const char **reason, const char *why, struct vp_err *err, enum vp_errcode code,
                  const char *fmt, ...)
{
    char detail[sizeof(err->msg)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    *reason = why;
    return vp_fail(err, code, "JWT refused: %s", detail);
}

static int decode(struct jwt *t, const char *token, const char **reason, struct vp_err *err);
static int check_signature(const struct jwt *t, const json_t *jwks, const char **reason, struct vp_err *err);
static int check_claims(const json_t *claims, const struct vp_jwt_policy *p, const char **reason,
                        struct vp_err *err);

int vp_jwt_verify(const char *token, const json_t *jwks, const struct vp_jwt_policy *p, json_t **claims,
                  const char **reason, struct vp_err *err)
{
    struct jwt t = { 0 };
    int ret = -1;

    *claims = NULL;
    *reason = NULL;
    if (decode(&t, token, reason, err) == 0 && check_signature(&t, jwks, reason, err) == 0 &&
        check_claims(t.payload, p, reason, err) == 0) {
        *claims = json_incref(t.payload);
        ret = 0;
    }
    json_decref(t.header);
    json_decref(t.payload);
    free(t.sig);
    return ret;
}

/* --- decoding ---------------------------------------------------------------------------------------- */

static json_t *decode_object(const char *seg, size_t len, const char *what, const char **reason,
                             struct vp_err *err)
{
    unsigned char *raw;
    size_t raw_len;
    json_error_t jerr;
    json_t *j;

    if (vp_b64url_decode(seg, len, &raw, &raw_len) < 0) {
        refuse(reason, R_MALFORMED, err, VP_E_PARSE, "the %s is not base64url", what);
        return NULL;
    }
    j = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, &jerr);
    free(raw);
    if (!j) {
        refuse(reason, R_MALFORMED, err, VP_E_PARSE, "the %s is not JSON: %s", what, jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        refuse(reason, R_MALFORMED, err, VP_E_PARSE, "the %s is not a JSON object", what);
        return NULL;
    }
    return j;
}

static int decode(struct jwt *t, const char *token, const char **reason, struct vp_err *err)
{
    const char *dot1, *dot2;
    size_t len;

    if (!token || !*token)
        return refuse(reason, R_NO_TOKEN, err, VP_E_PARSE, "there is no token");
    len = strnlen(token, VP_JWT_MAX_TOKEN_BYTES + 1);
    if (len > VP_JWT_MAX_TOKEN_BYTES)
        return refuse(reason, R_TOO_LARGE, err, VP_E_LIMIT, "the token is over %u bytes", VP_JWT_MAX_TOKEN_BYTES);
    dot1 = strchr(token, '.');
    dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot2 || strchr(dot2 + 1, '.'))
        return refuse(reason, R_MALFORMED, err, VP_E_PARSE, "a JWT has three dot-separated segments");
    t->text = token;
    t->signing_len = (size_t)(dot2 - token);
    if (!(t->header = decode_object(token, (size_t)(dot1 - token), "header", reason, err)) ||
        !(t->payload = decode_object(dot1 + 1, (size_t)(dot2 - dot1 - 1), "payload", reason, err)))
        return -1;
    if (vp_b64url_decode(dot2 + 1, strlen(dot2 + 1), &t->sig, &t->sig_len) < 0)
        return refuse(reason, R_MALFORMED, err, VP_E_PARSE, "the signature is not base64url");
    if (json_object_get(t->header, "crit"))
        return refuse(reason, R_CRIT, err, VP_E_PARSE, "the header has \"crit\" parameters");
    return 0;
}

/* --- the signature ----------------------------------------------------------------------------------- */

static const EVP_MD *rsa_digest(const char *alg)
{
    if (strcmp(alg, "RS256") == 0)
        return EVP_sha256();
    if (strcmp(alg, "RS384") == 0)
        return EVP_sha384();
    if (strcmp(alg, "RS512") == 0)
        return EVP_sha512();
    return NULL;
}

static const json_t *find_key(const json_t *jwks, const char *kid)
{
    const json_t *keys = json_object_get(jwks, "keys"), *key;
    size_t i;

    json_array_foreach(keys, i, key) {
        const char *k = json_string_value(json_object_get(key, "kid"));
        if (k && strcmp(k, kid) == 0)
            return key;
    }
    return NULL;
}

/* A JWK member holding a base64url big-endian integer, as a BIGNUM. */
static BIGNUM *jwk_bignum(const json_t *key, const char *name)
{
    const char *s = json_string_value(json_object_get(key, name));
    unsigned char *raw;
    size_t len;
    BIGNUM *bn;

    if (!s || !*s || vp_b64url_decode(s, strlen(s), &raw, &len) < 0)
        return NULL;
    bn = len <= (size_t)(16 * 1024) ? BN_bin2bn(raw, (int)len, NULL) : NULL;
    free(raw);
    return bn;
}

/* The RSA public key of a JWK ({"kty":"RSA","n":...,"e":...}), checked by OpenSSL; NULL when unusable. */
static EVP_PKEY *rsa_key(const json_t *key)
{
    BIGNUM *n = jwk_bignum(key, "n"), *e = jwk_bignum(key, "e");
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL, *check = NULL;
    EVP_PKEY *pkey = NULL;

    if (n && e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) && (params = OSSL_PARAM_BLD_to_param(bld)) &&
        (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1) {
        check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (!check || EVP_PKEY_public_check(check) != 1) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
    }
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return pkey;
}

/* The key's own statements must fit the token: kty RSA, and alg and use when it has them. */
static int check_key(const json_t *key, const char *alg, const char *kid, const char **reason, struct vp_err *err)
{
    const char *kty = json_string_value(json_object_get(key, "kty"));
    const json_t *key_alg = json_object_get(key, "alg"), *use = json_object_get(key, "use");

    if (!kty || strcmp(kty, "RSA") != 0)
        return refuse(reason, R_KEY, err, VP_E_PARSE, "key '%s' has kty '%s', not RSA for %s", kid,
                      kty ? kty : "(none)", alg);
    if (key_alg && (!json_is_string(key_alg) || strcmp(json_string_value(key_alg), alg) != 0))
        return refuse(reason, R_KEY, err, VP_E_PARSE, "key '%s' is for alg '%s', the token says %s", kid,
                      json_is_string(key_alg) ? json_string_value(key_alg) : "?", alg);
    if (use && (!json_is_string(use) || strcmp(json_string_value(use), "sig") != 0))
        return refuse(reason, R_KEY, err, VP_E_PARSE, "key '%s' is not a signing key (use '%s')", kid,
                      json_is_string(use) ? json_string_value(use) : "?");
    return 0;
}

static int check_signature(const struct jwt *t, const json_t *jwks, const char **reason, struct vp_err *err)
{
    const char *alg = json_string_value(json_object_get(t->header, "alg"));
    const char *kid = json_string_value(json_object_get(t->header, "kid"));
    const EVP_MD *md;
    const json_t *key;
    EVP_PKEY *pkey;
    EVP_MD_CTX *ctx;
    int ok, bits;

    if (!alg)
        return refuse(reason, R_ALG, err, VP_E_PARSE, "the header has no \"alg\"");
    if (!(md = rsa_digest(alg)))
        return refuse(reason, R_ALG, err, VP_E_PARSE, "alg '%.32s' is not accepted (%s)", alg,
                      strcmp(alg, "none") == 0 ? "an unsigned token"
                      : strncmp(alg, "HS", 2) == 0 ? "an HMAC would take the public key as its secret"
                                                   : "API Gateway supports RS256, RS384 and RS512");
    if (!kid || !*kid)
        return refuse(reason, R_NO_KID, err, VP_E_PARSE, "the header has no \"kid\"");
    if (!(key = find_key(jwks, kid)))
        return refuse(reason, R_UNKNOWN_KID, err, VP_E_PARSE, "kid '%.64s' is not in the issuer's key set", kid);
    if (check_key(key, alg, kid, reason, err) < 0)
        return -1;
    if (!(pkey = rsa_key(key))) {
        ERR_clear_error();
        return refuse(reason, R_KEY, err, VP_E_PARSE, "key '%.64s' is not a valid RSA public key", kid);
    }
    if ((bits = EVP_PKEY_get_bits(pkey)) < MIN_RSA_BITS) {
        EVP_PKEY_free(pkey);
        return refuse(reason, R_KEY, err, VP_E_PARSE, "key '%.64s' has %d bits, under %d", kid, bits, MIN_RSA_BITS);
    }
    ctx = EVP_MD_CTX_new();
    ok = ctx && EVP_DigestVerifyInit(ctx, NULL, md, NULL, pkey) == 1 &&
         EVP_DigestVerify(ctx, t->sig, t->sig_len, (const unsigned char *)t->text, t->signing_len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    if (!ok)
        return refuse(reason, R_SIGNATURE, err, VP_E_PARSE, "the %s signature does not verify with key '%.64s'",
                      alg, kid);
    return 0;
}

/* --- the claims -------------------------------------------------------------------------------------- */

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (list[i] && strcmp(s, list[i]) == 0)
            return true;
    return false;
}

/* "aud" decides when present (a string or an array of strings); "client_id" only when it is absent. */
static bool audience_ok(const json_t *claims, const struct vp_jwt_policy *p)
{
    const json_t *aud = json_object_get(claims, "aud"), *a;
    size_t i;

    if (!aud)
        return in_list(json_string_value(json_object_get(claims, "client_id")), p->audiences, p->n_audiences);
    if (json_is_string(aud))
        return in_list(json_string_value(aud), p->audiences, p->n_audiences);
    json_array_foreach(aud, i, a)
        if (in_list(json_string_value(a), p->audiences, p->n_audiences))
            return true;
    return false;
}

/* Whether a scope claim (a space-separated string or an array of strings) holds one of the scopes. */
static bool claim_has_scope(const json_t *claim, const struct vp_jwt_policy *p)
{
    const json_t *s;
    size_t i;

    if (json_is_string(claim)) {
        const char *v = json_string_value(claim);
        while (*v) {
            size_t n = strcspn(v, " ");
            for (size_t k = 0; n && k < p->n_scopes; k++)
                if (p->scopes[k] && strlen(p->scopes[k]) == n && strncmp(v, p->scopes[k], n) == 0)
                    return true;
            v += n;
            v += strspn(v, " ");
        }
        return false;
    }
    json_array_foreach(claim, i, s)
        if (in_list(json_string_value(s), p->scopes, p->n_scopes))
            return true;
    return false;
}

/* A NumericDate claim: 1 with *v when present and a number, 0 when absent, -1 when not a number. */
static int numeric_date(const json_t *claims, const char *name, double *v)
{
    const json_t *j = json_object_get(claims, name);

    if (!j)
        return 0;
    if (!json_is_number(j))
        return -1;
    *v = json_number_value(j);
    return 1;
}

static int check_times(const json_t *claims, const struct vp_jwt_policy *p, const char **reason, struct vp_err *err)
{
    double now = (double)(p->now ? p->now : time(NULL)), leeway = p->leeway_s > 0 ? (double)p->leeway_s : 0;
    double exp = 0, nbf = 0, iat = 0;
    int has;

    if (numeric_date(claims, "exp", &exp) != 1)
        return refuse(reason, R_NO_EXP, err, VP_E_PARSE, "\"exp\" is missing or not a number");
    if (!(now < exp + leeway))
        return refuse(reason, R_EXPIRED, err, VP_E_PARSE, "it expired at %.0f, it is now %.0f", exp, now);
    if ((has = numeric_date(claims, "nbf", &nbf)) < 0 || (has && nbf > now + leeway))
        return refuse(reason, R_NBF, err, VP_E_PARSE, "\"nbf\" is not a time before now (%.0f)", now);
    if ((has = numeric_date(claims, "iat", &iat)) < 0 || (has && iat > now + leeway))
        return refuse(reason, R_IAT, err, VP_E_PARSE, "\"iat\" is not a time before now (%.0f)", now);
    return 0;
}

static int check_claims(const json_t *claims, const struct vp_jwt_policy *p, const char **reason,
                        struct vp_err *err)
{
    const char *iss = json_string_value(json_object_get(claims, "iss"));

    if (!iss || !p->issuer || strcmp(iss, p->issuer) != 0)
        return refuse(reason, R_ISSUER, err, VP_E_PARSE, "\"iss\" is '%.200s', the authorizer wants '%.200s'",
                      iss ? iss : "(none)", p->issuer ? p->issuer : "(none)");
    if (!audience_ok(claims, p))
        return refuse(reason, R_AUDIENCE, err, VP_E_PARSE, "neither \"aud\" nor \"client_id\" is a configured audience");
    if (check_times(claims, p, reason, err) < 0)
        return -1;
    if (p->n_scopes && !claim_has_scope(json_object_get(claims, "scope"), p) &&
        !claim_has_scope(json_object_get(claims, "scp"), p))
        return refuse(reason, vp_jwt_insufficient_scope, err, VP_E_PARSE,
                      "neither \"scope\" nor \"scp\" holds one of the route's %zu scopes", p->n_scopes);
    return 0;
}

/* --- helpers ----------------------------------------------------------------------------------------- */

const char *vp_jwt_from_authorization(const char *header_value)
{
    const char *v = header_value;

    if (!v)
        return NULL;
    v += strspn(v, " \t");
    if (strncasecmp(v, "Bearer", 6) == 0 && (v[6] == '\0' || v[6] == ' ' || v[6] == '\t')) {
        v += 6;
        v += strspn(v, " \t");
    }
    return *v ? v : NULL;
}

int vp_jwt_peek_kid(const char *token, char *kid, size_t size)
{
    const char *dot = token ? strchr(token, '.') : NULL;
    unsigned char *raw;
    size_t len;
    json_t *header;
    const char *k;
    int ret = 0;

    if (!dot || strnlen(token, VP_JWT_MAX_TOKEN_BYTES + 1) > VP_JWT_MAX_TOKEN_BYTES ||
        vp_b64url_decode(token, (size_t)(dot - token), &raw, &len) < 0)
        return 0;
    header = json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, NULL);
    free(raw);
    k = json_string_value(json_object_get(header, "kid"));
    if (k && *k && strlen(k) < size) {
        memcpy(kid, k, strlen(k) + 1);
        ret = 1;
    }
    json_decref(header);
    return ret;
}

char *vp_b64url_encode(const void *data, size_t len)
{
    char *out;
    int n;

    if (len > (size_t)(1 << 28)) {      /* EVP_EncodeBlock counts in int; nothing here is near this */
        fprintf(stderr, "vidpipe: base64url input too large\n");
        abort();
    }
    out = vp_xmalloc(4 * ((len + 2) / 3) + 1);
    n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
    for (char *c = out; *c; c++) {
        if (*c == '+')
            *c = '-';
        else if (*c == '/')
            *c = '_';
    }
    return out;
}

int vp_b64url_decode(const char *s, size_t len, unsigned char **out, size_t *out_len)
{
    size_t padded = (len + 3) / 4 * 4, pad = padded - len;
    char *std, *again;
    unsigned char *raw;
    int n;
    bool canonical;

    *out = NULL;
    *out_len = 0;
    if (len % 4 == 1 || len > (size_t)(1 << 28))
        return -1;
    std = vp_xmalloc(padded + 1);
    for (size_t i = 0; i < len; i++) {          /* the URL alphabet to the standard one */
        char c = s[i];
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            free(std);
            return -1;
        }
        std[i] = c;
    }
    memset(std + len, '=', pad);
    std[padded] = '\0';
    raw = vp_xmalloc(padded / 4 * 3 + 1);
    n = EVP_DecodeBlock(raw, (const unsigned char *)std, (int)padded);
    free(std);
    if (n < 0 || (size_t)n < pad) {
        free(raw);
        return -1;
    }
    n -= (int)pad;                              /* EVP_DecodeBlock counts the padding as bytes */
    raw[n] = '\0';
    again = vp_b64url_encode(raw, (size_t)n);   /* one encoding per value: no bits hidden past the end */
    canonical = strlen(again) == len && memcmp(again, s, len) == 0;
    free(again);
    if (!canonical) {
        free(raw);
        return -1;
    }
    *out = raw;
    *out_len = (size_t)n;
    return 0;
}

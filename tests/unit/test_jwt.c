/* test_jwt.c: the JWT authorizer's checks (src/local/jwt.c) on tokens from the development issuer
 * (src/local/dev_issuer.c) and on forged ones; the issuer's endpoints, called directly and over HTTP; and
 * key set discovery and caching (src/local/jwks.c) against the issuer served by a libmicrohttpd daemon on
 * 127.0.0.1, including a key rotation. */
#include <curl/curl.h>
#include <microhttpd.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "local/dev_issuer.h"
#include "local/jwks.h"
#include "local/jwt.h"
#include "t.h"

#define ISS "https://issuer.example/dev"

static struct vp_dev_issuer *dev, *other;   /* other: another key, same issuer URL */
static json_t *dev_jwks;
static const char *const audiences[] = { "client-a", "client-b" };

static struct vp_jwt_policy policy(void)
{
    return (struct vp_jwt_policy){ .issuer = ISS, .audiences = audiences, .n_audiences = 2 };
}

/* Verifies; NULL when valid (claims kept in *claims if wanted), else the reason. */
static const char *check(const char *token, const json_t *jwks, const struct vp_jwt_policy *p, json_t **claims_out)
{
    struct vp_err err = { 0 };
    const char *reason = NULL;
    json_t *claims = NULL;
    int ret = vp_jwt_verify(token, jwks, p, &claims, &reason, &err);

    EXPECT((ret == 0) == (claims != NULL));
    EXPECT((ret == 0) == (reason == NULL));
    if (ret < 0)
        EXPECT(err.msg[0] != '\0');
    if (claims_out)
        *claims_out = claims;
    else
        json_decref(claims);
    return ret == 0 ? NULL : reason;
}

static char *mint(const char *sub, const char *aud, const char *extra_json)
{
    struct vp_err err = { 0 };
    json_t *extra = extra_json ? json_loads(extra_json, 0, NULL) : NULL;
    char *token = vp_dev_issuer_mint(dev, sub, aud, 0, extra, &err);

    EXPECT(token != NULL);
    json_decref(extra);
    return token;
}

/* A token from JSON texts and a signature segment, signed by nobody. */
static char *forge(const char *header_json, const char *payload_json, const char *sig_b64)
{
    char *h = vp_b64url_encode(header_json, strlen(header_json));
    char *p = vp_b64url_encode(payload_json, strlen(payload_json));
    char *t = vp_xasprintf("%s.%s.%s", h, p, sig_b64);

    free(h);
    free(p);
    return t;
}

static char *segment(const char *token, int n)
{
    const char *s = token;

    for (int i = 0; i < n; i++)
        s = strchr(s, '.') + 1;
    return vp_xstrndup(s, strcspn(s, "."));
}

static char *valid_claims_json(void)
{
    long long now = (long long)time(NULL);

    return vp_xasprintf("{\"iss\":\"%s\",\"sub\":\"mallory\",\"aud\":\"client-a\",\"iat\":%lld,\"exp\":%lld}", ISS, now,
                        now + 600);
}

/* --- valid tokens and the claims --------------------------------------------------------------------- */

static void a_minted_token_is_valid_and_yields_its_claims(void)
{
    struct vp_jwt_policy p = policy();
    char *token = mint("alice", "client-a", "{\"custom\":\"x\",\"scope\":\"videos/read\"}");
    json_t *claims = NULL;

    EXPECT(check(token, dev_jwks, &p, &claims) == NULL);
    EXPECT_STREQ(ISS, json_string_value(json_object_get(claims, "iss")));
    EXPECT_STREQ("alice", json_string_value(json_object_get(claims, "sub")));
    EXPECT_STREQ("alice", json_string_value(json_object_get(claims, "username")));
    EXPECT_STREQ("client-a", json_string_value(json_object_get(claims, "aud")));
    EXPECT_STREQ("access", json_string_value(json_object_get(claims, "token_use")));
    EXPECT_STREQ("x", json_string_value(json_object_get(claims, "custom")));
    EXPECT(json_is_string(json_object_get(claims, "jti")));
    EXPECT_INTEQ(VP_DEV_ISSUER_TOKEN_TTL_S, json_integer_value(json_object_get(claims, "exp")) -
                                                json_integer_value(json_object_get(claims, "iat")));
    EXPECT_INTEQ(json_integer_value(json_object_get(claims, "iat")), json_integer_value(json_object_get(claims, "nbf")));
    json_decref(claims);
    free(token);
}

static void the_header_is_rs256_with_kid_and_typ(void)
{
    char *token = mint("alice", "client-a", NULL), *h = segment(token, 0);
    unsigned char *raw;
    size_t len;
    json_t *header;
    char kid[64];

    EXPECT(vp_b64url_decode(h, strlen(h), &raw, &len) == 0);
    header = json_loadb((const char *)raw, len, 0, NULL);
    EXPECT_STREQ("RS256", json_string_value(json_object_get(header, "alg")));
    EXPECT_STREQ("JWT", json_string_value(json_object_get(header, "typ")));
    EXPECT_STREQ(vp_dev_issuer_kid(dev), json_string_value(json_object_get(header, "kid")));
    EXPECT(vp_jwt_peek_kid(token, kid, sizeof(kid)) == 1);
    EXPECT_STREQ(vp_dev_issuer_kid(dev), kid);
    EXPECT(vp_jwt_peek_kid(token, kid, 4) == 0);            /* does not fit */
    EXPECT(vp_jwt_peek_kid("nonsense", kid, sizeof(kid)) == 0);
    json_decref(header);
    free(raw);
    free(h);
    free(token);
}

static void the_issuer_must_match_exactly(void)
{
    struct vp_jwt_policy p = policy();
    char *token = mint("alice", "client-a", NULL);

    p.issuer = ISS "/";
    EXPECT_STREQ("the token does not have a valid issuer", check(token, dev_jwks, &p, NULL));
    p.issuer = "https://other.example/dev";
    EXPECT_STREQ("the token does not have a valid issuer", check(token, dev_jwks, &p, NULL));
    free(token);
}

static void the_audience_must_be_configured(void)
{
    struct vp_jwt_policy p = policy();
    char *wrong = mint("alice", "client-z", NULL);
    char *in_array = mint("alice", NULL, "{\"aud\":[\"client-z\",\"client-b\"]}");
    char *none_in_array = mint("alice", NULL, "{\"aud\":[\"client-z\"]}");
    char *aud_decides = mint("alice", "client-z", "{\"client_id\":\"client-a\"}");

    EXPECT_STREQ("the token does not have a valid audience", check(wrong, dev_jwks, &p, NULL));
    EXPECT(check(in_array, dev_jwks, &p, NULL) == NULL);
    EXPECT_STREQ("the token does not have a valid audience", check(none_in_array, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token does not have a valid audience", check(aud_decides, dev_jwks, &p, NULL));
    p.n_audiences = 0;                                      /* none configured: nothing passes */
    EXPECT_STREQ("the token does not have a valid audience", check(in_array, dev_jwks, &p, NULL));
    free(wrong);
    free(in_array);
    free(none_in_array);
    free(aud_decides);
}

static void client_id_counts_only_without_aud(void)
{
    struct vp_jwt_policy p = policy();
    char *cognito_style = mint("svc", NULL, "{\"client_id\":\"client-b\"}");
    char *wrong_client = mint("svc", NULL, "{\"client_id\":\"client-z\"}");
    char *neither = mint("svc", NULL, NULL);

    EXPECT(check(cognito_style, dev_jwks, &p, NULL) == NULL);
    EXPECT_STREQ("the token does not have a valid audience", check(wrong_client, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token does not have a valid audience", check(neither, dev_jwks, &p, NULL));
    free(cognito_style);
    free(wrong_client);
    free(neither);
}

static void an_expired_token_is_refused(void)
{
    struct vp_jwt_policy p = policy();
    char *token = mint("alice", "client-a", NULL);
    json_t *claims = NULL;
    time_t exp;

    EXPECT(check(token, dev_jwks, &p, &claims) == NULL);
    exp = (time_t)json_integer_value(json_object_get(claims, "exp"));
    p.now = exp;                                            /* exp must be after now */
    EXPECT_STREQ("the token has expired", check(token, dev_jwks, &p, NULL));
    p.now = exp - 1;
    EXPECT(check(token, dev_jwks, &p, NULL) == NULL);
    p.now = exp + 5;
    p.leeway_s = 10;                                        /* the leeway widens it */
    EXPECT(check(token, dev_jwks, &p, NULL) == NULL);
    p.leeway_s = 5;
    EXPECT_STREQ("the token has expired", check(token, dev_jwks, &p, NULL));
    json_decref(claims);
    free(token);
}

static void a_token_minted_with_a_negative_ttl_is_already_expired(void)
{
    struct vp_jwt_policy p = policy();
    struct vp_err err = { 0 };
    char *token = vp_dev_issuer_mint(dev, "alice", "client-a", -10, NULL, &err);

    EXPECT_STREQ("the token has expired", check(token, dev_jwks, &p, NULL));
    free(token);
}

static void mint_refuses_what_it_cannot_sign(void)
{
    struct vp_err err = { 0 };
    json_t *array = json_array();

    EXPECT(vp_dev_issuer_mint(dev, "", "client-a", 0, NULL, &err) == NULL);
    EXPECT(vp_dev_issuer_mint(dev, NULL, "client-a", 0, NULL, &err) == NULL);
    EXPECT(vp_dev_issuer_mint(dev, "b\xff", "client-a", 0, NULL, &err) == NULL);
    EXPECT(vp_dev_issuer_mint(dev, "bob", "c\xff", 0, NULL, &err) == NULL);
    EXPECT(vp_dev_issuer_mint(dev, "bob", "client-a", 0, array, &err) == NULL);
    EXPECT(vp_dev_issuer_sign(dev, array, &err) == NULL);
    EXPECT(err.msg[0] != '\0');
    json_decref(array);
}

static void nbf_and_iat_must_not_be_in_the_future(void)
{
    struct vp_jwt_policy p = policy();
    char *extra_nbf = vp_xasprintf("{\"nbf\":%lld}", (long long)time(NULL) + 100);
    char *extra_iat = vp_xasprintf("{\"iat\":%lld}", (long long)time(NULL) + 100);
    char *early = mint("alice", "client-a", extra_nbf), *issued_later = mint("alice", "client-a", extra_iat);
    char *bad_nbf = mint("alice", "client-a", "{\"nbf\":\"yesterday\"}");

    EXPECT_STREQ("the token is not valid yet", check(early, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token was issued in the future", check(issued_later, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is not valid yet", check(bad_nbf, dev_jwks, &p, NULL));
    p.leeway_s = 200;
    EXPECT(check(early, dev_jwks, &p, NULL) == NULL);
    EXPECT(check(issued_later, dev_jwks, &p, NULL) == NULL);
    p.leeway_s = 0;                                         /* valid in the second it is issued */
    p.now = time(NULL) + 100;
    EXPECT(check(early, dev_jwks, &p, NULL) == NULL);
    free(extra_nbf);
    free(extra_iat);
    free(early);
    free(issued_later);
    free(bad_nbf);
}

static void exp_is_required_and_must_be_a_number(void)
{
    struct vp_jwt_policy p = policy();
    struct vp_err err = { 0 };
    json_t *no_exp = json_pack("{s:s, s:s, s:s, s:I}", "iss", ISS, "sub", "alice", "aud", "client-a", "iat",
                               (json_int_t)time(NULL));
    json_t *text_exp = json_pack("{s:s, s:s, s:s, s:s}", "iss", ISS, "sub", "alice", "aud", "client-a", "exp", "never");
    char *a = vp_dev_issuer_sign(dev, no_exp, &err), *b = vp_dev_issuer_sign(dev, text_exp, &err);

    EXPECT_STREQ("the token does not have a valid expiration time", check(a, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token does not have a valid expiration time", check(b, dev_jwks, &p, NULL));
    json_decref(no_exp);
    json_decref(text_exp);
    free(a);
    free(b);
}

static void a_route_scope_must_be_in_scope_or_scp(void)
{
    static const char *const scopes[] = { "videos/read", "videos/write" };
    struct vp_jwt_policy p = policy();
    char *none = mint("alice", "client-a", NULL);
    char *other_scopes = mint("alice", "client-a", "{\"scope\":\"openid videos/readx\"}");
    char *in_scope = mint("alice", "client-a", "{\"scope\":\"openid  videos/read\"}");
    char *in_scp_array = mint("alice", "client-a", "{\"scp\":[\"x\",\"videos/write\"]}");
    char *in_scp_string = mint("alice", "client-a", "{\"scope\":\"openid\",\"scp\":\"videos/write\"}");

    p.scopes = scopes;
    p.n_scopes = 2;
    EXPECT(check(none, dev_jwks, &p, NULL) == vp_jwt_insufficient_scope);
    EXPECT(check(other_scopes, dev_jwks, &p, NULL) == vp_jwt_insufficient_scope);
    EXPECT(check(in_scope, dev_jwks, &p, NULL) == NULL);
    EXPECT(check(in_scp_array, dev_jwks, &p, NULL) == NULL);
    EXPECT(check(in_scp_string, dev_jwks, &p, NULL) == NULL);
    p.n_scopes = 0;                                         /* no scopes on the route: any token */
    EXPECT(check(none, dev_jwks, &p, NULL) == NULL);
    free(none);
    free(other_scopes);
    free(in_scope);
    free(in_scp_array);
    free(in_scp_string);
}

/* --- forgeries ------------------------------------------------------------------------------------------ */

static void a_tampered_payload_is_refused(void)
{
    struct vp_jwt_policy p = policy();
    char *token = mint("alice", "client-a", NULL), *h = segment(token, 0), *s = segment(token, 2);
    char *claims = valid_claims_json(), *pl = vp_b64url_encode(claims, strlen(claims));
    char *forged = vp_xasprintf("%s.%s.%s", h, pl, s);

    EXPECT_STREQ("the token's signature is invalid", check(forged, dev_jwks, &p, NULL));
    free(forged);
    free(pl);
    free(claims);
    free(s);
    free(h);
    free(token);
}

static void a_tampered_signature_is_refused(void)
{
    struct vp_jwt_policy p = policy();
    char *token = mint("alice", "client-a", NULL);
    char *mid = strrchr(token, '.') + 20;

    *mid = *mid == 'A' ? 'B' : 'A';
    EXPECT_STREQ("the token's signature is invalid", check(token, dev_jwks, &p, NULL));
    *strrchr(token, '.') = '\0';                            /* and no signature at all */
    {
        char *unsigned_token = vp_xasprintf("%s.", token);
        EXPECT_STREQ("the token's signature is invalid", check(unsigned_token, dev_jwks, &p, NULL));
        free(unsigned_token);
    }
    free(token);
}

static void another_key_under_the_same_kid_is_refused(void)
{
    struct vp_jwt_policy p = policy();
    struct vp_err err = { 0 };
    char *token = vp_dev_issuer_mint(other, "alice", "client-a", 0, NULL, &err);
    json_t *renamed = vp_dev_issuer_jwks(dev);              /* dev's key, published under other's kid */

    json_object_set_new(json_array_get(json_object_get(renamed, "keys"), 0), "kid",
                        json_string(vp_dev_issuer_kid(other)));
    EXPECT_STREQ("the token's signature is invalid", check(token, renamed, &p, NULL));
    json_decref(renamed);
    free(token);
}

static void alg_none_is_refused(void)
{
    struct vp_jwt_policy p = policy();
    char *claims = valid_claims_json(), *header = vp_xasprintf("{\"alg\":\"none\",\"kid\":\"%s\"}", vp_dev_issuer_kid(dev));
    char *unsigned_token = forge(header, claims, "");
    char *valid = mint("alice", "client-a", NULL), *sig = segment(valid, 2);
    char *with_sig = forge(header, claims, sig);

    EXPECT_STREQ("the token's signing algorithm is not supported", check(unsigned_token, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token's signing algorithm is not supported", check(with_sig, dev_jwks, &p, NULL));
    free(with_sig);
    free(sig);
    free(valid);
    free(unsigned_token);
    free(header);
    free(claims);
}

/* The classic key confusion: HS256 with the issuer's public key as the HMAC secret. */
static void hs256_with_the_public_key_as_secret_is_refused(void)
{
    struct vp_jwt_policy p = policy();
    json_t *key = json_array_get(json_object_get(dev_jwks, "keys"), 0);
    char *secret = json_dumps(key, JSON_COMPACT), *claims = valid_claims_json();
    char *header = vp_xasprintf("{\"alg\":\"HS256\",\"kid\":\"%s\",\"typ\":\"JWT\"}", vp_dev_issuer_kid(dev));
    char *h = vp_b64url_encode(header, strlen(header)), *pl = vp_b64url_encode(claims, strlen(claims));
    char *input = vp_xasprintf("%s.%s", h, pl), *sig, *token;
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;

    EXPECT(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, secret, strlen(secret), (const unsigned char *)input,
                     strlen(input), mac, sizeof(mac), &mac_len) != NULL);
    sig = vp_b64url_encode(mac, mac_len);
    token = vp_xasprintf("%s.%s", input, sig);
    EXPECT_STREQ("the token's signing algorithm is not supported", check(token, dev_jwks, &p, NULL));
    free(token);
    free(sig);
    free(input);
    free(pl);
    free(h);
    free(header);
    free(claims);
    free(secret);
}

static void other_algorithms_are_refused(void)
{
    static const char *const algs[] = { "ES256", "PS256", "HS512", "RS1", "" };
    struct vp_jwt_policy p = policy();
    char *claims = valid_claims_json();

    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        char *header = vp_xasprintf("{\"alg\":\"%s\",\"kid\":\"%s\"}", algs[i], vp_dev_issuer_kid(dev));
        char *token = forge(header, claims, "AAAA");
        EXPECT_STREQ("the token's signing algorithm is not supported", check(token, dev_jwks, &p, NULL));
        free(token);
        free(header);
    }
    free(claims);
}

static void unknown_or_missing_kid_is_refused(void)
{
    struct vp_jwt_policy p = policy();
    json_t *other_jwks = vp_dev_issuer_jwks(other), *empty = json_pack("{s:[]}", "keys");
    char *token = mint("alice", "client-a", NULL), *claims = valid_claims_json(), *sig = segment(token, 2);
    char *no_kid = forge("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", claims, sig);

    EXPECT_STREQ("the token's kid is not a key of the issuer", check(token, other_jwks, &p, NULL));
    EXPECT_STREQ("the token's kid is not a key of the issuer", check(token, empty, &p, NULL));
    EXPECT_STREQ("the token's kid is not a key of the issuer", check(token, NULL, &p, NULL));
    /* API Gateway requires the kid header claim, even when the issuer has a single key */
    EXPECT_STREQ("the token has no kid", check(no_kid, dev_jwks, &p, NULL));
    free(no_kid);
    free(sig);
    free(claims);
    free(token);
    json_decref(empty);
    json_decref(other_jwks);
}

static void a_key_that_does_not_fit_the_token_is_refused(void)
{
    static const char *const changes[] = {
        "{\"kty\":\"EC\"}", "{\"alg\":\"RS512\"}", "{\"use\":\"enc\"}", "{\"n\":\"AQAB\"}", "{\"e\":\"AQ\"}",
        "{\"n\":\"not base64!\"}",
    };
    struct vp_jwt_policy p = policy();
    char *token = mint("alice", "client-a", NULL);

    for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
        json_t *jwks = vp_dev_issuer_jwks(dev), *change = json_loads(changes[i], 0, NULL);
        json_object_update(json_array_get(json_object_get(jwks, "keys"), 0), change);
        EXPECT_STREQ("the issuer's key cannot verify the token", check(token, jwks, &p, NULL));
        json_decref(change);
        json_decref(jwks);
    }
    free(token);
}

/* RFC 7518 §3.3: RSA keys of 2048 bits or more. */
static void a_small_rsa_key_is_refused(void)
{
    struct vp_jwt_policy p = policy();
    EVP_PKEY *small = EVP_RSA_gen(1024);
    BIGNUM *n = NULL;
    unsigned char raw[256];
    char *token = mint("alice", "client-a", NULL), *n_b64;
    json_t *jwks = vp_dev_issuer_jwks(dev);

    EXPECT(small && EVP_PKEY_get_bn_param(small, OSSL_PKEY_PARAM_RSA_N, &n) == 1);
    n_b64 = vp_b64url_encode(raw, (size_t)BN_bn2bin(n, raw));
    json_object_set_new(json_array_get(json_object_get(jwks, "keys"), 0), "n", json_string(n_b64));
    EXPECT_STREQ("the issuer's key cannot verify the token", check(token, jwks, &p, NULL));
    json_decref(jwks);
    free(n_b64);
    free(token);
    BN_free(n);
    EVP_PKEY_free(small);
}

static void the_right_key_is_picked_among_several(void)
{
    struct vp_jwt_policy p = policy();
    json_t *both = vp_dev_issuer_jwks(other), *mine = vp_dev_issuer_jwks(dev);
    char *token = mint("alice", "client-a", NULL);

    json_array_extend(json_object_get(both, "keys"), json_object_get(mine, "keys"));
    EXPECT_INTEQ(2, json_array_size(json_object_get(both, "keys")));
    EXPECT(check(token, both, &p, NULL) == NULL);
    free(token);
    json_decref(mine);
    json_decref(both);
}

static void malformed_tokens_are_refused(void)
{
    struct vp_jwt_policy p = policy();
    char *token = mint("alice", "client-a", NULL), *h = segment(token, 0), *pl = segment(token, 1);
    char *s = segment(token, 2), *claims = valid_claims_json();
    char *two = vp_xasprintf("%s.%s", h, pl), *four = vp_xasprintf("%s.%s.%s.%s", h, pl, s, s);
    char *bad_b64 = vp_xasprintf("%s.%s!.%s", h, pl, s), *padded = vp_xasprintf("%s.%s=.%s", h, pl, s);
    char *bad_sig_b64 = vp_xasprintf("%s.%s.%s+", h, pl, s);
    char *not_json = forge("{\"alg\":\"RS256\"", claims, s);
    char *array_payload = forge("{\"alg\":\"RS256\",\"kid\":\"k\"}", "[1,2]", s);
    char *string_payload = forge("{\"alg\":\"RS256\",\"kid\":\"k\"}", "\"claims\"", s);
    char *duplicate = forge("{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"k\"}", claims, s);
    char *crit = forge("{\"alg\":\"RS256\",\"kid\":\"k\",\"crit\":[\"exp\"]}", claims, s);
    char *huge = vp_xmalloc(VP_JWT_MAX_TOKEN_BYTES + 2);

    EXPECT_STREQ("the token is malformed", check(h, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(two, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(four, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(bad_b64, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(padded, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(bad_sig_b64, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(not_json, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(array_payload, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(string_payload, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check(duplicate, dev_jwks, &p, NULL));
    EXPECT_STREQ("the token is malformed", check("..", dev_jwks, &p, NULL));
    EXPECT_STREQ("the token has critical header parameters that are not supported", check(crit, dev_jwks, &p, NULL));
    EXPECT_STREQ("no token", check("", dev_jwks, &p, NULL));
    EXPECT_STREQ("no token", check(NULL, dev_jwks, &p, NULL));
    memset(huge, 'A', VP_JWT_MAX_TOKEN_BYTES + 1);
    huge[VP_JWT_MAX_TOKEN_BYTES + 1] = '\0';
    EXPECT_STREQ("the token is too large", check(huge, dev_jwks, &p, NULL));
    free(huge);
    free(crit);
    free(duplicate);
    free(string_payload);
    free(array_payload);
    free(not_json);
    free(bad_sig_b64);
    free(padded);
    free(bad_b64);
    free(four);
    free(two);
    free(claims);
    free(s);
    free(pl);
    free(h);
    free(token);
}

static void base64url_is_canonical(void)
{
    unsigned char *out;
    size_t len;
    char *enc = vp_b64url_encode("\xfb\xff", 2);

    EXPECT_STREQ("-_8", enc);
    EXPECT(vp_b64url_decode(enc, strlen(enc), &out, &len) == 0);
    EXPECT_INTEQ(2, len);
    EXPECT(memcmp(out, "\xfb\xff", 2) == 0);
    free(out);
    EXPECT(vp_b64url_decode("QQ", 2, &out, &len) == 0 && len == 1 && out[0] == 'A');
    free(out);
    EXPECT(vp_b64url_decode("", 0, &out, &len) == 0 && len == 0);
    free(out);
    EXPECT(vp_b64url_decode("QR", 2, &out, &len) < 0);     /* bits past the end */
    EXPECT(vp_b64url_decode("QQ==", 4, &out, &len) < 0);   /* padding */
    EXPECT(vp_b64url_decode("Q", 1, &out, &len) < 0);
    EXPECT(vp_b64url_decode("+/8", 3, &out, &len) < 0);    /* the standard alphabet */
    EXPECT(vp_b64url_decode("QU JD", 5, &out, &len) < 0);
    free(enc);
}

static void the_token_comes_from_the_authorization_header(void)
{
    EXPECT_STREQ("abc.def.ghi", vp_jwt_from_authorization("Bearer abc.def.ghi"));
    EXPECT_STREQ("abc.def.ghi", vp_jwt_from_authorization("abc.def.ghi"));
    EXPECT_STREQ("abc.def.ghi", vp_jwt_from_authorization("bearer   abc.def.ghi"));
    EXPECT_STREQ("abc.def.ghi", vp_jwt_from_authorization("  BEARER\tabc.def.ghi"));
    EXPECT_STREQ("Bearerabc", vp_jwt_from_authorization("Bearerabc"));
    EXPECT_STREQ("Basic dXNlcjpwYXNz", vp_jwt_from_authorization("Basic dXNlcjpwYXNz"));
    EXPECT(vp_jwt_from_authorization("Bearer") == NULL);
    EXPECT(vp_jwt_from_authorization("Bearer   ") == NULL);
    EXPECT(vp_jwt_from_authorization("") == NULL);
    EXPECT(vp_jwt_from_authorization(NULL) == NULL);
}

/* --- the development issuer ---------------------------------------------------------------------------- */

static void the_discovery_document_and_key_set_have_their_shapes(void)
{
    json_t *d = vp_dev_issuer_discovery(dev), *jwks = vp_dev_issuer_jwks(dev);
    json_t *key = json_array_get(json_object_get(jwks, "keys"), 0);
    unsigned char *n;
    size_t n_len;

    EXPECT_STREQ(ISS, json_string_value(json_object_get(d, "issuer")));
    EXPECT_STREQ(ISS "/.well-known/jwks.json", json_string_value(json_object_get(d, "jwks_uri")));
    EXPECT_STREQ(ISS "/token", json_string_value(json_object_get(d, "token_endpoint")));
    EXPECT(json_is_array(json_object_get(d, "response_types_supported")));
    EXPECT_STREQ("public", json_string_value(json_array_get(json_object_get(d, "subject_types_supported"), 0)));
    EXPECT_STREQ("RS256",
                 json_string_value(json_array_get(json_object_get(d, "id_token_signing_alg_values_supported"), 0)));
    EXPECT_STREQ("password", json_string_value(json_array_get(json_object_get(d, "grant_types_supported"), 0)));
    EXPECT_STREQ("client_credentials", json_string_value(json_array_get(json_object_get(d, "grant_types_supported"), 1)));
    EXPECT_INTEQ(1, json_array_size(json_object_get(jwks, "keys")));
    EXPECT_INTEQ(6, json_object_size(key));
    EXPECT_STREQ("RSA", json_string_value(json_object_get(key, "kty")));
    EXPECT_STREQ(vp_dev_issuer_kid(dev), json_string_value(json_object_get(key, "kid")));
    EXPECT_STREQ("sig", json_string_value(json_object_get(key, "use")));
    EXPECT_STREQ("RS256", json_string_value(json_object_get(key, "alg")));
    EXPECT_STREQ("AQAB", json_string_value(json_object_get(key, "e")));
    EXPECT(vp_b64url_decode(json_string_value(json_object_get(key, "n")), strlen(json_string_value(json_object_get(key, "n"))),
                            &n, &n_len) == 0);
    EXPECT_INTEQ(256, n_len);                                /* RSA-2048 */
    EXPECT(strlen(vp_dev_issuer_kid(dev)) >= 16);
    EXPECT(strcmp(vp_dev_issuer_kid(dev), vp_dev_issuer_kid(other)) != 0);
    free(n);
    json_decref(jwks);
    json_decref(d);
}

static void the_issuer_url_must_be_http_without_query(void)
{
    static const char *const bad[] = { "ftp://x.example/", "http://x.example/?a=1", "http://x.example/#f", "not a url" };
    struct vp_dev_issuer *d = NULL;
    struct vp_err err = { 0 };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        EXPECT(vp_dev_issuer_new(bad[i], &d, &err) < 0);
        EXPECT(d == NULL);
    }
    EXPECT(vp_dev_issuer_new(NULL, &d, &err) < 0);
}

struct answer {
    int status;
    const char *content_type;
    json_t *body;
};

static struct answer ask(const char *method, const char *path, const char *content_type, const char *body)
{
    struct answer a = { 0 };
    char *text = NULL;

    vp_dev_issuer_handle(dev, method, path, content_type, body, body ? strlen(body) : 0, &a.status, &a.content_type,
                         &text);
    a.body = json_loads(text, 0, NULL);
    EXPECT(a.body != NULL);
    free(text);
    return a;
}

static void expect_oauth_error(struct answer a, int status, const char *error)
{
    EXPECT_INTEQ(status, a.status);
    EXPECT_STREQ("application/json", a.content_type);
    EXPECT_STREQ(error, json_string_value(json_object_get(a.body, "error")));
    EXPECT(json_is_string(json_object_get(a.body, "error_description")));
    json_decref(a.body);
}

static void the_token_endpoint_takes_a_form(void)
{
    struct vp_jwt_policy p = policy();
    struct answer a = ask("POST", "/token", "application/x-www-form-urlencoded; charset=UTF-8",
                          "grant_type=password&username=a%40b.example&password=whatever&client_id=client-b&scope=videos%2Fread+openid");
    json_t *claims = NULL, *id_claims = NULL;

    EXPECT_INTEQ(200, a.status);
    EXPECT_STREQ("Bearer", json_string_value(json_object_get(a.body, "token_type")));
    EXPECT_INTEQ(3600, json_integer_value(json_object_get(a.body, "expires_in")));
    EXPECT_STREQ("videos/read openid", json_string_value(json_object_get(a.body, "scope")));
    EXPECT(check(json_string_value(json_object_get(a.body, "access_token")), dev_jwks, &p, &claims) == NULL);
    EXPECT(check(json_string_value(json_object_get(a.body, "id_token")), dev_jwks, &p, &id_claims) == NULL);
    EXPECT_STREQ("a@b.example", json_string_value(json_object_get(claims, "sub")));
    EXPECT_STREQ("client-b", json_string_value(json_object_get(claims, "aud")));
    EXPECT_STREQ("client-b", json_string_value(json_object_get(claims, "client_id")));
    EXPECT_STREQ("videos/read openid", json_string_value(json_object_get(claims, "scope")));
    EXPECT_STREQ("access", json_string_value(json_object_get(claims, "token_use")));
    EXPECT_STREQ("id", json_string_value(json_object_get(id_claims, "token_use")));
    EXPECT(json_object_get(id_claims, "scope") == NULL);
    json_decref(id_claims);
    json_decref(claims);
    json_decref(a.body);
}

static void the_token_endpoint_takes_json(void)
{
    struct vp_jwt_policy p = policy();
    struct answer a = ask("POST", "/token", "application/json", "{\"username\":\"bob\",\"client_id\":\"client-a\"}");
    json_t *claims = NULL;

    EXPECT_INTEQ(200, a.status);
    EXPECT(check(json_string_value(json_object_get(a.body, "access_token")), dev_jwks, &p, &claims) == NULL);
    EXPECT_STREQ("bob", json_string_value(json_object_get(claims, "sub")));
    EXPECT(json_is_string(json_object_get(a.body, "id_token")));
    json_decref(claims);
    json_decref(a.body);
}

static void client_credentials_give_an_access_token_only(void)
{
    struct vp_jwt_policy p = policy();
    struct answer a = ask("POST", "/token", "application/x-www-form-urlencoded",
                          "grant_type=client_credentials&client_id=client-a");
    json_t *claims = NULL;

    EXPECT_INTEQ(200, a.status);
    EXPECT(json_object_get(a.body, "id_token") == NULL);
    EXPECT(check(json_string_value(json_object_get(a.body, "access_token")), dev_jwks, &p, &claims) == NULL);
    EXPECT_STREQ("client-a", json_string_value(json_object_get(claims, "sub")));
    json_decref(claims);
    json_decref(a.body);
}

static void bad_token_requests_get_oauth_errors(void)
{
    const char *form = "application/x-www-form-urlencoded";

    expect_oauth_error(ask("POST", "/token", form, "grant_type=password&client_id=client-a"), 400, "invalid_request");
    expect_oauth_error(ask("POST", "/token", "application/json", "{\"client_id\":\"client-a\"}"), 400, "invalid_request");
    expect_oauth_error(ask("POST", "/token", form, "grant_type=password&username=bob"), 400, "invalid_request");
    expect_oauth_error(ask("POST", "/token", form, "username=bob&client_id=client-a"), 400, "invalid_request");
    expect_oauth_error(ask("POST", "/token", form, "grant_type=password&username=bob+smith&client_id=c"), 400,
                       "invalid_request");
    expect_oauth_error(ask("POST", "/token", form, "grant_type=password&username=bob%00&client_id=c"), 400,
                       "invalid_request");
    expect_oauth_error(ask("POST", "/token", form, "grant_type=password&username=bob&username=eve&client_id=c"), 400,
                       "invalid_request");
    expect_oauth_error(ask("POST", "/token", form, "grant_type=authorization_code&code=x&client_id=c"), 400,
                       "unsupported_grant_type");
    expect_oauth_error(ask("POST", "/token", form, "grant_type=password&username=bob&client_id=c&scope=%22"), 400,
                       "invalid_scope");
    expect_oauth_error(ask("POST", "/token", "application/json", "{\"username\":7,\"client_id\":\"c\"}"), 400,
                       "invalid_request");
    expect_oauth_error(ask("POST", "/token", "application/json", "[]"), 400, "invalid_request");
    expect_oauth_error(ask("POST", "/token", "text/plain", "username=bob"), 400, "invalid_request");
    expect_oauth_error(ask("POST", "/token", NULL, "username=bob"), 400, "invalid_request");
    expect_oauth_error(ask("GET", "/token", NULL, NULL), 405, "invalid_request");
    expect_oauth_error(ask("POST", "/.well-known/jwks.json", NULL, NULL), 405, "invalid_request");
    expect_oauth_error(ask("GET", "/authorize", NULL, NULL), 404, "not_found");
    expect_oauth_error(ask("GET", "/", NULL, NULL), 404, "not_found");
}

static void names_are_sensible_identifiers(void)
{
    char long_name[130];

    memset(long_name, 'a', 128);
    long_name[128] = '\0';
    EXPECT(vp_dev_issuer_valid_name("alice"));
    EXPECT(vp_dev_issuer_valid_name("a.b_c-d@e.example"));
    EXPECT(vp_dev_issuer_valid_name(long_name));
    long_name[128] = 'a';
    long_name[129] = '\0';
    EXPECT(!vp_dev_issuer_valid_name(long_name));
    EXPECT(!vp_dev_issuer_valid_name(""));
    EXPECT(!vp_dev_issuer_valid_name(NULL));
    EXPECT(!vp_dev_issuer_valid_name("bob smith"));
    EXPECT(!vp_dev_issuer_valid_name("bob/../x"));
    EXPECT(!vp_dev_issuer_valid_name("b\xc3\xb6" "b"));
}

/* --- over HTTP: discovery, fetching and the cache ------------------------------------------------------ */

/* The test server: /issuer/... is the current issuer (switchable: a key rotation); /bad/... serves a
 * discovery document whose key set is not one; anything else 404. */
static struct server {
    struct MHD_Daemon *daemon;
    unsigned short port;
    char base[64];                      /* http://127.0.0.1:PORT */
    pthread_mutex_t mu;
    const struct vp_dev_issuer *current;
    int discovery_hits;
    bool failing;
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

static enum MHD_Result respond(struct MHD_Connection *conn, int status, const char *content_type, char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result ret;

    MHD_add_response_header(r, "Content-Type", content_type);
    ret = MHD_queue_response(conn, (unsigned int)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    struct vp_buf *body = *con_cls;
    const struct vp_dev_issuer *d;
    const char *content_type;
    char *out;
    int status;
    bool failing;

    (void)cls, (void)version;
    if (!body) {
        body = vp_xcalloc(1, sizeof(*body));
        vp_buf_init(body, 0);
        *con_cls = body;
        return MHD_YES;
    }
    if (*upload_size) {
        vp_buf_put(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&srv.mu);
    d = srv.current;
    failing = srv.failing;
    if (strcmp(url, "/issuer/.well-known/openid-configuration") == 0)
        srv.discovery_hits++;
    pthread_mutex_unlock(&srv.mu);
    if (failing)
        return respond(conn, 500, "text/plain", vp_xstrdup("down"));
    if (strncmp(url, "/issuer/", 8) == 0) {
        vp_dev_issuer_handle(d, method, url + 7,
                             MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
                             body->data, body->len, &status, &content_type, &out);
        return respond(conn, status, content_type, out);
    }
    if (strcmp(url, "/bad/.well-known/openid-configuration") == 0)
        return respond(conn, 200, "application/json",
                       vp_xasprintf("{\"issuer\":\"%s/bad\",\"jwks_uri\":\"%s/bad/jwks\"}", srv.base, srv.base));
    if (strcmp(url, "/bad/jwks") == 0)
        return respond(conn, 200, "application/json", vp_xstrdup("{\"keys\":\"none\"}"));
    return respond(conn, 404, "text/plain", vp_xstrdup("no"));
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    struct vp_buf *body = *con_cls;

    (void)cls, (void)conn, (void)toe;
    if (body) {
        vp_buf_release(body);
        free(body);
        *con_cls = NULL;
    }
}

static bool server_start(void)
{
    struct sockaddr_in addr = { .sin_family = AF_INET };
    socklen_t alen = sizeof(addr);
    const union MHD_DaemonInfo *info;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv.daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL,
                                  on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                  MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (!srv.daemon)
        return false;
    info = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_LISTEN_FD);
    if (!info || getsockname(info->listen_fd, (struct sockaddr *)&addr, &alen) != 0)
        return false;
    srv.port = ntohs(addr.sin_port);
    snprintf(srv.base, sizeof(srv.base), "http://127.0.0.1:%u", (unsigned)srv.port);
    return true;
}

static void serve(const struct vp_dev_issuer *d, bool failing)
{
    pthread_mutex_lock(&srv.mu);
    srv.current = d;
    srv.failing = failing;
    pthread_mutex_unlock(&srv.mu);
}

static int discovery_hits(void)
{
    int n;

    pthread_mutex_lock(&srv.mu);
    n = srv.discovery_hits;
    pthread_mutex_unlock(&srv.mu);
    return n;
}

static struct vp_dev_issuer *http_a, *http_b;   /* two keys of the issuer <base>/issuer */
static char *http_iss;

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
    vp_buf_put(ctx, p, size * n);
    return size * n;
}

static void the_issuer_answers_over_http(void)
{
    struct vp_buf body = VP_BUF_INIT(0);
    char *url = vp_xasprintf("%s/token", http_iss);
    const char *fields = "grant_type=password&username=carol&client_id=client-a";
    const char *const auds[] = { "client-a" };
    struct vp_jwt_policy p = { .issuer = http_iss, .audiences = auds, .n_audiences = 1 };
    json_t *answer, *jwks = vp_dev_issuer_jwks(http_a);
    CURL *c = curl_easy_init();
    long status = 0;

    serve(http_a, false);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, fields);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    EXPECT(curl_easy_perform(c) == CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    EXPECT_INTEQ(200, status);
    answer = json_loads(body.data, 0, NULL);
    EXPECT(check(json_string_value(json_object_get(answer, "access_token")), jwks, &p, NULL) == NULL);
    json_decref(answer);
    json_decref(jwks);
    curl_easy_cleanup(c);
    vp_buf_release(&body);
    free(url);
}

static void fetch_finds_the_key_set_through_discovery(void)
{
    struct vp_err err = { 0 };
    json_t *jwks = NULL, *want = vp_dev_issuer_jwks(http_a);
    char *slash = vp_xasprintf("%s/", http_iss);

    serve(http_a, false);
    EXPECT(vp_jwks_fetch(http_iss, 2000, &jwks, &err) == 0);
    EXPECT(json_equal(want, jwks));
    json_decref(jwks);
    /* the discovery URL drops the trailing slash, but its "issuer" must be the configured one exactly */
    EXPECT(vp_jwks_fetch(slash, 2000, &jwks, &err) < 0);
    EXPECT(jwks == NULL);
    EXPECT(strstr(err.msg, "/issuer/.well-known/openid-configuration") != NULL);
    EXPECT(strstr(err.msg, "issuer") != NULL);
    json_decref(want);
    free(slash);
}

static void fetch_errors_name_the_url_and_status(void)
{
    struct vp_err err = { 0 };
    json_t *jwks = NULL;
    char *missing = vp_xasprintf("%s/nothere", srv.base), *bad = vp_xasprintf("%s/bad", srv.base);
    char *want = vp_xasprintf("GET %s/nothere/.well-known/openid-configuration: HTTP 404", srv.base);

    EXPECT(vp_jwks_fetch(missing, 2000, &jwks, &err) < 0);
    EXPECT_STREQ(want, err.msg);
    EXPECT(vp_jwks_fetch(bad, 2000, &jwks, &err) < 0);
    EXPECT(strstr(err.msg, "/bad/jwks") != NULL && strstr(err.msg, "\"keys\"") != NULL);
    serve(http_a, true);
    EXPECT(vp_jwks_fetch(http_iss, 2000, &jwks, &err) < 0);
    EXPECT(strstr(err.msg, "HTTP 500") != NULL);
    serve(http_a, false);
    EXPECT(vp_jwks_fetch("http://127.0.0.1:1/x", 2000, &jwks, &err) < 0);  /* nothing listens there */
    EXPECT(strstr(err.msg, "GET http://127.0.0.1:1/x/.well-known/openid-configuration") == err.msg);
    EXPECT(jwks == NULL);
    free(want);
    free(bad);
    free(missing);
}

static time_t fake_now;

static time_t fake_clock(void)
{
    return fake_now;
}

static const char *cache_verify(struct vp_jwks_cache *c, const char *token)
{
    const char *const auds[] = { "client-a" };
    struct vp_jwt_policy p = { .issuer = http_iss, .audiences = auds, .n_audiences = 1 };
    struct vp_err err = { 0 };
    const char *reason = NULL;
    json_t *claims = NULL;
    int ret = vp_jwks_cache_verify(c, token, &p, &claims, &reason, &err);

    EXPECT((ret == 0) == (claims != NULL));
    json_decref(claims);
    return ret == 0 ? NULL : reason;
}

static void the_cache_refetches_for_a_new_kid_at_most_once_a_minute(void)
{
    struct vp_jwks_cache_opts opts = { .clock = fake_clock };
    struct vp_jwks_cache *c = vp_jwks_cache_new(&opts);
    struct vp_err err = { 0 };
    char *token_a = vp_dev_issuer_mint(http_a, "alice", "client-a", 0, NULL, &err);
    char *token_b = vp_dev_issuer_mint(http_b, "alice", "client-a", 0, NULL, &err);
    json_t *jwks = NULL;
    int hits = discovery_hits();

    serve(http_a, false);
    fake_now = 1000;
    EXPECT(cache_verify(c, token_a) == NULL);
    EXPECT_INTEQ(hits + 1, discovery_hits());
    EXPECT(cache_verify(c, token_a) == NULL);               /* cached */
    EXPECT_INTEQ(hits + 1, discovery_hits());

    serve(http_b, false);                                   /* the issuer rotates its key */
    fake_now = 1030;                                        /* too soon after the last fetch */
    EXPECT_STREQ("the token's kid is not a key of the issuer", cache_verify(c, token_b));
    EXPECT_INTEQ(hits + 1, discovery_hits());
    fake_now = 1060;
    EXPECT(cache_verify(c, token_b) == NULL);               /* fetched again for the new kid */
    EXPECT_INTEQ(hits + 2, discovery_hits());
    fake_now = 1061;                                        /* the old key is gone; no new fetch */
    EXPECT_STREQ("the token's kid is not a key of the issuer", cache_verify(c, token_a));
    EXPECT_INTEQ(hits + 2, discovery_hits());

    fake_now = 1060 + VP_JWKS_TTL_S - 1;                    /* within the TTL: cached */
    EXPECT(vp_jwks_cache_get(c, http_iss, NULL, &jwks, &err) == 0);
    json_decref(jwks);
    EXPECT_INTEQ(hits + 2, discovery_hits());
    fake_now = 1060 + VP_JWKS_TTL_S;                        /* expired: fetched again */
    EXPECT(cache_verify(c, token_b) == NULL);
    EXPECT_INTEQ(hits + 3, discovery_hits());

    serve(http_b, true);                                    /* expired and the issuer is down: no stale keys */
    fake_now += VP_JWKS_TTL_S;
    EXPECT_STREQ("the issuer's signing keys could not be fetched", cache_verify(c, token_b));
    EXPECT(vp_jwks_cache_get(c, http_iss, NULL, &jwks, &err) < 0);
    EXPECT(strstr(err.msg, "HTTP 500") != NULL);
    EXPECT(jwks == NULL);
    serve(http_b, false);
    EXPECT(cache_verify(c, token_b) == NULL);

    vp_jwks_cache_free(c);
    free(token_a);
    free(token_b);
}

static void without_a_limit_every_unknown_kid_refetches(void)
{
    struct vp_jwks_cache_opts opts = { .clock = fake_clock, .min_refetch_s = -1 };
    struct vp_jwks_cache *c = vp_jwks_cache_new(&opts);
    struct vp_err err = { 0 };
    char *token_a = vp_dev_issuer_mint(http_a, "alice", "client-a", 0, NULL, &err);
    char *token_b = vp_dev_issuer_mint(http_b, "alice", "client-a", 0, NULL, &err);
    int hits;

    fake_now = 5000;
    serve(http_a, false);
    EXPECT(cache_verify(c, token_a) == NULL);
    hits = discovery_hits();
    serve(http_b, false);
    EXPECT(cache_verify(c, token_b) == NULL);
    EXPECT_INTEQ(hits + 1, discovery_hits());
    vp_jwks_cache_free(c);
    free(token_a);
    free(token_b);
}

struct racer {
    struct vp_jwks_cache *cache;
    const char *token;
    int failures;
};

static void *race(void *arg)
{
    struct racer *r = arg;

    for (int i = 0; i < 20; i++)
        if (cache_verify(r->cache, r->token) != NULL)
            r->failures++;
    return NULL;
}

/* Concurrent requests for one issuer share a single fetch. */
static void concurrent_requests_share_one_fetch(void)
{
    struct vp_jwks_cache *c = vp_jwks_cache_new(NULL);
    struct vp_err err = { 0 };
    char *token = vp_dev_issuer_mint(http_a, "alice", "client-a", 0, NULL, &err);
    struct racer racers[8];
    pthread_t threads[8];
    int hits = discovery_hits();

    serve(http_a, false);
    for (int i = 0; i < 8; i++) {
        racers[i] = (struct racer){ .cache = c, .token = token };
        pthread_create(&threads[i], NULL, race, &racers[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        EXPECT_INTEQ(0, racers[i].failures);
    }
    EXPECT_INTEQ(hits + 1, discovery_hits());
    vp_jwks_cache_free(c);
    free(token);
}

static void http_tests(void)
{
    struct vp_err err = { 0 };

    if (!server_start()) {
        printf("not ok - the test issuer server starts on 127.0.0.1\n");
        return;
    }
    http_iss = vp_xasprintf("%s/issuer", srv.base);
    if (vp_dev_issuer_new(http_iss, &http_a, &err) == 0 && vp_dev_issuer_new(http_iss, &http_b, &err) == 0) {
        T_RUN(the_issuer_answers_over_http);
        T_RUN(fetch_finds_the_key_set_through_discovery);
        T_RUN(fetch_errors_name_the_url_and_status);
        T_RUN(the_cache_refetches_for_a_new_kid_at_most_once_a_minute);
        T_RUN(without_a_limit_every_unknown_kid_refetches);
        T_RUN(concurrent_requests_share_one_fetch);
    } else {
        printf("not ok - development issuers for %s: %s\n", http_iss, err.msg);
    }
    MHD_stop_daemon(srv.daemon);
    vp_dev_issuer_free(http_a);
    vp_dev_issuer_free(http_b);
    free(http_iss);
}

int main(void)
{
    struct vp_err err = { 0 };
    int ret;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (vp_dev_issuer_new(ISS, &dev, &err) < 0 || vp_dev_issuer_new(ISS, &other, &err) < 0) {
        printf("not ok - development issuers: %s\n", err.msg);
        return 1;
    }
    dev_jwks = vp_dev_issuer_jwks(dev);
    T_RUN(a_minted_token_is_valid_and_yields_its_claims);
    T_RUN(the_header_is_rs256_with_kid_and_typ);
    T_RUN(the_issuer_must_match_exactly);
    T_RUN(the_audience_must_be_configured);
    T_RUN(client_id_counts_only_without_aud);
    T_RUN(an_expired_token_is_refused);
    T_RUN(a_token_minted_with_a_negative_ttl_is_already_expired);
    T_RUN(mint_refuses_what_it_cannot_sign);
    T_RUN(nbf_and_iat_must_not_be_in_the_future);
    T_RUN(exp_is_required_and_must_be_a_number);
    T_RUN(a_route_scope_must_be_in_scope_or_scp);
    T_RUN(a_tampered_payload_is_refused);
    T_RUN(a_tampered_signature_is_refused);
    T_RUN(another_key_under_the_same_kid_is_refused);
    T_RUN(alg_none_is_refused);
    T_RUN(hs256_with_the_public_key_as_secret_is_refused);
    T_RUN(other_algorithms_are_refused);
    T_RUN(unknown_or_missing_kid_is_refused);
    T_RUN(a_key_that_does_not_fit_the_token_is_refused);
    T_RUN(a_small_rsa_key_is_refused);
    T_RUN(the_right_key_is_picked_among_several);
    T_RUN(malformed_tokens_are_refused);
    T_RUN(base64url_is_canonical);
    T_RUN(the_token_comes_from_the_authorization_header);
    T_RUN(the_discovery_document_and_key_set_have_their_shapes);
    T_RUN(the_issuer_url_must_be_http_without_query);
    T_RUN(the_token_endpoint_takes_a_form);
    T_RUN(the_token_endpoint_takes_json);
    T_RUN(client_credentials_give_an_access_token_only);
    T_RUN(bad_token_requests_get_oauth_errors);
    T_RUN(names_are_sensible_identifiers);
    http_tests();
    json_decref(dev_jwks);
    vp_dev_issuer_free(dev);
    vp_dev_issuer_free(other);
    ret = t_done();
    curl_global_cleanup();
    return ret;
}

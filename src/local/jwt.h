/* jwt.h: checking a JSON Web Token as an API Gateway HTTP API JWT authorizer does, for `vidpipe serve`.
 *
 * What API Gateway documents ("Control access to HTTP APIs with JWT authorizers"), in its order:
 *   1. the token is the identity source (the Authorization header), alone or after "Bearer ";
 *   2. the token is decoded: three base64url segments (RFC 7515 compact serialization), a JSON object
 *      header and a JSON object payload;
 *   3. its algorithm and signature are checked with the key of the issuer's jwks_uri whose "kid" is the
 *      header's "kid"; only RSA algorithms are supported (RS256, RS384, RS512 here);
 *   4. the claims: "iss" is the configured issuer; "aud" (string or array) holds one of the configured
 *      audiences, or, only when there is no "aud", "client_id" is one; "exp" is after now; "nbf" and
 *      "iat", when present, are not after now; and when the route has authorization scopes, "scope" or
 *      "scp" (space-separated string or array) holds at least one of them.
 * Refused besides: alg "none", HMAC algorithms (a JWKS's public key must never become an HMAC secret),
 * EC and PSS algorithms (API Gateway supports RSA only), a missing kid, a kid not in the key set, a key
 * whose kty, alg or use does not fit, RSA keys under 2048 bits (RFC 7518 §3.3), critical header
 * parameters ("crit": none is understood), non-canonical base64url, duplicate JSON member names, and
 * tokens over VP_JWT_MAX_TOKEN_BYTES.
 *
 * Clock skew: the policy's leeway_s widens the exp, nbf and iat checks by that many seconds. API Gateway
 * documents none ("exp must be after the current time"), so 0, the value of a zero-initialised policy, is
 * what matches it; and a token is valid in the very second it is issued (nbf and iat equal to now pass).
 *
 * Thread-safety: every function here may be called from any thread; nothing is shared. */
#ifndef VP_LOCAL_JWT_H
#define VP_LOCAL_JWT_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "base/err.h"

#define VP_JWT_MAX_TOKEN_BYTES (16u * 1024)

struct vp_jwt_policy {
    const char *issuer;                 /* exact match with "iss" (the authorizer's issuer) */
    const char *const *audiences;       /* "aud" (string or array), else "client_id", must be one; */
    size_t n_audiences;                 /*   none configured: every token is refused */
    const char *const *scopes;          /* the route's authorization scopes: "scope"/"scp" must hold one */
    size_t n_scopes;                    /*   0: the route requires none */
    long leeway_s;                      /* clock skew allowed on exp, nbf and iat; 0 as API Gateway */
    time_t now;                         /* 0: time(NULL) */
};

/* The reason given when everything but the scopes was right. API Gateway answers that with 403 Forbidden
 * and `WWW-Authenticate: Bearer scope="..." error="insufficient_scope"`; every other reason with 401
 * Unauthorized and error="invalid_token". Compare the pointer. */
extern const char vp_jwt_insufficient_scope[];

/* 0 with *claims (a new reference to the payload) when the token is valid under the policy with the key
 * set jwks ({"keys": [...]}); -1 with err filled (VP_E_PARSE; VP_E_LIMIT for an oversized token) and
 * *reason set to a short static text fit for WWW-Authenticate's error_description ("the token has
 * expired", "the token does not have a valid audience", ...). */
int vp_jwt_verify(const char *token, const json_t *jwks, const struct vp_jwt_policy *p, json_t **claims,
                  const char **reason, struct vp_err *err);

/* The token in an Authorization header value: after "Bearer " (the scheme's case ignored, as RFC 7235
 * says), else the whole value; NULL when there is none (NULL, empty, or "Bearer" alone). Borrowed from
 * header_value. */
const char *vp_jwt_from_authorization(const char *header_value);

/* Copies the "kid" of the token's header into kid; 1 when there is one and it fits, else 0. Nothing is
 * verified: it only says which key set to look in. */
int vp_jwt_peek_kid(const char *token, char *kid, size_t size);

/* base64url without padding (RFC 7515 §2), through OpenSSL's base64. The encoder's result is the
 * caller's to free. The decoder takes exactly the canonical encoding (no padding, no whitespace, unused
 * bits zero): 0 with *out (the caller frees; NUL-terminated past *out_len) or -1. */
char *vp_b64url_encode(const void *data, size_t len);
int vp_b64url_decode(const char *s, size_t len, unsigned char **out, size_t *out_len);

#endif

/* jwks.h: an issuer's signing keys, as an API Gateway JWT authorizer finds them: OpenID Connect Discovery
 * (GET <issuer>/.well-known/openid-configuration, whose "issuer" must be the issuer) names the jwks_uri,
 * and the JSON Web Key Set there ({"keys":[...]}) holds the keys tokens are checked with.
 *
 * The cache keeps each issuer's key set for a TTL (API Gateway caches public keys for two hours) and, when
 * a token names a kid the cached set lacks (the issuer rotated its keys), fetches the set again, but no
 * sooner than a minute after that issuer's last fetch, so tokens with made-up kids cannot make it hammer
 * the issuer (until then such tokens are refused for their unknown kid). A set whose
 * TTL ran out is fetched again before use; if that fails the request fails (no stale keys).
 *
 * Thread-safety: vp_jwks_fetch is reentrant. The cache may be used from any thread: one lock guards the
 * list of issuers and one per issuer is held while that issuer's set is fetched, so concurrent requests
 * for one issuer wait for a single fetch and other issuers are not held up. */
#ifndef VP_LOCAL_JWKS_H
#define VP_LOCAL_JWKS_H

#include <jansson.h>
#include <time.h>

#include "base/err.h"
#include "local/jwt.h"

#define VP_JWKS_TTL_S 7200              /* API Gateway's two hours */
#define VP_JWKS_MIN_REFETCH_S 60        /* between two fetches caused by unknown kids */
#define VP_JWKS_TIMEOUT_MS 5000
#define VP_JWKS_MAX_BYTES (1u << 20)    /* a discovery document or key set larger than 1 MiB is refused */

/* Fetches the issuer's key set (issuer: the authorizer's issuer, exactly as configured; the discovery URL
 * is it without trailing slashes, then /.well-known/openid-configuration). 0 with *jwks (a new reference,
 * an object whose "keys" is an array of objects each with a "kty"), or -1 with err naming the URL and,
 * for an answer other than 200, its HTTP status. timeout_ms bounds each request (0: VP_JWKS_TIMEOUT_MS). */
int vp_jwks_fetch(const char *issuer, long timeout_ms, json_t **jwks, struct vp_err *err);

struct vp_jwks_cache;

struct vp_jwks_cache_opts {
    long ttl_s;                         /* 0: VP_JWKS_TTL_S */
    long min_refetch_s;                 /* 0: VP_JWKS_MIN_REFETCH_S; negative: no limit */
    long timeout_ms;                    /* 0: VP_JWKS_TIMEOUT_MS */
    time_t (*clock)(void);              /* seconds on a steady clock; NULL: CLOCK_MONOTONIC (tests step it) */
};

/* opts NULL: every default. */
struct vp_jwks_cache *vp_jwks_cache_new(const struct vp_jwks_cache_opts *opts);
void vp_jwks_cache_free(struct vp_jwks_cache *c);
/* The issuer's key set (a new reference): the cached one when it is younger than the TTL and, if kid is
 * not NULL, holds a key with that kid (or was fetched too recently to try again); else freshly fetched.
 * -1 with err when a needed fetch fails. */
int vp_jwks_cache_get(struct vp_jwks_cache *c, const char *issuer, const char *kid, json_t **jwks,
                      struct vp_err *err);
/* vp_jwt_verify with the key set of p->issuer from the cache (fetched again for an unknown kid, as
 * above). When the keys cannot be had, -1 with *reason "the issuer's signing keys could not be fetched"
 * and err saying why. */
int vp_jwks_cache_verify(struct vp_jwks_cache *c, const char *token, const struct vp_jwt_policy *p,
                         json_t **claims, const char **reason, struct vp_err *err);

#endif

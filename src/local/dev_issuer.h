/* dev_issuer.h: a development OpenID Connect issuer, for local use only (`vidpipe serve` and its demo): it
 * signs tokens an HTTP API's JWT authorizer accepts, so the API's routes can be called without a real
 * identity provider. It authenticates nobody: any well-formed username gets a token.
 *
 * Its key is a fresh RSA-2048 key with a random kid, made by vp_dev_issuer_new and never written anywhere;
 * tokens are RS256 with the header {"alg":"RS256","kid":...,"typ":"JWT"}. Served, relative to the issuer
 * URL's path (vp_dev_issuer_handle):
 *   GET  /.well-known/openid-configuration   the discovery document (vp_dev_issuer_discovery)
 *   GET  /.well-known/jwks.json              the key set (vp_dev_issuer_jwks)
 *   POST /token                              a token request (RFC 6749 §4.3 and §4.4 shapes):
 *        application/x-www-form-urlencoded: grant_type=password&username=U&client_id=C[&scope=S]
 *                                           (a password is ignored), or
 *                                           grant_type=client_credentials&client_id=C[&scope=S];
 *        application/json: {"username":U,"client_id":C[,"scope":S][,"grant_type":...]} (password grant
 *                                           when grant_type is absent)
 *        -> 200 {"access_token","id_token","token_type":"Bearer","expires_in":3600[,"scope"]}
 *           (no id_token for client_credentials: there is no user);
 *        -> 400 {"error":"invalid_request"|"unsupported_grant_type","error_description":...} (RFC 6749
 *           §5.2); the access token's claims: iss, sub (the username, or the client for
 *           client_credentials), aud (the client_id), client_id, iat, nbf, exp, jti, token_use "access",
 *           username[, scope]; the id token's the same with token_use "id" and no scope.
 * Other paths: 404; other methods: 405. Usernames and client ids are 1 to 128 characters of
 * [A-Za-z0-9._@-].
 *
 * Thread-safety: after vp_dev_issuer_new every function may be called from any thread. */
#ifndef VP_LOCAL_DEV_ISSUER_H
#define VP_LOCAL_DEV_ISSUER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define VP_DEV_ISSUER_TOKEN_TTL_S 3600

struct vp_dev_issuer;

/* A new issuer whose "iss" is issuer_url, exactly (an http or https URL with no query or fragment; a
 * trailing slash is kept in "iss" and left out of the endpoint URLs). 0 with *out, or -1 with err. */
int vp_dev_issuer_new(const char *issuer_url, struct vp_dev_issuer **out, struct vp_err *err);
/* The same, but the issuer identity ("iss", the discovery's "issuer") and where the issuer is served
 * (the base of jwks_uri and token_endpoint) differ: `vidpipe serve --dev-issuer` stands in for the spec's
 * https issuer while it is served on http://127.0.0.1:PORT/issuer. */
int vp_dev_issuer_new_at(const char *issuer, const char *served_at, struct vp_dev_issuer **out, struct vp_err *err);
void vp_dev_issuer_free(struct vp_dev_issuer *d);

const char *vp_dev_issuer_url(const struct vp_dev_issuer *d);   /* borrowed */
const char *vp_dev_issuer_kid(const struct vp_dev_issuer *d);   /* borrowed */

/* {"keys":[{"kty":"RSA","kid","use":"sig","alg":"RS256","n","e"}]} (new reference). */
json_t *vp_dev_issuer_jwks(const struct vp_dev_issuer *d);
/* {issuer, jwks_uri: <issuer>/.well-known/jwks.json, token_endpoint: <issuer>/token,
 *  response_types_supported, subject_types_supported, id_token_signing_alg_values_supported ["RS256"],
 *  grant_types_supported ["password","client_credentials"], token_endpoint_auth_methods_supported}
 * (new reference). */
json_t *vp_dev_issuer_discovery(const struct vp_dev_issuer *d);

/* A signed token with the claims iss, sub, aud (left out when audience is NULL), iat, nbf, exp (now plus
 * ttl_s; 0: VP_DEV_ISSUER_TOKEN_TTL_S; negative: already expired), jti, token_use "access", username
 * (= sub), then every member of extra_claims (an object, or NULL), which win over the ones before.
 * The caller frees it; NULL with err filled. */
char *vp_dev_issuer_mint(const struct vp_dev_issuer *d, const char *sub, const char *audience, long ttl_s,
                         const json_t *extra_claims, struct vp_err *err);
/* Signs exactly these claims (an object) under the issuer's header: for tests that need a token the minter
 * would not make (no exp, ...). */
char *vp_dev_issuer_sign(const struct vp_dev_issuer *d, const json_t *claims, struct vp_err *err);

/* Whether s is a username or client id this issuer accepts: 1 to 128 characters of [A-Za-z0-9._@-]. */
bool vp_dev_issuer_valid_name(const char *s);

/* Answers one HTTP request to the issuer. path is relative to the issuer URL's path ("/token"; a query
 * string is ignored); content_type is the request's Content-Type (NULL: none); body and len its body.
 * Sets *status, *content_type_out (static) and *body_out (the caller frees it). */
void vp_dev_issuer_handle(const struct vp_dev_issuer *d, const char *method, const char *path,
                          const char *content_type, const char *body, size_t len, int *status,
                          const char **content_type_out, char **body_out);

#endif

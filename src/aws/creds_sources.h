/* creds_sources.h: what the credential sources share; private to src/aws/creds_*.c.
 *
 * A source's load() returns 1 (found), 0 (not configured: try the next) or -1 (configured but broken).
 * On 0 a source may leave in err->msg the text the chain lists for it when nothing is found anywhere
 * ("profile 'dev' (/home/u/.aws/config, /home/u/.aws/credentials)", "imds (disabled by ...)"); an empty
 * message lists the source's name alone. No source ever puts a secret or a token in err. */
#ifndef VP_AWS_CREDS_SOURCES_H
#define VP_AWS_CREDS_SOURCES_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"

/* The chain's members, in creds_chain.c's order. */
extern const struct vp_cred_source vp_cred_env, vp_cred_assume_role, vp_cred_web_identity, vp_cred_profile,
    vp_cred_container, vp_cred_imds;

/* True when the profile was chosen with --profile rather than AWS_PROFILE: botocore then ignores the
 * environment's keys and web identity variables and takes credentials from the profile alone. */
bool vp_creds_env_disabled(const struct vp_aws *aws);

/* The environment's keys, read even when --profile turned the env source off (credential_source =
 * Environment uses them so). */
int vp_creds_env_read(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err);

/* Web identity for a profile: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME (when
 * use_env), else the profile's web_identity_token_file, role_arn and role_session_name. */
int vp_creds_web_identity_load(struct vp_aws *aws, const char *profile, bool use_env, struct vp_creds *out,
                               struct vp_err *err);
/* A profile's own credentials, in botocore's order: (as a source profile only: its web identity), then static
 * keys in the credentials file, credential_process, static keys in the config file. */
int vp_creds_profile_load(struct vp_aws *aws, const char *profile, bool as_source, struct vp_creds *out,
                          struct vp_err *err);
/* Runs a credential_process command line (split as a POSIX shell splits words, not run by a shell). */
int vp_creds_process_run(const char *command, const char *profile, time_t now, struct vp_creds *out,
                         struct vp_err *err);

/* A small file holding a token (web identity, container authorization), trailing whitespace removed;
 * what names it in errors. The caller frees *out (wiping it). */
int vp_creds_read_token_file(const char *path, const char *what, char **out, struct vp_err *err);
void vp_creds_free_token(char *token);
/* Wipes a buffer that held secrets (an answer with credentials in it) before it is released. */
void vp_creds_wipe_buf(struct vp_buf *b);
/* Credentials from a JSON answer (container, IMDS, credential_process): AccessKeyId, SecretAccessKey, the
 * token under token_key, Expiration. with_expiry: the token and expiration are required. */
int vp_creds_from_json(json_t *doc, const char *token_key, bool with_expiry, const char *what,
                       const char *source, struct vp_creds *out, struct vp_err *err);
/* An STS AssumeRole or AssumeRoleWithWebIdentity call (signed with signer, or unsigned when signer is
 * NULL) and the Credentials element of its answer. */
int vp_creds_sts_assume(struct vp_aws *aws, const char *action, const struct vp_kvlist *params,
                        const struct vp_creds *signer, const char *source, struct vp_creds *out,
                        struct vp_err *err);
/* The RoleSessionName sent when none is configured: "vidpipe-session-<unix time>". Caller frees. */
char *vp_creds_default_session_name(const struct vp_aws *aws);
/* getenv, with an empty value read as unset. */
const char *vp_creds_env(const char *name);

#endif

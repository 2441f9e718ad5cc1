/* creds_web_identity.c: an OIDC token file exchanged for role credentials with STS
 * AssumeRoleWithWebIdentity (GitHub Actions, EKS IRSA): AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 * [+ AWS_ROLE_SESSION_NAME], or a profile's web_identity_token_file + role_arn [+ role_session_name]. */
#include <stdlib.h>
#include <string.h>

#include "aws/creds_sources.h"
#include "base/xalloc.h"

/* Each setting on its own: the environment variable (unless --profile turned the environment off), then
 * the profile's key, as botocore's AssumeRoleWithWebIdentityProvider._get_config does. */
static const char *setting(struct vp_aws *aws, const char *profile, bool use_env, const char *env, const char *key,
                           const char **from)
{
    const char *v;

    if (use_env && (v = vp_creds_env(env))) {
        *from = env;
        return v;
    }
    *from = key;
    v = vp_config_profile_get(&aws->cfg, profile, key);
    return v && *v ? v : NULL;
}

int vp_creds_web_identity_load(struct vp_aws *aws, const char *profile, bool use_env, struct vp_creds *out,
                               struct vp_err *err)
{
    const char *token_from, *arn_from, *name_from;
    const char *token_file = setting(aws, profile, use_env, "AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file",
                                     &token_from);
    const char *role_arn, *session_name;
    struct vp_kvlist params = VP_KVLIST_INIT;
    char *token = NULL, *default_name = NULL;
    int ret;

    if (!token_file)
        return 0;
    role_arn = setting(aws, profile, use_env, "AWS_ROLE_ARN", "role_arn", &arn_from);
    if (!role_arn)
        return vp_fail(err, VP_E_AWS_CONFIG,
                       "web identity: %s is set but no role to assume: set AWS_ROLE_ARN or role_arn in profile '%s'",
                       token_from, profile);
    session_name = setting(aws, profile, use_env, "AWS_ROLE_SESSION_NAME", "role_session_name", &name_from);
    if (!session_name)
        session_name = default_name = vp_creds_default_session_name(aws);
    if (vp_creds_read_token_file(token_file, "web identity token file", &token, err) < 0) {
        free(default_name);
        return vp_err_prefix(err, "web identity (%s)", token_from);
    }
    vp_kv_add(&params, "RoleArn", role_arn);
    vp_kv_add(&params, "RoleSessionName", session_name);
    vp_kv_add(&params, "WebIdentityToken", token);
    /* AssumeRoleWithWebIdentity is sent unsigned: the token is the proof. */
    ret = vp_creds_sts_assume(aws, "AssumeRoleWithWebIdentity", &params, NULL, "web-identity", out, err);
    if (ret < 0)
        vp_err_prefix(err, "web identity: assuming %s", role_arn);
    /* The token is a bearer credential: wipe it from the parameter list too. */
    for (size_t i = 0; i < params.n; i++) {
        if (strcmp(params.items[i].name, "WebIdentityToken") == 0) {
            vp_creds_free_token(params.items[i].value);
            params.items[i].value = NULL;
        }
    }
    vp_kv_release(&params);
    vp_creds_free_token(token);
    free(default_name);
    return ret < 0 ? -1 : 1;
}

static int load_web_identity(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    return vp_creds_web_identity_load(aws, aws->cfg.profile, !vp_creds_env_disabled(aws), out, err);
}

const struct vp_cred_source vp_cred_web_identity = { "web-identity", load_web_identity };

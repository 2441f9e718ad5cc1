/* creds_env.c: credentials from the environment, first in the chain: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (or the older AWS_SECURITY_TOKEN) and AWS_CREDENTIAL_EXPIRATION. */
#include <string.h>

#include "aws/creds_sources.h"

bool vp_creds_env_disabled(const struct vp_aws *aws)
{
    const char *p;

    /* botocore skips the environment when the profile is set on the session (the CLI's --profile) but not
     * when it comes from AWS_PROFILE. config.h records only that the profile was named, so a name equal
     * to the environment's is taken to come from there. */
    if (!aws->cfg.profile_explicit)
        return false;
    if ((p = vp_creds_env("AWS_DEFAULT_PROFILE")) && strcmp(p, aws->cfg.profile) == 0)
        return false;
    if ((p = vp_creds_env("AWS_PROFILE")) && strcmp(p, aws->cfg.profile) == 0)
        return false;
    return true;
}

int vp_creds_env_read(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    const char *akid = vp_creds_env("AWS_ACCESS_KEY_ID"), *secret = vp_creds_env("AWS_SECRET_ACCESS_KEY");
    const char *token, *expiration = vp_creds_env("AWS_CREDENTIAL_EXPIRATION");
    time_t expires_at = 0;

    if (!akid)
        return 0;
    /* A key id without its secret is a broken setup, not an absent one (botocore's PartialCredentialsError). */
    if (!secret)
        return vp_fail(err, VP_E_AWS_NO_CREDENTIALS,
                       "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or neither");
    /* botocore reads AWS_SECURITY_TOKEN first, then AWS_SESSION_TOKEN. */
    if (!(token = vp_creds_env("AWS_SECURITY_TOKEN")))
        token = vp_creds_env("AWS_SESSION_TOKEN");
    if (expiration) {
        if (vp_parse_iso8601(expiration, &expires_at) < 0)
            return vp_fail(err, VP_E_AWS_CONFIG, "AWS_CREDENTIAL_EXPIRATION '%.40s' is not an ISO 8601 time",
                           expiration);
        if (expires_at <= aws->now())
            return vp_fail(err, VP_E_AWS_NO_CREDENTIALS,
                           "the environment's credentials expired at %s (AWS_CREDENTIAL_EXPIRATION)", expiration);
    }
    vp_creds_set(out, akid, secret, token, expires_at, "env");
    return 1;
}

static int load_env(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    if (vp_creds_env_disabled(aws)) {
        if (vp_creds_env("AWS_ACCESS_KEY_ID"))
            vp_fail(err, VP_OK, "env (skipped: --profile %s chooses the profile's credentials)", aws->cfg.profile);
        return 0;
    }
    return vp_creds_env_read(aws, out, err);
}

const struct vp_cred_source vp_cred_env = { "env", load_env };

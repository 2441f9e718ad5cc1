/* creds_profile.c: a profile's own credentials, in botocore's order: static keys in the credentials file
 * ("[NAME]"), then credential_process, then static keys in the config file ("[profile NAME]"). The same
 * walk (with the profile's web identity first) serves a source_profile of assume-role. */
#include <string.h>

#include "aws/creds_sources.h"

/* The config file's section for a profile, as config.c reads it: "[profile NAME]", or "[default]" (the
 * later of "[default]" and "[profile default]"). */
static const struct vp_kvlist *config_section(const struct vp_aws_config *cfg, const char *profile)
{
    const struct vp_kvlist *found = NULL;

    for (size_t i = 0; i < cfg->config_file.n; i++) {
        const char *n = cfg->config_file.sections[i].name;
        if ((strncmp(n, "profile ", 8) == 0 && strcmp(n + 8, profile) == 0) ||
            (strcmp(profile, "default") == 0 && strcmp(n, "default") == 0))
            found = &cfg->config_file.sections[i].values;
    }
    return found;
}

/* aws_access_key_id with aws_secret_access_key and an optional aws_session_token (or the older
 * aws_security_token, which botocore reads first). */
static int static_keys(const struct vp_kvlist *sec, const char *path, const char *profile, const char *source,
                       struct vp_creds *out, struct vp_err *err)
{
    const char *akid, *secret, *token;

    if (!sec || !(akid = vp_kv_get(sec, "aws_access_key_id")))
        return 0;
    secret = vp_kv_get(sec, "aws_secret_access_key");
    /* Half a key pair is a broken profile, not an absent one (botocore's PartialCredentialsError). */
    if (!*akid)
        return vp_fail(err, VP_E_AWS_CONFIG, "profile '%s' in %s has an empty aws_access_key_id", profile, path);
    if (!secret || !*secret)
        return vp_fail(err, VP_E_AWS_CONFIG, "profile '%s' in %s has aws_access_key_id but no aws_secret_access_key",
                       profile, path);
    if (!(token = vp_kv_get(sec, "aws_security_token")) || !*token)
        token = vp_kv_get(sec, "aws_session_token");
    vp_creds_set(out, akid, secret, token, 0, source);
    return 1;
}

int vp_creds_profile_load(struct vp_aws *aws, const char *profile, bool as_source, struct vp_creds *out,
                          struct vp_err *err)
{
    const struct vp_aws_config *cfg = &aws->cfg;
    const char *process;
    int r;

    if (as_source && (r = vp_creds_web_identity_load(aws, profile, false, out, err)) != 0)
        return r;
    r = static_keys(vp_ini_section(&cfg->credentials_file, profile), cfg->credentials_path, profile,
                    "credentials-file", out, err);
    if (r != 0)
        return r;
    if ((process = vp_config_profile_get(cfg, profile, "credential_process")) && *process)
        return vp_creds_process_run(process, profile, aws->now(), out, err) < 0 ? -1 : 1;
    r = static_keys(config_section(cfg, profile), cfg->config_path, profile, "config-file", out, err);
    if (r != 0)
        return r;
    /* botocore would log in through IAM Identity Center here; vidpipe cannot, so say how to bridge it
     * rather than fall through to the container and IMDS as if nothing were configured. */
    if (vp_config_profile_get(cfg, profile, "sso_session") || vp_config_profile_get(cfg, profile, "sso_start_url"))
        return vp_fail(err, VP_E_AWS_NO_CREDENTIALS,
                       "profile '%s' signs in with IAM Identity Center (sso_*), which vidpipe does not support; add "
                       "'credential_process = aws configure export-credentials --profile %s --format process' to it",
                       profile, profile);
    return 0;
}

static int load_profile(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    int r = vp_creds_profile_load(aws, aws->cfg.profile, false, out, err);

    if (r == 0)
        vp_fail(err, VP_OK, "profile '%s' (%s, %s)", aws->cfg.profile, aws->cfg.config_path,
                aws->cfg.credentials_path);
    return r;
}

const struct vp_cred_source vp_cred_profile = { "profile", load_profile };

/* creds_assume_role.c: a profile with role_arn (and no web_identity_token_file) assumes that role with STS
 * AssumeRole, signed with the credentials of its source_profile (followed recursively, loops refused) or
 * of its credential_source (Environment, Ec2InstanceMetadata, EcsContainer). botocore tries this right
 * after the environment, before web identity and the profile's own keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds_sources.h"
#include "base/xalloc.h"

#define MAX_CHAIN 16

struct visited {
    const char *names[MAX_CHAIN];
    int n;
};

static const char *get(struct vp_aws *aws, const char *profile, const char *key)
{
    const char *v = vp_config_profile_get(&aws->cfg, profile, key);

    return v && *v ? v : NULL;
}

static bool is_assume_role(struct vp_aws *aws, const char *profile)
{
    return get(aws, profile, "role_arn") && !get(aws, profile, "web_identity_token_file");
}

static bool has_static_keys(struct vp_aws *aws, const char *profile)
{
    return vp_config_profile_get(&aws->cfg, profile, "aws_access_key_id") ||
           vp_config_profile_get(&aws->cfg, profile, "aws_secret_access_key");
}

static void describe_loop(const struct visited *v, const char *next, char *out, size_t len)
{
    size_t used = 0;

    out[0] = '\0';
    for (int i = 0; i < v->n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s -> ", v->names[i]);
    if (used < len)
        snprintf(out + used, len - used, "%s", next);
}

/* credential_source: the canonical names botocore accepts, compared exactly as botocore does. */
static int from_credential_source(struct vp_aws *aws, const char *profile, const char *source,
                                  struct vp_creds *out, struct vp_err *err)
{
    int r;

    if (strcmp(source, "Environment") == 0)
        r = vp_creds_env_read(aws, out, err);
    else if (strcmp(source, "Ec2InstanceMetadata") == 0)
        r = vp_cred_imds.load(aws, out, err);
    else if (strcmp(source, "EcsContainer") == 0)
        r = vp_cred_container.load(aws, out, err);
    else
        return vp_fail(err, VP_E_AWS_CONFIG,
                       "profile '%s': credential_source '%.40s' is not one of Environment, Ec2InstanceMetadata, "
                       "EcsContainer", profile, source);
    if (r == 0)
        return vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "profile '%s': credential_source %s found no credentials",
                       profile, source);
    return r < 0 ? -1 : 0;
}

static int assume(struct vp_aws *aws, const char *profile, struct visited *v, struct vp_creds *out,
                  struct vp_err *err);

/* The credentials a role profile signs its AssumeRole with. */
static int source_credentials(struct vp_aws *aws, const char *profile, struct visited *v, struct vp_creds *out,
                              struct vp_err *err)
{
    const char *src = get(aws, profile, "source_profile"), *cs = get(aws, profile, "credential_source");
    char loop[256];
    int r;

    if (src && cs)
        return vp_fail(err, VP_E_AWS_CONFIG, "profile '%s' sets both source_profile and credential_source; keep one",
                       profile);
    if (!src && !cs)
        return vp_fail(err, VP_E_AWS_CONFIG,
                       "profile '%s' sets role_arn but neither source_profile nor credential_source", profile);
    if (cs)
        return from_credential_source(aws, profile, cs, out, err);
    if (!vp_config_profile_exists(&aws->cfg, src))
        return vp_fail(err, VP_E_AWS_CONFIG, "source_profile '%s' of profile '%s' is not in %s or %s", src, profile,
                       aws->cfg.config_path, aws->cfg.credentials_path);
    for (int i = 0; i < v->n; i++) {
        if (strcmp(v->names[i], src) != 0)
            continue;
        /* A profile may name itself as its source to keep its static keys beside role_arn; any other
         * repeat is a loop (botocore's InfiniteLoopConfigError). */
        if (strcmp(src, profile) != 0 || !has_static_keys(aws, src)) {
            describe_loop(v, src, loop, sizeof(loop));
            return vp_fail(err, VP_E_AWS_CONFIG, "source_profile loop: %s", loop);
        }
    }
    if (v->n == MAX_CHAIN)
        return vp_fail(err, VP_E_AWS_CONFIG, "profile '%s': source_profile chain longer than %d profiles", profile,
                       MAX_CHAIN);
    v->names[v->n++] = src;
    if (has_static_keys(aws, src) || !is_assume_role(aws, src)) {
        r = vp_creds_profile_load(aws, src, true, out, err);
        if (r == 0)
            return vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "source_profile '%s' of profile '%s' has no credentials",
                           src, profile);
        return r < 0 ? -1 : 0;
    }
    return assume(aws, src, v, out, err);
}

static int assume(struct vp_aws *aws, const char *profile, struct visited *v, struct vp_creds *out,
                  struct vp_err *err)
{
    const char *role_arn = get(aws, profile, "role_arn"), *name, *external_id, *duration;
    struct vp_creds src = { 0 };
    struct vp_kvlist params = VP_KVLIST_INIT;
    char *default_name = NULL, *end;
    int ret;

    /* botocore prompts for the MFA code on the terminal; vidpipe runs unattended and does not. */
    if (get(aws, profile, "mfa_serial"))
        return vp_fail(err, VP_E_AWS_CONFIG,
                       "profile '%s' needs an MFA code (mfa_serial), which vidpipe cannot prompt for; use a "
                       "credential_process that supplies the session instead", profile);
    if (source_credentials(aws, profile, v, &src, err) < 0)
        return -1;
    if (!(name = get(aws, profile, "role_session_name")))
        name = default_name = vp_creds_default_session_name(aws);
    vp_kv_add(&params, "RoleArn", role_arn);
    vp_kv_add(&params, "RoleSessionName", name);
    if ((external_id = get(aws, profile, "external_id")))
        vp_kv_add(&params, "ExternalId", external_id);
    /* botocore sends duration_seconds only when it is a whole number and silently drops anything else. */
    if ((duration = get(aws, profile, "duration_seconds")) && strtol(duration, &end, 10) > 0 && !*end)
        vp_kv_add(&params, "DurationSeconds", duration);
    ret = vp_creds_sts_assume(aws, "AssumeRole", &params, &src, "assume-role", out, err);
    if (ret < 0)
        vp_err_prefix(err, "profile '%s': assuming %s", profile, role_arn);
    vp_kv_release(&params);
    vp_creds_release(&src);
    free(default_name);
    return ret;
}

static int load_assume_role(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    struct visited v = { .names = { aws->cfg.profile }, .n = 1 };

    if (!is_assume_role(aws, aws->cfg.profile))
        return 0;
    return assume(aws, aws->cfg.profile, &v, out, err) < 0 ? -1 : 1;
}

const struct vp_cred_source vp_cred_assume_role = { "assume-role", load_assume_role };

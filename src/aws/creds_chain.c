/* creds_chain.c: vp_creds_resolve() walks the credential sources once, in botocore's order, and stops at
 * the first that finds credentials or is configured but broken.
 *
 * The order is botocore's create_credential_resolver: the environment; a role the profile assumes
 * (role_arn with source_profile or credential_source); web identity (the environment's, else the
 * profile's); the profile's own keys or credential_process; the container endpoint; IMDS. With --profile
 * the environment's keys and web identity variables are skipped, as `aws --profile` does. */
#include <string.h>

#include "aws/creds_sources.h"
#include "base/buf.h"
#include "base/log.h"

static const struct link {
    const struct vp_cred_source *source;
    bool listed;                /* named in "tried: ..." (assume-role is part of the profile there) */
} chain[] = {
    { &vp_cred_env, true },
    { &vp_cred_assume_role, false },
    { &vp_cred_web_identity, true },
    { &vp_cred_profile, true },
    { &vp_cred_container, true },
    { &vp_cred_imds, true },
};

int vp_creds_resolve(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err)
{
    struct vp_buf tried = VP_BUF_INIT(0);

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++) {
        const struct vp_cred_source *s = chain[i].source;
        struct vp_err note;
        int r;

        vp_err_clear(&note);
        r = s->load(aws, out, &note);
        if (r > 0) {
            vp_debug("credentials: found by source %s (%s)", s->name, out->source ? out->source : s->name);
            vp_buf_release(&tried);
            return 0;
        }
        if (r < 0) {
            vp_creds_release(out);
            *err = note;
            if (err->code == VP_OK)
                err->code = VP_E_AWS_NO_CREDENTIALS;
            vp_debug("credentials: source %s failed: %s", s->name, err->msg);
            vp_buf_release(&tried);
            return -1;
        }
        vp_debug("credentials: source %s: %s", s->name, note.msg[0] ? note.msg : "not configured");
        if (chain[i].listed)
            vp_buf_printf(&tried, "%s%s", tried.len ? ", " : "", note.msg[0] ? note.msg : s->name);
    }
    vp_fail(err, VP_E_AWS_NO_CREDENTIALS, "no AWS credentials found; tried: %s", tried.data);
    vp_buf_release(&tried);
    return -1;
}

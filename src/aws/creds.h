/* creds.h: AWS credentials and the chain of sources that finds them, in the AWS SDKs' order:
 * environment, web identity, shared config/credentials profile (static keys, assume role with source_profile,
 * credential_process), container (ECS/EKS), EC2 instance metadata (IMDSv2). The client caches what the chain
 * finds and refreshes temporary credentials before they expire (vp_aws_get_creds in client.h). */
#ifndef VP_AWS_CREDS_H
#define VP_AWS_CREDS_H

#include <time.h>

#include "base/err.h"

struct vp_aws;

struct vp_creds {
    char *access_key_id;            /* owned; NULL when empty */
    char *secret_access_key;
    char *session_token;            /* NULL for long-term keys */
    time_t expires_at;              /* 0: does not expire */
    const char *source;             /* static string: "env", "web-identity", "profile", "assume-role", ... */
};

void vp_creds_set(struct vp_creds *c, const char *akid, const char *secret, const char *token,
                  time_t expires_at, const char *source);
void vp_creds_copy(struct vp_creds *dst, const struct vp_creds *src);
void vp_creds_release(struct vp_creds *c);     /* frees and wipes the secret */

/* One source of credentials. load() returns 1 when it found credentials (filled out), 0 when it is not
 * configured here (try the next source), -1 when it is configured but broken (stop: err says why). */
struct vp_cred_source {
    const char *name;
    int (*load)(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err);
};

/* Walks the chain once. With nothing found: VP_E_AWS_NO_CREDENTIALS naming every source tried. */
int vp_creds_resolve(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err);

/* Parses an ISO 8601 UTC time ("2026-11-24T10:00:00Z", fractions allowed) as STS and IMDS write it. */
int vp_parse_iso8601(const char *s, time_t *out);

#endif

/* creds_sts.c: the STS calls behind assume-role and web identity, through the client core like any call. */
#include <stdio.h>
#include <stdlib.h>

#include "aws/creds_sources.h"
#include "aws/proto.h"
#include "base/xalloc.h"

char *vp_creds_default_session_name(const struct vp_aws *aws)
{
    /* botocore names its sessions "botocore-session-<unix time>"; ours say which tool assumed the role. */
    return vp_xasprintf("vidpipe-session-%lld", (long long)(aws->now ? aws->now() : time(NULL)));
}

int vp_creds_sts_assume(struct vp_aws *aws, const char *action, const struct vp_kvlist *params,
                        const struct vp_creds *signer, const char *source, struct vp_creds *out,
                        struct vp_err *err)
{
    /* Without a region botocore's STS client uses the global endpoint, which signs for us-east-1. */
    struct vp_call_opts opts = { .creds = signer, .anonymous = signer == NULL,
                                 .region = aws->cfg.region && *aws->cfg.region ? NULL : "us-east-1" };
    char *akid = NULL, *secret = NULL, *token = NULL, *expiration = NULL;
    struct vp_xml_doc *doc = NULL;
    time_t expires_at = 0;
    int ret = -1;

    if (vp_query_call(aws, &vp_svc_sts, action, params, &opts, &doc, err) < 0)
        return -1;
    akid = vp_xml_find_text(doc, NULL, "AccessKeyId");
    secret = vp_xml_find_text(doc, NULL, "SecretAccessKey");
    token = vp_xml_find_text(doc, NULL, "SessionToken");
    expiration = vp_xml_find_text(doc, NULL, "Expiration");
    if (!akid || !*akid || !secret || !*secret || !token || !*token)
        vp_fail(err, VP_E_AWS_RESPONSE, "sts %s: the answer has no complete Credentials element", action);
    else if (!expiration || vp_parse_iso8601(expiration, &expires_at) < 0)
        vp_fail(err, VP_E_AWS_RESPONSE, "sts %s: the answer's Expiration '%.40s' is not an ISO 8601 time", action,
                expiration ? expiration : "");
    else {
        vp_creds_set(out, akid, secret, token, expires_at, source);
        ret = 0;
    }
    free(akid);
    vp_creds_free_token(secret);
    vp_creds_free_token(token);
    free(expiration);
    vp_xml_free(doc);
    return ret;
}

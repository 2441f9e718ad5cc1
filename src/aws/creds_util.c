/* creds_util.c: small pieces the credential sources share: token files, JSON credential answers and the
 * environment read with empty values as unset. */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds_sources.h"
#include "base/buf.h"
#include "base/xalloc.h"

#define TOKEN_FILE_MAX (64u << 10)  /* OIDC tokens are a few KiB; STS takes at most 20,000 characters */

const char *vp_creds_env(const char *name)
{
    const char *v = getenv(name);

    return v && *v ? v : NULL;
}

void vp_creds_free_token(char *token)
{
    if (!token)
        return;
    OPENSSL_cleanse(token, strlen(token));
    free(token);
}

void vp_creds_wipe_buf(struct vp_buf *b)
{
    if (b->data != vp_buf_empty)
        OPENSSL_cleanse(b->data, b->cap);
}

int vp_creds_read_token_file(const char *path, const char *what, char **out, struct vp_err *err)
{
    struct vp_buf b = VP_BUF_INIT(TOKEN_FILE_MAX);
    char chunk[4096];
    size_t n;
    FILE *f = fopen(path, "rb");
    int ret = 0;

    *out = NULL;
    if (!f)
        return vp_fail(err, VP_E_AWS_CONFIG, "%s %s: cannot read: %s", what, path, strerror(errno));
    while (ret == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (vp_buf_add(&b, chunk, n, err) < 0)
            ret = vp_fail(err, VP_E_AWS_CONFIG, "%s %s: larger than %u bytes", what, path, TOKEN_FILE_MAX);
    if (ret == 0 && ferror(f))
        ret = vp_fail(err, VP_E_AWS_CONFIG, "%s %s: cannot read: %s", what, path, strerror(errno));
    fclose(f);
    OPENSSL_cleanse(chunk, sizeof(chunk));
    while (ret == 0 && b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' ||
                                 b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t'))
        b.data[--b.len] = '\0';
    if (ret == 0 && b.len == 0)
        ret = vp_fail(err, VP_E_AWS_CONFIG, "%s %s is empty", what, path);
    if (ret == 0 && strlen(b.data) != b.len)
        ret = vp_fail(err, VP_E_AWS_CONFIG, "%s %s is not text", what, path);
    if (ret == 0)
        *out = vp_buf_detach(&b, NULL);
    vp_creds_wipe_buf(&b);
    vp_buf_release(&b);
    return ret;
}

static const char *str_field(json_t *doc, const char *key)
{
    const char *s = json_string_value(json_object_get(doc, key));

    return s && *s ? s : NULL;
}

int vp_creds_from_json(json_t *doc, const char *token_key, bool with_expiry, const char *what,
                       const char *source, struct vp_creds *out, struct vp_err *err)
{
    const char *akid = str_field(doc, "AccessKeyId"), *secret = str_field(doc, "SecretAccessKey");
    const char *token = token_key ? str_field(doc, token_key) : NULL;
    const char *expiration = str_field(doc, "Expiration");
    time_t expires_at = 0;

    if (!json_is_object(doc))
        return vp_fail(err, VP_E_AWS_RESPONSE, "%s: the answer is not a JSON object", what);
    if (!akid || !secret)
        return vp_fail(err, VP_E_AWS_RESPONSE, "%s: the answer has no %s", what,
                       !akid ? "AccessKeyId" : "SecretAccessKey");
    if (with_expiry && token_key && !token)
        return vp_fail(err, VP_E_AWS_RESPONSE, "%s: the answer has no %s", what, token_key);
    if (with_expiry && !expiration)
        return vp_fail(err, VP_E_AWS_RESPONSE, "%s: the answer has no Expiration", what);
    if (json_object_get(doc, "Expiration") && !expiration)
        return vp_fail(err, VP_E_AWS_RESPONSE, "%s: Expiration is not a string", what);
    if (expiration && vp_parse_iso8601(expiration, &expires_at) < 0)
        return vp_fail(err, VP_E_AWS_RESPONSE, "%s: Expiration '%.40s' is not an ISO 8601 time", what, expiration);
    vp_creds_set(out, akid, secret, token, expires_at, source);
    return 0;
}

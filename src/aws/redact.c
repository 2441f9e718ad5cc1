/* redact.c: what debug logs must never show: signatures, credentials and session tokens. */
#include "aws/redact.h"

#include <string.h>
#include <strings.h>

bool vp_redact_header(const char *name)
{
    static const char *const secret[] = {
        "Authorization", "X-Amz-Security-Token", "X-aws-ec2-metadata-token", "Proxy-Authorization", NULL,
    };
    for (size_t i = 0; secret[i]; i++)
        if (strcasecmp(name, secret[i]) == 0)
            return true;
    return false;
}

static bool secret_param(const char *p, size_t n)
{
    static const char *const secret[] = { "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", NULL };

    for (size_t i = 0; secret[i]; i++)
        if (strlen(secret[i]) == n && strncasecmp(p, secret[i], n) == 0)
            return true;
    return false;
}

void vp_redact_url(struct vp_buf *out, const char *url)
{
    const char *q = strchr(url, '?');

    if (!q) {
        vp_buf_puts(out, url);
        return;
    }
    vp_buf_put(out, url, (size_t)(q - url) + 1);
    for (const char *p = q + 1; *p;) {
        size_t len = strcspn(p, "&"), name_len = strcspn(p, "=&");

        if (name_len < len && secret_param(p, name_len)) {
            vp_buf_put(out, p, name_len);
            vp_buf_puts(out, "=REDACTED");
        } else {
            vp_buf_put(out, p, len);
        }
        p += len;
        if (*p == '&')
            vp_buf_putc(out, *p++);
    }
}

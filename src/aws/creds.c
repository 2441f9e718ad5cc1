/* creds.c: the credentials value (set, copy, release with the secret wiped) and the ISO 8601 times STS,
 * IMDS, container endpoints and credential processes write expirations in. The chain is creds_chain.c. */
#include "aws/creds.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

static char *dup_or_null(const char *s)
{
    return s && *s ? vp_xstrdup(s) : NULL;
}

void vp_creds_set(struct vp_creds *c, const char *akid, const char *secret, const char *token,
                  time_t expires_at, const char *source)
{
    c->access_key_id = dup_or_null(akid);
    c->secret_access_key = dup_or_null(secret);
    c->session_token = dup_or_null(token);
    c->expires_at = expires_at;
    c->source = source;
}

void vp_creds_copy(struct vp_creds *dst, const struct vp_creds *src)
{
    vp_creds_set(dst, src->access_key_id, src->secret_access_key, src->session_token, src->expires_at,
                 src->source);
}

/* OPENSSL_cleanse cannot be optimised away the way a memset before free() can. */
static void wipe_free(char *s)
{
    if (!s)
        return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}

void vp_creds_release(struct vp_creds *c)
{
    free(c->access_key_id);
    wipe_free(c->secret_access_key);
    wipe_free(c->session_token);
    memset(c, 0, sizeof(*c));
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

/* "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM|+HHMM)": a zone is required, so a time is never read in the
 * machine's local zone. */
int vp_parse_iso8601(const char *s, time_t *out)
{
    struct tm tm = { 0 };
    int y, mo, d, h, mi, sec, off = 0;
    const char *p = s;

    if (!s || digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
        digits(&p, 2, &d) < 0 || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0 || *p++ != ':' ||
        digits(&p, 2, &sec) < 0)
        return -1;
    if (*p == '.' || *p == ',') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (digits(&p, 2, &oh) < 0)
            return -1;
        if (*p == ':')
            p++;
        if (*p && digits(&p, 2, &om) < 0)
            return -1;
        if (oh > 23 || om > 59)
            return -1;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return -1;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = timegm(&tm) - off;
    return 0;
}

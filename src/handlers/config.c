/* config.c: reading a handler's settings from the environment. */
#include "handlers/config.h"

#include <errno.h>
#include <stdlib.h>

const char *vp_env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);

    return v && *v ? v : fallback;
}

int vp_env_required(const char *name, const char **out, struct vp_err *err)
{
    *out = vp_env_or(name, NULL);
    if (!*out)
        return vp_fail(err, VP_E_USAGE, "%s is not set", name);
    return 0;
}

int vp_env_integer(const char *name, long long fallback, long long min, long long max, long long *out,
                   struct vp_err *err)
{
    const char *v = vp_env_or(name, NULL);
    char *end = NULL;
    long long n;

    *out = fallback;
    if (!v)
        return 0;
    errno = 0;
    n = strtoll(v, &end, 10);
    /* strtoll would accept leading spaces and a sign: a setting is plain digits. */
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno == ERANGE || n < min || n > max)
        return vp_fail(err, VP_E_USAGE, "%s must be a whole number from %lld to %lld, not '%s'", name, min, max, v);
    *out = n;
    return 0;
}

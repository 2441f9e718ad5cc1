/* lock.c: what a state lock says about its holder, shared by the backends. */
#include "engine/state.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef VP_VERSION
#define VP_VERSION "unknown"
#endif

static void who_am_i(char *out, size_t size)
{
    char host[64] = "localhost";
    const char *user = getenv("USER");
    struct passwd *pw;

    if (!user || !*user)
        user = (pw = getpwuid(getuid())) ? pw->pw_name : "unknown";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    snprintf(out, size, "%s@%s", user, host);
}

void vp_lock_info_init(struct vp_lock_info *info, const char *operation)
{
    time_t now = time(NULL);
    struct tm tm;

    memset(info, 0, sizeof *info);
    vp_uuid4(info->id);
    snprintf(info->operation, sizeof info->operation, "%s", operation);
    who_am_i(info->who, sizeof info->who);
    snprintf(info->version, sizeof info->version, "%s", VP_VERSION);
    gmtime_r(&now, &tm);
    strftime(info->created, sizeof info->created, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *vp_lock_info_json(const struct vp_lock_info *info)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "id", info->id, "operation", info->operation,
                     "who", info->who, "version", info->version, "created", info->created, "path", info->path,
                     "pid", (int)getpid());
}

static const char *field(const json_t *holder, const char *name)
{
    const char *v = json_string_value(json_object_get(holder, name));
    return v ? v : "?";
}

int vp_lock_held_error(struct vp_err *err, const char *where, const json_t *holder)
{
    if (!holder)
        return vp_fail(err, VP_E_STATE_LOCKED, "state '%s' is locked (the lock's holder could not be read)", where);
    return vp_fail(err, VP_E_STATE_LOCKED,
                   "state '%s' is locked by %s (%s by %s since %s); if that run is gone, use 'vidpipe force-unlock %s'",
                   where, field(holder, "id"), field(holder, "operation"), field(holder, "who"),
                   field(holder, "created"), field(holder, "id"));
}

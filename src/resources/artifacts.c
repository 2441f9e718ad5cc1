/* artifacts.c: where the handler zips vidpipe builds are found (see artifacts.h). Three places, in order:
 * VIDPIPE_ARTIFACTS_DIR when set (and then only there), the build tree when vidpipe runs in a checkout
 * (build/handlers under the current directory), and the folder `make install` puts them in, compiled in as
 * VP_ARTIFACTS_DIR (PREFIX/lib/vidpipe/handlers: /usr/lib/vidpipe/handlers for the Debian package). */
#include "resources/artifacts.h"

#include <stdlib.h>
#include <unistd.h>

#include "base/xalloc.h"

#ifndef VP_ARTIFACTS_DIR
#define VP_ARTIFACTS_DIR "/usr/local/lib/vidpipe/handlers"
#endif

static int readable(const char *path)
{
    return access(path, R_OK) == 0;
}

int vp_artifact_path(const char *artifact, char **path, struct vp_err *err)
{
    const char *dir = getenv("VIDPIPE_ARTIFACTS_DIR");
    char *local, *installed;

    if (dir && *dir) {
        *path = vp_xasprintf("%s/%s.zip", dir, artifact);
        if (readable(*path))
            return 0;
        vp_fail(err, VP_E_IO, "artifact '%s': no readable %s (VIDPIPE_ARTIFACTS_DIR is set)", artifact, *path);
        free(*path);
        *path = NULL;
        return -1;
    }
    local = vp_xasprintf("build/handlers/%s.zip", artifact);
    if (readable(local)) {
        *path = local;
        return 0;
    }
    installed = vp_xasprintf("%s/%s.zip", VP_ARTIFACTS_DIR, artifact);
    if (readable(installed)) {
        free(local);
        *path = installed;
        return 0;
    }
    vp_fail(err, VP_E_IO, "artifact '%s': found neither %s (build the handlers with 'make') nor %s (installed "
            "with vidpipe); or set VIDPIPE_ARTIFACTS_DIR to the folder holding %s.zip", artifact, local, installed,
            artifact);
    free(local);
    free(installed);
    *path = NULL;
    return -1;
}

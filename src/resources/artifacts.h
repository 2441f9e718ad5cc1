/* artifacts.h: where the Lambda handler zips vidpipe builds are found, for the lambda_function provider
 * (artifact: presign) and for local runs (vidpipe invoke). */
#ifndef VP_RESOURCES_ARTIFACTS_H
#define VP_RESOURCES_ARTIFACTS_H

#include "base/err.h"

/* The zip of a built handler ("presign"): $VIDPIPE_ARTIFACTS_DIR/NAME.zip when that is set (only there),
 * else build/handlers/NAME.zip under the current folder (a checkout), else the installed
 * PREFIX/lib/vidpipe/handlers/NAME.zip (the folder is compiled in: VP_ARTIFACTS_DIR, set by the Makefile from
 * PREFIX). 0 with *path (caller frees), or -1 with err saying where it looked. */
int vp_artifact_path(const char *artifact, char **path, struct vp_err *err);

#endif

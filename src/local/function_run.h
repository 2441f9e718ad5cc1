/* function_run.h: runs one Lambda function artifact (a zip with an executable `bootstrap`, Lambda's custom
 * runtime) locally for one event, under a Runtime API host (rapi_host.h), the way Lambda would:
 *
 *  - the zip is unpacked into $TMPDIR/vidpipe-invoke-XXXXXX/task with its file modes, removed afterwards;
 *  - bootstrap runs with cwd the task folder, in a process group of its own, stdin /dev/null, and exactly
 *    this environment: the function's variables, then Lambda's own (AWS_LAMBDA_RUNTIME_API,
 *    AWS_LAMBDA_FUNCTION_NAME, _MEMORY_SIZE, _VERSION=$LATEST, AWS_REGION, AWS_DEFAULT_REGION,
 *    LAMBDA_TASK_ROOT, _HANDLER, TZ=:UTC, PATH, LANG), the credentials given (as Lambda injects the role's)
 *    and the caller's endpoint settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_*, AWS_CA_BUNDLE): nothing else of
 *    the caller's environment;
 *  - artifacts built for Lambda name /var/task/lib/ld-linux-x86-64.so.2 as their loader, which does not exist
 *    here, so when the zip bundles lib/ld-linux-x86-64.so.2 the bootstrap is started through it
 *    (TASK/lib/ld-linux-x86-64.so.2 --library-path TASK/lib TASK/bootstrap); otherwise bootstrap directly;
 *  - the function's stdout and stderr (its log lines) are copied to a stream as they come;
 *  - past the timeout the process group is killed ("Task timed out after N.NN seconds"); a runtime that
 *    exits or dies before answering is reported with its exit status or signal. */
#ifndef VP_LOCAL_FUNCTION_RUN_H
#define VP_LOCAL_FUNCTION_RUN_H

#include <signal.h>
#include <stdio.h>

#include "aws/creds.h"
#include "base/err.h"
#include "base/kv.h"

#define VP_LAMBDA_MAX_UNZIPPED_BYTES (250u * 1024 * 1024)  /* Lambda's quota for a function's unzipped code */

struct vp_function_config {
    const char *name;                   /* AWS_LAMBDA_FUNCTION_NAME and the ARN; NULL: "function" */
    const char *zip_path;               /* the artifact */
    const char *region;                 /* AWS_REGION; NULL: us-east-1 */
    const char *handler;                /* _HANDLER; NULL: "bootstrap" */
    long timeout_s;                     /* 0: 3, Lambda's default */
    long memory_mb;                     /* 0: 128, Lambda's default */
    const struct vp_kvlist *environment;    /* the function's variables; may be NULL */
    const struct vp_creds *creds;       /* injected as AWS_ACCESS_KEY_ID, ...; NULL: none */
    const volatile sig_atomic_t *interrupted;   /* optional: when it becomes non-zero the run is ended */
};

enum vp_invoke_status {
    VP_INVOKE_RESPONSE = 0,             /* payload: the response */
    VP_INVOKE_FUNCTION_ERROR,           /* payload: {errorMessage, errorType}; error_type, error_message */
    VP_INVOKE_INIT_ERROR,               /* the runtime reported init/error */
    VP_INVOKE_TIMEOUT,                  /* killed at the timeout; error_type "Sandbox.Timedout" */
    VP_INVOKE_CRASH,                    /* the runtime exited before answering; error_type "Runtime.ExitError" */
    VP_INVOKE_INTERRUPTED,              /* *interrupted was set: the runtime was ended */
};

struct vp_invoke_result {
    enum vp_invoke_status status;
    char *payload;                      /* owned, NUL-terminated: the response or the error document */
    size_t len;
    char *error_type, *error_message;   /* owned; NULL for a response */
    char request_id[37];
    long duration_ms;                   /* from start of the process to the outcome */
};

void vp_invoke_result_release(struct vp_invoke_result *r);

/* Runs fn for one event (len bytes of JSON), copying the function's log lines to log (may be NULL: they
 * are dropped). 0 with *res filled whatever the function did (see res->status); -1 with err filled when it
 * could not be run at all (no such zip, a broken zip, no bootstrap, no host). Blocks up to the timeout. */
int vp_function_invoke(const struct vp_function_config *fn, const char *event, size_t len, FILE *log,
                       struct vp_invoke_result *res, struct vp_err *err);

/* Unpacks zip_path into dir (which exists), keeping file modes; refuses absolute names, "..", and more than
 * VP_LAMBDA_MAX_UNZIPPED_BYTES in all. */
int vp_unzip_to(const char *zip_path, const char *dir, struct vp_err *err);
/* Removes a folder and everything under it, symbolic links not followed. */
void vp_remove_tree(const char *dir);

#endif

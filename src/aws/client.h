/* client.h: the one client core. Every AWS call goes through vp_aws_send(): endpoint resolution, SigV4,
 * the standard retry mode, error parsing per protocol and redacted debug logging. The protocol helpers
 * (proto.h) build requests for it. Thread-safe: one struct vp_aws serves concurrent calls. */
#ifndef VP_AWS_CLIENT_H
#define VP_AWS_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "aws/http.h"
#include "aws/service.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/kv.h"

struct vp_aws_options {
    const char *profile;            /* --profile; NULL: AWS_PROFILE or default */
    const char *region;             /* --region; NULL: from the environment or profile */
    long connect_timeout_ms;        /* 0: 3000 */
    long timeout_ms;                /* 0: 60000 */
};

struct vp_aws {
    struct vp_aws_config cfg;
    struct vp_http *http;
    pthread_mutex_t lock;           /* guards creds, quota and skew */
    struct vp_creds creds;          /* cached; refreshed by vp_aws_get_creds */
    bool have_creds;
    int retry_quota;                /* standard mode: 500 tokens, 5 a retry, 10 a timeout retry */
    long clock_skew_s;              /* server time minus ours, learnt from RequestTimeTooSkewed */
    time_t (*now)(void);            /* the clock; tests replace it */
    /* vp_aws_limit_in_flight: at most max_in_flight requests on the wire at once (0: no limit) */
    pthread_mutex_t slot_lock;
    pthread_cond_t slot_free;
    int max_in_flight, in_flight;
};

struct vp_aws *vp_aws_new(const struct vp_aws_options *opts, struct vp_err *err);
void vp_aws_free(struct vp_aws *aws);
/* At most n requests on the wire at once, from every thread together (n <= 0: no limit): --parallelism
 * bounds requests, not only resources, so a provider may read a resource's parts at once. A request waits for
 * a slot only while it is sent and answered, never while it backs off before a retry. Call before any send. */
void vp_aws_limit_in_flight(struct vp_aws *aws, int n);
/* The region calls go to; fails with a clear error when none is configured. */
int vp_aws_region(struct vp_aws *aws, const char **region, struct vp_err *err);
/* Credentials for signing, resolved once and refreshed when less than 10 minutes remain. */
int vp_aws_get_creds(struct vp_aws *aws, struct vp_creds *out, struct vp_err *err);

struct vp_request {
    const struct vp_service *svc;
    const char *method;
    struct vp_buf path;             /* the wire path, percent-encoded; "/" when empty */
    struct vp_kvlist query;         /* decoded names and values */
    struct vp_kvlist headers;
    struct vp_buf body;
    const char *bucket;             /* S3: virtual-hosted or path-style addressing */
    const char *operation;          /* for logs: "CreateTable" */
    bool anonymous;                 /* not signed (AssumeRoleWithWebIdentity) */
    const struct vp_creds *creds;   /* sign with these instead of the client's */
    const char *region;             /* NULL: the client's */
    const char *endpoint;           /* NULL: the service's default for the region; else used in its place (a
                                       MediaConvert account endpoint). Configured overrides (AWS_ENDPOINT_URL_*,
                                       the profile's) still win, as they win over every default. */
    bool not_idempotent;            /* sending it twice makes two (CreateApi: AWS makes the id): a transport
                                       failure, after which the request may have been carried out, is not
                                       retried but returned with err->maybe_done, for the caller to look for
                                       what it made before it sends again. Service errors retry as usual. */
};

struct vp_response {
    long status;
    struct vp_kvlist headers;
    struct vp_buf body;
};

void vp_request_init(struct vp_request *req, const struct vp_service *svc, const char *method);
/* Appends "/" and the segment, percent-encoded (keep_slash keeps '/' inside it, for S3 keys). */
void vp_request_path_add(struct vp_request *req, const char *segment, bool keep_slash);
void vp_request_release(struct vp_request *req);
void vp_response_init(struct vp_response *resp);
void vp_response_release(struct vp_response *resp);

/* Sends with retries. 0 on a 2xx answer; -1 otherwise, err filled with service, code, message, HTTP
 * status and request id parsed by the service's protocol (resp still holds the last answer). */
int vp_aws_send(struct vp_aws *aws, struct vp_request *req, struct vp_response *resp, struct vp_err *err);

/* The endpoint URL (scheme://host[:port][/base]) for a service, with the SDKs' precedence:
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services section, the profile's
 * endpoint_url, then the default for the region. *custom is true for any override. Caller frees. */
int vp_endpoint_resolve(struct vp_aws *aws, const struct vp_service *svc, const char *region, char **url,
                        bool *custom, struct vp_err *err);

#endif

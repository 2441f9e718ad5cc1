/* retry.c: when to try an AWS call again, and how long to wait.
 *
 * DESIGN: the standard mode of the AWS SDKs. A failure is transient (HTTP 500/502/503/504, connection
 * errors, RequestTimeout, PriorRequestNotComplete), throttling (the codes botocore lists) or final. Each
 * retry waits rand(0,1) x min(2^(attempt-1) s, 20 s) and costs the client's retry quota 5 tokens (10 for a
 * timeout); a success refunds what its retry cost, or adds one token. With the quota empty, the error of
 * the last attempt is returned as it is. Legacy mode is the older SDK behaviour: 5 attempts, no quota.
 * Adaptive mode adds, on throttling, a client-side pause before the next send (the rate limiter's effect)
 * on top of the standard rules. VIDPIPE_RETRY_BASE_MS scales the backoff (1000 by default) for local
 * emulators and tests that inject faults. */
#include "aws/retry.h"

#include <stdlib.h>
#include <string.h>

#include "aws/client.h"

#define RETRY_COST 5
#define TIMEOUT_RETRY_COST 10
#define NO_RETRY_INCREMENT 1
#define MAX_BACKOFF_MS 20000L

static bool in_list(const char *code, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(code, *list) == 0)
            return true;
    return false;
}

bool vp_retry_is_throttle_code(const char *code)
{
    static const char *const throttling[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", NULL,
    };
    return in_list(code, throttling);
}

bool vp_retry_is_clock_skew_code(const char *code)
{
    static const char *const skew[] = {
        "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "InvalidSignatureException",
        "SignatureDoesNotMatch", "AuthFailure", NULL,
    };
    return in_list(code, skew);
}

enum vp_retry_kind vp_retry_classify(struct vp_err *err)
{
    static const char *const transient_codes[] = {
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "InternalError",
        "InternalFailure", "ServiceUnavailable", NULL,
    };
    enum vp_retry_kind kind = VP_RETRY_NO;

    if (err->code == VP_E_AWS_TRANSPORT) {
        if (err->timed_out)
            kind = VP_RETRY_TIMEOUT;
        else if (err->retryable)
            kind = VP_RETRY_TRANSIENT;
    } else if (err->code == VP_E_AWS_SERVICE) {
        if (err->http_status == 429 || vp_retry_is_throttle_code(err->aws_code))
            kind = VP_RETRY_THROTTLE;
        else if (in_list(err->aws_code, transient_codes) || err->http_status == 500 || err->http_status == 502 ||
                 err->http_status == 503 || err->http_status == 504)
            kind = VP_RETRY_TRANSIENT;
    }
    err->retryable = kind != VP_RETRY_NO;
    return kind;
}

int vp_retry_max_attempts(const struct vp_aws *aws)
{
    if (aws->cfg.max_attempts > 0)
        return aws->cfg.max_attempts;
    return aws->cfg.retry_mode == VP_RETRY_LEGACY ? 5 : 3;
}

static long base_ms(void)
{
    const char *v = getenv("VIDPIPE_RETRY_BASE_MS");
    long n = v ? strtol(v, NULL, 10) : 1000;

    return n >= 0 ? n : 1000;
}

static double jitter(void)
{
    /* Backoff jitter only: no need for a cryptographic source. */
    return (double)rand() / ((double)RAND_MAX + 1.0);
}

bool vp_retry_decide(struct vp_aws *aws, int attempt, enum vp_retry_kind kind, long *delay_ms, int *cost)
{
    long ceiling = base_ms() << (attempt - 1 < 20 ? attempt - 1 : 20);

    *cost = 0;
    *delay_ms = 0;
    if (kind == VP_RETRY_NO || attempt >= vp_retry_max_attempts(aws))
        return false;
    if (aws->cfg.retry_mode != VP_RETRY_LEGACY) {
        int want = kind == VP_RETRY_TIMEOUT ? TIMEOUT_RETRY_COST : RETRY_COST;
        bool ok;

        pthread_mutex_lock(&aws->lock);
        ok = aws->retry_quota >= want;
        if (ok)
            aws->retry_quota -= want;
        pthread_mutex_unlock(&aws->lock);
        if (!ok)
            return false;
        *cost = want;
    }
    if (ceiling > MAX_BACKOFF_MS * base_ms() / 1000)
        ceiling = MAX_BACKOFF_MS * base_ms() / 1000;
    *delay_ms = (long)(jitter() * (double)ceiling);
    if (aws->cfg.retry_mode == VP_RETRY_ADAPTIVE && kind == VP_RETRY_THROTTLE)
        *delay_ms += ceiling / 2;       /* the rate limiter's pause after a throttle */
    return true;
}

void vp_retry_on_success(struct vp_aws *aws, int last_cost)
{
    if (aws->cfg.retry_mode == VP_RETRY_LEGACY)
        return;
    pthread_mutex_lock(&aws->lock);
    aws->retry_quota += last_cost ? last_cost : NO_RETRY_INCREMENT;
    if (aws->retry_quota > VP_RETRY_QUOTA_MAX)
        aws->retry_quota = VP_RETRY_QUOTA_MAX;
    pthread_mutex_unlock(&aws->lock);
}

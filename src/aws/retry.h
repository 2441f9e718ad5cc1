/* retry.h: the AWS retry modes (botocore/retries/standard.py and quota.py). The client core asks this
 * module, after every failed attempt, whether and when to try again. */
#ifndef VP_AWS_RETRY_H
#define VP_AWS_RETRY_H

#include <stdbool.h>

#include "base/err.h"

struct vp_aws;

enum vp_retry_kind { VP_RETRY_NO, VP_RETRY_TRANSIENT, VP_RETRY_THROTTLE, VP_RETRY_TIMEOUT };

/* What kind of failure err is (it also sets err->retryable). */
enum vp_retry_kind vp_retry_classify(struct vp_err *err);
bool vp_retry_is_throttle_code(const char *code);
bool vp_retry_is_clock_skew_code(const char *code);

/* After failed attempt number `attempt` (1-based): true with *delay_ms set when another attempt may go,
 * having taken its cost from the quota (*cost). */
bool vp_retry_decide(struct vp_aws *aws, int attempt, enum vp_retry_kind kind, long *delay_ms, int *cost);
/* After a success: refund the last retry's cost, or add a token when no retry was needed. */
void vp_retry_on_success(struct vp_aws *aws, int last_cost);
/* The most attempts for this client's mode (AWS_MAX_ATTEMPTS, or 3 standard/adaptive, 5 legacy). */
int vp_retry_max_attempts(const struct vp_aws *aws);

#define VP_RETRY_QUOTA_MAX 500

#endif

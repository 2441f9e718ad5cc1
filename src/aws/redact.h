/* redact.h: secrets out of what vidpipe logs. */
#ifndef VP_AWS_REDACT_H
#define VP_AWS_REDACT_H

#include <stdbool.h>

#include "base/buf.h"

/* True for headers whose value is never logged: Authorization, X-Amz-Security-Token, and the like. */
bool vp_redact_header(const char *name);
/* Appends url with the values of X-Amz-Signature, X-Amz-Credential and X-Amz-Security-Token replaced
 * by "REDACTED". */
void vp_redact_url(struct vp_buf *out, const char *url);

#endif

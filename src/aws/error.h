/* error.h: turning a failed AWS answer into struct vp_err, per protocol. */
#ifndef VP_AWS_ERROR_H
#define VP_AWS_ERROR_H

#include "aws/client.h"

/* Fills err (VP_E_AWS_SERVICE) from a non-2xx answer: service, code, message, HTTP status and request id.
 * A body that is not the protocol's error document (an HTML 502 from a proxy, an empty HEAD answer) still
 * gives a clear error, its code taken from the status as the SDKs do. Returns -1. */
int vp_error_from_response(const struct vp_service *svc, const char *operation, const struct vp_response *resp,
                           struct vp_err *err);
/* The request id header of an answer, or NULL. */
const char *vp_response_request_id(const struct vp_response *resp);

#endif

/* endpoint.h: endpoint helpers beyond vp_endpoint_resolve (client.h). */
#ifndef VP_AWS_ENDPOINT_H
#define VP_AWS_ENDPOINT_H

#include <stdbool.h>

#include "aws/service.h"
#include "base/err.h"

/* 0 when url is http(s)://host[:port][/path]; else VP_E_AWS_ENDPOINT naming where it came from. */
int vp_endpoint_check(const char *url, const char *where, struct vp_err *err);
/* The region a request is signed for: a global service's partition home region, else region. */
const char *vp_endpoint_signing_region(const struct vp_service *svc, const char *region);
const char *vp_partition_dns_suffix(const char *region);
/* The base URL for a bucket's requests; *path_style says whether the bucket goes in the path. Caller frees. */
char *vp_s3_bucket_url(const char *endpoint, const char *bucket, bool force_path_style, bool *path_style);

#endif

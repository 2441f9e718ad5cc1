/* paginators.h: which list operations page, with which token fields, as the services' models say. */
#ifndef VP_AWS_PAGINATORS_H
#define VP_AWS_PAGINATORS_H

#include "aws/service.h"

struct vp_paginator {
    const struct vp_service *svc;
    const char *operation;
    const char *token_in;       /* request field, or query parameter for REST services */
    const char *token_out;      /* answer field */
    const char *items;          /* answer list field */
};

/* NULL when the operation does not page (or is unknown). */
const struct vp_paginator *vp_paginator_find(const struct vp_service *svc, const char *operation);

#endif

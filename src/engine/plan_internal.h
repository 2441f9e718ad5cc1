/* plan_internal.h: what plan.c shares with the rest of the engine. */
#ifndef VP_ENGINE_PLAN_INTERNAL_H
#define VP_ENGINE_PLAN_INTERNAL_H

#include "engine/engine.h"

void vp_change_release(struct vp_change *ch);

#endif

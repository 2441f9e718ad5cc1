/* config.h: a handler's configuration comes from its Lambda environment, read once by init(). These helpers
 * read one variable each and name it in the error, so an init error says exactly which setting is wrong. */
#ifndef VP_HANDLERS_CONFIG_H
#define VP_HANDLERS_CONFIG_H

#include "base/err.h"

/* The variable's value (borrowed from the environment), or fallback when it is unset or empty. */
const char *vp_env_or(const char *name, const char *fallback);
/* 0 with *out set (borrowed); -1 (VP_E_USAGE naming it) when it is unset or empty. */
int vp_env_required(const char *name, const char **out, struct vp_err *err);
/* A decimal integer in [min, max]; fallback when unset or empty. Anything else (signs, spaces, suffixes,
 * overflow, out of range) is an error naming the variable and the range. */
int vp_env_integer(const char *name, long long fallback, long long min, long long max, long long *out,
                   struct vp_err *err);

#endif

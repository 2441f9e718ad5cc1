/* log.h: diagnostics on stderr. Debug logging is on with --debug or VIDPIPE_LOG=debug; callers redact
 * secrets before they log (aws/redact.h), the logger itself never sees credentials. Thread-safe. */
#ifndef VP_BASE_LOG_H
#define VP_BASE_LOG_H

#include <stdbool.h>

enum vp_log_level { VP_LOG_ERROR, VP_LOG_WARN, VP_LOG_INFO, VP_LOG_DEBUG };

/* Reads VIDPIPE_LOG (error, warn, info, debug); the default is warn. */
void vp_log_init_from_env(void);
void vp_log_set_level(enum vp_log_level level);
bool vp_log_enabled(enum vp_log_level level);
void vp_log(enum vp_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define vp_debug(...) do { if (vp_log_enabled(VP_LOG_DEBUG)) vp_log(VP_LOG_DEBUG, __VA_ARGS__); } while (0)

#endif

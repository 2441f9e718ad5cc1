/* log.c: leveled logging to stderr, one whole line per call. */
#include "base/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum vp_log_level current = VP_LOG_WARN;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void vp_log_init_from_env(void)
{
    const char *v = getenv("VIDPIPE_LOG");

    if (!v)
        return;
    if (strcmp(v, "debug") == 0)
        current = VP_LOG_DEBUG;
    else if (strcmp(v, "info") == 0)
        current = VP_LOG_INFO;
    else if (strcmp(v, "warn") == 0)
        current = VP_LOG_WARN;
    else if (strcmp(v, "error") == 0)
        current = VP_LOG_ERROR;
}

void vp_log_set_level(enum vp_log_level level)
{
    current = level;
}

bool vp_log_enabled(enum vp_log_level level)
{
    return level <= current;
}

void vp_log(enum vp_log_level level, const char *fmt, ...)
{
    static const char *const names[] = { "error", "warn", "info", "debug" };
    char line[4096];
    va_list ap;

    if (!vp_log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&lock);
    fprintf(stderr, "vidpipe %s: %s\n", names[level], line);
    pthread_mutex_unlock(&lock);
}

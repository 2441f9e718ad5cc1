/* common.h: what every provider needs beside its own API calls: waiters that poll until AWS reports a
 * resource ready (or gone), the tag shapes AWS uses, and small JSON accessors. */
#ifndef VP_RESOURCES_COMMON_H
#define VP_RESOURCES_COMMON_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/resource.h"

/* One look at the resource: sets *done when the wait is over; returns -1 (c->err filled) to stop waiting. */
typedef int vp_res_poll_fn(struct vp_call *c, void *ctx, bool *done);

/* Calls poll every c->wait_poll_ms (1 s when 0) until it reports done, for at most c->wait_timeout_ms
 * (10 minutes when 0); then fails naming what (" until table 'videos' is ACTIVE"). */
int vp_res_wait(struct vp_call *c, const char *what, vp_res_poll_fn *poll, void *ctx);

/* One independent part of a read: sets its attributes in part (its own object); -1 with c->err filled. */
typedef int vp_res_part_fn(struct vp_call *c, const char *id, json_t *part);

/* Reads the parts at once, each on its own thread with its own error and object (the client bounds the
 * requests on the wire: vp_aws_limit_in_flight), then sets every part's attributes in live. A resource read
 * is a few independent calls after the first (a bucket's six configurations): at 30 ms a call, six in turn
 * are 180 ms, at once 30. -1 with c->err the first failed part's error, in the order given. */
int vp_res_read_parts(struct vp_call *c, const char *id, vp_res_part_fn *const *parts, size_t n, json_t *live);

/* Sleeps ms milliseconds (the rest of it, if a signal wakes it early). */
void vp_res_sleep_ms(long ms);

/* True when err is the AWS service error of that code ("NoSuchTagSet"). */
bool vp_res_err_is(const struct vp_err *err, const char *aws_code);

/* Puts "context: " (printf-style) in front of c->err's message, unless the error is one of the providers'
 * own (VP_E_AWS), which are whole sentences already naming the resource; returns -1. */
int vp_res_context(struct vp_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* AWS's [{"Key": k, "Value": v}, ...] as {k: v} (a later duplicate key wins) and back. */
json_t *vp_res_tags_from_list(const json_t *list);
json_t *vp_res_tags_to_list(const json_t *tags);

/* Accessors that tolerate absent keys: the string (NULL), the boolean (false), the integer (0). */
const char *vp_res_str(const json_t *obj, const char *key);
bool vp_res_bool(const json_t *obj, const char *key);
long long vp_res_int(const json_t *obj, const char *key);

/* want[key] differs from have[key] (an absent value equals null). */
bool vp_res_changed(const json_t *want, const json_t *have, const char *key);

#endif

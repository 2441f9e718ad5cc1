/* eventbridge_rule.h: the eventbridge_rule provider's parts (internal to src/resources/eventbridge_rule*.c). */
#ifndef VP_RESOURCES_EVENTBRIDGE_RULE_H
#define VP_RESOURCES_EVENTBRIDGE_RULE_H

#include <jansson.h>

#include "engine/resource.h"

/* Which rule: its name on its event bus. The physical id is NAME on the default bus, BUS/NAME on another (a
 * rule's name holds no '/'; a bus's name or ARN may). */
struct ebr_id {
    char *bus, *name;
};

/* eventbridge_rule_read.c */
/* One EventBridge call; in is borrowed (NULL: {}); *out (when out is not NULL) is a new reference. */
int ebr_call(struct vp_call *c, const char *operation, json_t *in, json_t **out);
int ebr_parse_id(struct vp_call *c, const char *id, struct ebr_id *r);
/* The physical id of a rule of want (a new string). */
char *ebr_id_of(const char *bus, const char *name);
void ebr_id_release(struct ebr_id *r);
/* {"Rule": NAME, "EventBusName": BUS}: what every call on the rule starts from. */
json_t *ebr_rule_input(const struct ebr_id *r);
/* The rule's targets in the attribute table's shape ([{id, arn, input?}]); [] when the rule is gone. */
int ebr_read_targets(struct vp_call *c, const struct ebr_id *r, json_t **targets);
/* The rule as the attribute table describes it; *live NULL when there is no such rule. */
int ebr_read(struct vp_call *c, const struct ebr_id *r, json_t **live);

/* eventbridge_rule_targets.c */
/* Removes the targets have holds and want does not, then puts those want holds that differ from have's. */
int ebr_converge_targets(struct vp_call *c, const struct ebr_id *r, const json_t *have, const json_t *want);
/* Removes every target of the rule (DeleteRule refuses a rule that has targets). */
int ebr_remove_all_targets(struct vp_call *c, const struct ebr_id *r);

#endif

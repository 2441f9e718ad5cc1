/* event_pattern.h: EventBridge event patterns, checked as PutRule checks them and matched as the event bus
 * matches them (the semantics of aws/event-ruler, the library EventBridge's matching is published as, and of
 * the user guide's "Content filtering in Amazon EventBridge event patterns").
 *
 * A pattern is a JSON object. Its keys name event fields; all of them must match (AND). A key's value is
 * either an object (the event's field must hold an object that matches it, or an array of such objects:
 * one element must match the whole sub-pattern) or a non-empty array of alternatives (OR). An alternative is
 * a string, number, true, false or null, matched exactly (numbers numerically: 300 matches 3.0e2; a string
 * that is an IP address matches the same address however written), or one of these operators:
 *
 *   {"prefix": "s"}               {"prefix": {"equals-ignore-case": "s"}}
 *   {"suffix": "s"}               {"suffix": {"equals-ignore-case": "s"}}
 *   {"equals-ignore-case": "s"}   {"wildcard": "a*b"}  ('*' any run of characters; "\*" and "\\" literal)
 *   {"anything-but": v}           v: a string, a number, a list of strings or of numbers, or an object
 *                                 {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": string or strings}
 *   {"numeric": [op, n]}          op one of = < <= > >=; or [">"|">=", n, "<"|"<=", m]
 *   {"exists": true|false}        {"cidr": "10.0.0.0/24"} (IPv4 or IPv6)
 * and "$or": [{...}, {...}, ...] (two or more sub-patterns, one of which must match) at any level.
 *
 * An event field that is an array matches when any of its elements does. String operators only match
 * strings, numeric ones only numbers; anything-but matches any present leaf value except the excluded ones;
 * exists works on leaf values only (a field holding an object does not "exist" as a leaf). The numbers of
 * numeric and anything-but must lie within +-5e9 with at most 6 decimals, as EventBridge requires; numbers
 * compare exactly to 6 decimals (an event number outside that range or finer matches only an equal pattern
 * number). equals-ignore-case folds ASCII, Latin-1, Greek and Cyrillic letters.
 *
 * Pure functions of their arguments: thread-safe. */
#ifndef VP_LOCAL_EVENT_PATTERN_H
#define VP_LOCAL_EVENT_PATTERN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* 0 when PutRule would take the pattern; else -1 with err filled as PutRule's InvalidEventPatternException
 * ("Event pattern is not valid. Reason: ... at detail.status[1]"; err->aws_code names the exception). */
int vp_event_pattern_check(const json_t *pattern, struct vp_err *err);
/* Whether event matches pattern; pattern must have passed vp_event_pattern_check. */
bool vp_event_pattern_match(const json_t *pattern, const json_t *event);

/* ---- shared by event_pattern.c and event_pattern_check.c ---- */

#define VP_EP_NUMBER_LIMIT 5e9          /* EventBridge's numeric range: -5e9 .. 5e9 */

/* A number as an integer count of millionths: 0 when it lies within the numeric range, -1 when not. */
int vp_ep_number_scaled(double d, long long *out);
/* Whether a pattern number has at most 6 decimals. */
bool vp_ep_number_has_6_decimals(double d);
/* A wildcard's validity: NULL when valid, else why (static text; *pos the offending byte). */
const char *vp_ep_wildcard_invalid(const char *wildcard, size_t *pos);
bool vp_ep_wildcard_match(const char *wildcard, const char *s, size_t len);

/* An IP address or CIDR block: 16 bytes (IPv4 as ::ffff:a.b.c.d) and a prefix length over 128 bits. */
struct vp_ep_cidr {
    unsigned char addr[16];
    int bits;
};
/* Parses "a.b.c.d/n" or an IPv6 block; -1 with *why when malformed. */
int vp_ep_cidr_parse(const char *text, struct vp_ep_cidr *out, const char **why);
/* Parses a plain IPv4 or IPv6 address (128 bits): 0, or -1 when text is not one. */
int vp_ep_ip_parse(const char *text, size_t len, struct vp_ep_cidr *out);

#endif

/* render.h: plans, drift and state for people (a readable diff, colour on a terminal) and for programs
 * (the JSON documented in specs/json-output.md). */
#ifndef VP_CLI_RENDER_H
#define VP_CLI_RENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "engine/engine.h"

/* The spec's secrets (the values of its sensitive variables; borrowed, NULL: none): every value holding one
 * is shown as (sensitive), in human and JSON output alike. */
void vp_render_hide(const json_t *secrets);

void vp_render_plan(FILE *out, const struct vp_plan *plan, bool color);
json_t *vp_plan_to_json(const struct vp_plan *plan);
void vp_render_drift(FILE *out, const struct vp_drift *drift, bool color);
json_t *vp_drift_to_json(const struct vp_drift *drift);
void vp_render_state(FILE *out, const json_t *state, bool color);
/* A value for people: compact JSON, or (sensitive) for what state keeps as a digest. Caller frees. */
char *vp_render_value(const json_t *v);
/* Prints JSON, indented, keys sorted, and a newline. */
void vp_print_json(FILE *out, const json_t *v);
/* The value at a path like "cors_rules[0].max_age_seconds" or "tags.env" (borrowed), or NULL. */
json_t *vp_json_at_path(const json_t *root, const char *path);

#endif

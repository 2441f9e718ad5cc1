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
/* The value at path in attrs as plans and drift show it: vp_render_value's text, or (sensitive) when the
 * path is inside a sensitive attribute of schema (may be NULL: none) or where prior (the last applied
 * attributes, may be NULL) keeps a digest; "null" when absent. Caller frees. */
char *vp_render_path_value(const struct vp_attr *schema, const json_t *attrs, const json_t *prior, const char *path);
/* A copy of live (NULL: NULL) with (sensitive) wherever live or, at the same place, prior holds a digest
 * ("sha256:...", how state keeps a secret): AWS still holds a secret that the spec has rotated since the last
 * apply, so the spec's current secrets alone would not hide it. */
json_t *vp_render_hide_like(const json_t *live, const json_t *prior);
/* Prints JSON, indented, keys sorted, and a newline. */
void vp_print_json(FILE *out, const json_t *v);
/* The value at a path like "cors_rules[0].max_age_seconds" or "tags.env" (borrowed), or NULL. */
json_t *vp_json_at_path(const json_t *root, const char *path);

#endif

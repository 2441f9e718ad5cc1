/* spec_internal.h: what the spec layer's files share and nobody else sees: expressions, literal scalars,
 * did-you-mean, and the loader that carries one vp_spec_load through its phases. */
#ifndef VP_SPEC_SPEC_INTERNAL_H
#define VP_SPEC_SPEC_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "spec/diag.h"
#include "spec/node.h"
#include "spec/schema.h"
#include "spec/spec.h"

/* ---- schema.c ---- */

/* The attribute each element of a LIST or MAP follows: an OBJECT of the fields when there are fields (whatever
 * elem_kind says), else elem_kind with the enum (and, for a LIST, the check: a MAP's check is for its keys). */
void vp_schema_elem(const struct vp_attr *a, struct vp_attr *elem);

/* ---- expr.c: "${...}" inside a scalar ---- */

enum vp_ref_kind { VP_REF_VAR, VP_REF_STACK, VP_REF_REGION, VP_REF_RESOURCE };

struct vp_expr_part {
    bool is_ref;
    enum vp_ref_kind kind;
    char *text;                         /* literal text ("$${" undone), or the variable or resource name */
    char *attr;                         /* VP_REF_RESOURCE: the attribute */
    size_t offset;                      /* byte offset of the part (its "${") in the scalar */
};

struct vp_expr {
    struct vp_expr_part *parts;
    size_t n, n_refs;
};

/* Splits s into literal text and references. -1 with err (message and err->pos from node) when a "${" is
 * unterminated, empty or not one of the four forms. */
int vp_expr_parse(const struct vp_node *node, struct vp_expr *e, struct vp_err *err);
void vp_expr_release(struct vp_expr *e);
/* The reference as written back ("${var.x}", "${uploads.arn}"), into buf. */
const char *vp_expr_ref_text(const struct vp_expr_part *p, char *buf, size_t size);
/* Where the part starts in the text (exact for plain one-line scalars; the scalar's start otherwise). */
struct vp_pos vp_expr_pos(const struct vp_node *node, const struct vp_expr_part *p);
/* The literal text of an expression without references, "$${" undone; a new string. */
char *vp_expr_text(const struct vp_expr *e);

/* ---- literal.c: scalars by their look ---- */

bool vp_text_int(const char *s, json_int_t *v);
bool vp_text_real(const char *s, double *v);
bool vp_text_bool(const char *s, bool *v);
/* A node as plain YAML data, no interpolation: plain integers and reals are numbers, plain true/false bools,
 * null null, any other scalar a string; lists and mappings recursively. A new reference. */
json_t *vp_node_literal(const struct vp_node *n);
/* "a string", "a number", "a bool", "a list", "a mapping", "null": for "got ..." in messages. */
const char *vp_json_look(const json_t *v);
const char *vp_node_look(const struct vp_node *n);
/* "a string", "an integer", "a bool (true or false)", ...: for "expected ..." in messages. */
const char *vp_kind_expected(enum vp_kind kind);
/* 1 when s matches the POSIX extended regular expression. */
bool vp_matches(const char *pattern, const char *s);

/* ---- suggest.c: did you mean ---- */

struct vp_suggest {
    const char *word;
    const char *best;
    size_t best_distance;
};

void vp_suggest_init(struct vp_suggest *s, const char *word);
void vp_suggest_try(struct vp_suggest *s, const char *candidate);
/* "; did you mean 'x'?" when some candidate is close enough, else "". Into buf. */
const char *vp_suggest_hint(const struct vp_suggest *s, char *buf, size_t size);

/* ---- the loader: one vp_spec_load ---- */

struct vp_loader {
    struct vp_spec *spec;               /* filled as the phases run */
    const struct vp_spec_options *opts;
    struct vp_diags *diags;
    json_t *var_types;                  /* every declared variable: name -> "string", "number", ... */
    json_t *sensitive_vars;             /* the variables declared sensitive: name -> true */
    struct vp_pos **dep_pos;            /* per resource, where each of its depends_on came from */
};

/* What a scalar may refer to, and who refers (for depends_on). */
struct vp_ref_rules {
    int owner;                          /* index of the resource whose value this is, or -1 */
    bool resources, stack, region;      /* allowed */
    const char *where;                  /* "stack", "backend.s3.bucket": for "... cannot refer to ..." */
};

/* Checks the references of a parsed scalar: 0 when all are known now, 1 when some are not (a resource
 * attribute, a variable without a value), -1 after adding diagnostics. Records the owner's dependencies. */
int vp_refs_check(struct vp_loader *ld, const struct vp_node *node, const struct vp_expr *e,
                  const struct vp_ref_rules *rules);
/* Checks every scalar under node (syntax and references) without types: JSON attributes and outputs. */
void vp_refs_check_tree(struct vp_loader *ld, const struct vp_node *node, const struct vp_ref_rules *rules);
void vp_refs_add_dep(struct vp_loader *ld, size_t owner, const char *name, struct vp_pos pos);
/* Reports every dependency cycle, "a -> b -> a". */
void vp_refs_find_cycles(struct vp_loader *ld);

/* An unknown key in a mapping: "unknown key 'k' in WHERE; did you mean 'x'?" (candidates NULL-terminated;
 * attrs may add a table's settable names). */
void vp_unknown_key(struct vp_loader *ld, const struct vp_node *key, const char *where, const char *const *candidates,
                    const struct vp_attr *attrs);

void vp_load_variables(struct vp_loader *ld, const struct vp_node *decls);      /* vars.c */
void vp_load_settings(struct vp_loader *ld);                                    /* settings.c */
void vp_load_resources(struct vp_loader *ld, const struct vp_node *map);        /* resources.c */
void vp_validate_resource(struct vp_loader *ld, size_t index);                  /* validate.c */
void vp_load_outputs(struct vp_loader *ld, const struct vp_node *map);          /* outputs.c */

#endif

/* schema.h: how a resource type's attributes are described, as data. Providers (src/resources/) fill these
 * tables; the validator (spec/validate.c) and the engine's diff read them, so neither needs provider code. */
#ifndef VP_SPEC_SCHEMA_H
#define VP_SPEC_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum vp_kind {
    VP_K_STRING, VP_K_INT, VP_K_BOOL,
    VP_K_LIST,          /* of elem_kind (or of objects with fields) */
    VP_K_MAP,           /* string keys to elem_kind values (tags) */
    VP_K_OBJECT,        /* fixed fields */
    VP_K_JSON,          /* any JSON value, compared semantically (policy documents) */
};

enum vp_on_change {
    VP_UPDATE,          /* changed in place */
    VP_REPLACE,         /* a change destroys and re-creates the resource */
    VP_COMPUTED,        /* set by AWS, read only: arn, id; may be referenced */
};

/* A naming or value rule beyond the kind: returns NULL when value is fine, else why not (static text).
 * Applied to a STRING's value, to each string of a LIST of STRING, and to each key of a MAP. */
typedef const char *vp_attr_check_fn(const char *value);

struct vp_attr {
    const char *name;                   /* "billing_mode" */
    enum vp_kind kind;
    enum vp_on_change on_change;
    bool required;
    bool sensitive;                     /* masked in plans, never written to state */
    bool local;                         /* vidpipe's own setting, not AWS's (force_destroy): kept in state,
                                           never read from AWS, so it never drifts */
    const char *default_json;           /* the default as JSON text ("\"PAY_PER_REQUEST\"", "true"); NULL: none */
    enum vp_kind elem_kind;             /* LIST and MAP elements */
    const struct vp_attr *fields;       /* OBJECT, or LIST/MAP of OBJECT: the fields, ending with { 0 } */
    const char *const *enum_values;     /* allowed strings, NULL-terminated; NULL: any. Applied to a STRING,
                                           to each element of a LIST of STRING, to each value of a MAP */
    long min, max;                      /* INT range, or STRING length range, when max > 0 */
    vp_attr_check_fn *check;
    const char *doc;                    /* one line for specs/README.md and did-you-mean hints */
};

/* A rule across a resource's attributes (an index key must be declared; PROVISIONED needs capacities):
 * values are the attributes the spec sets, evaluated (a value known only after apply is the string
 * VP_UNKNOWN_VALUE: skip it). Returns 0, or -1 with the reason in msg and, in *attr, the attribute to point
 * at (NULL: the resource). */
typedef int vp_type_check_fn(const json_t *values, char *msg, size_t size, const char **attr);

/* The attribute tables of every resource type, as the validator sees them. */
struct vp_type_schema {
    const char *type;                   /* "s3_bucket" */
    const struct vp_attr *attrs;        /* ends with { 0 } */
    vp_type_check_fn *check;            /* may be NULL */
};

/* The attribute of that name in a table ending with { 0 }, or NULL. */
const struct vp_attr *vp_schema_attr(const struct vp_attr *attrs, const char *name);

#endif

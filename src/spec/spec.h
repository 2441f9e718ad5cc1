/* spec.h: a pipeline spec, loaded and validated. vp_spec_load() parses the YAML, applies variables
 * (defaults, --var-file, --var) and checks everything that can be checked before any API call: keys, types,
 * required attributes, AWS naming rules, references, cycles, duplicate names. Every problem is reported with
 * file:line:col. Resource attribute values stay as nodes; the engine evaluates them (vp_spec_eval) when the
 * attributes they refer to are known. */
#ifndef VP_SPEC_SPEC_H
#define VP_SPEC_SPEC_H

#include <jansson.h>
#include <stdbool.h>

#include "base/kv.h"
#include "spec/diag.h"
#include "spec/node.h"
#include "spec/schema.h"

struct vp_spec_resource {
    char *name;                         /* "uploads": unique in the spec; references use it */
    char *type;                         /* "s3_bucket" */
    char *address;                      /* "s3_bucket.uploads": plans, state and --target use it */
    const struct vp_type_schema *schema;
    const struct vp_node *node;         /* the resource's mapping (borrowed from the tree) */
    char **depends_on;                  /* names: explicit depends_on and every ${NAME.attr} reference */
    size_t n_depends;
    struct vp_pos pos;
};

struct vp_spec_output {
    char *name;
    const struct vp_node *value;
    bool sensitive;
};

enum vp_backend_kind { VP_BACKEND_LOCAL, VP_BACKEND_S3 };

struct vp_spec_backend {
    enum vp_backend_kind kind;
    char *path;                         /* local: NULL means state/<stack>.json */
    char *bucket, *key, *region;        /* s3 (region NULL: the spec's) */
};

struct vp_spec {
    char *path;
    struct vp_node *root;
    char *stack, *region;               /* evaluated */
    json_t *vars;                       /* name -> value after defaults, var files and --var */
    json_t *secrets;                    /* the values of sensitive variables, as strings: a value holding one
                                           is never printed and reaches state only as its digest */
    json_t *tags;                       /* default tags (object of strings), evaluated */
    struct vp_spec_backend backend;
    struct vp_spec_resource *resources; /* in document order */
    size_t n_resources;
    struct vp_spec_output *outputs;
    size_t n_outputs;
};

struct vp_spec_options {
    const char *const *var_files;       /* --var-file, in order; later ones win */
    size_t n_var_files;
    const struct vp_kvlist *vars;       /* --var NAME=VALUE, in order; win over var files */
    const struct vp_type_schema *const *types;  /* the known resource types, NULL-terminated */
};

/* 0 with *out set, or -1 with every problem in diags (and *out NULL). */
int vp_spec_load(const char *path, const struct vp_spec_options *opts, struct vp_spec **out, struct vp_diags *diags);
/* The same for a spec already in memory (len bytes, need not be NUL-terminated; the fuzz target uses it):
 * path only names it in positions and messages. Var files named in opts are still read from disk. */
int vp_spec_load_text(const char *text, size_t len, const char *path, const struct vp_spec_options *opts,
                      struct vp_spec **out, struct vp_diags *diags);
void vp_spec_free(struct vp_spec *spec);
/* A resource by name ("uploads") or address ("s3_bucket.uploads"); NULL if none. */
const struct vp_spec_resource *vp_spec_find(const struct vp_spec *spec, const char *name_or_address);

/* Resolves a reference ${NAME.ATTR}: 0 with *value a new reference, or *value NULL when not known yet
 * (the resource is still to be created: "known after apply"); -1 on error. */
typedef int vp_ref_fn(void *ctx, const char *resource, const char *attr, json_t **value, struct vp_err *err);

/* Evaluates a value node to JSON, typed by attr (NULL: by the node's own look): ${var.X}, ${stack},
 * ${region} and ${NAME.ATTR} interpolated; a string that is exactly one reference takes the referenced
 * value's type; "$${" is a literal "${". When some reference is not known yet, *unknown is set and the value
 * holds the placeholder string "(known after apply)" where it could not be computed. */
int vp_spec_eval(const struct vp_spec *spec, const struct vp_node *node, const struct vp_attr *attr,
                 vp_ref_fn *resolve, void *ctx, json_t **out, bool *unknown, struct vp_err *err);

#define VP_UNKNOWN_VALUE "(known after apply)"

#endif

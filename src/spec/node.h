/* node.h: a YAML document as a tree of nodes that remember where they stand (file:line:col), so every
 * error can point at the text the user wrote. Built by spec/yaml.c with libyaml. */
#ifndef VP_SPEC_NODE_H
#define VP_SPEC_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

enum vp_node_kind { VP_NODE_NULL, VP_NODE_SCALAR, VP_NODE_MAP, VP_NODE_SEQ };

struct vp_node;

struct vp_node_pair {
    struct vp_node *key;                /* a scalar */
    struct vp_node *value;
};

struct vp_node {
    enum vp_node_kind kind;
    char *scalar;                       /* SCALAR: the text */
    bool plain;                         /* SCALAR: unquoted (so `true` and `3` may be a bool or a number) */
    struct vp_node_pair *pairs;         /* MAP: in document order */
    struct vp_node **items;             /* SEQ */
    size_t n;                           /* pairs or items */
    struct vp_pos pos;                  /* where the node starts; pos.file is the document's path */
};

/* Parses one YAML document. Syntax errors, anchors/aliases and duplicate keys are VP_E_SPEC_SYNTAX with
 * err->pos set. The file name is kept for positions. *out must be freed with vp_node_free. */
int vp_yaml_parse_file(const char *path, struct vp_node **out, struct vp_err *err);
int vp_yaml_parse_string(const char *text, size_t len, const char *path, struct vp_node **out, struct vp_err *err);
void vp_node_free(struct vp_node *n);

/* The value of key in a MAP node, or NULL. Borrowed. */
struct vp_node *vp_node_get(const struct vp_node *map, const char *key);
/* The key node of key in a MAP node (for pointing at the key), or NULL. */
struct vp_node *vp_node_key(const struct vp_node *map, const char *key);

#endif

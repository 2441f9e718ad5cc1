/* yaml.c: one YAML document to a tree of vp_node, with libyaml's event parser. Every node keeps its
 * file:line:col (1-based). What a spec never needs and would only hide mistakes is refused: anchors and
 * aliases, duplicate keys, non-scalar keys, several documents, deep nesting, huge files.
 *
 * The root node is allocated with the file name after it, and every node's pos.file points there, so the
 * tree owns its name and vp_node_free(root) frees both. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "spec/node.h"

#define MAX_DEPTH 64
#define MAX_FILE_BYTES (4u << 20)

struct builder {
    yaml_parser_t parser;
    const char *file;                   /* the tree's copy of the name */
    const char *caller_file;            /* the caller's, for errors (the tree is gone by then) */
    const char *text;
    size_t len;
    struct vp_err *err;
};

static struct vp_pos pos_of(const struct builder *b, yaml_mark_t mark)
{
    struct vp_pos p = { b->file, (int)mark.line + 1, (int)mark.column + 1 };
    return p;
}

static int fail_at(struct builder *b, yaml_mark_t mark, const char *fmt, const char *arg)
{
    vp_fail(b->err, VP_E_SPEC_SYNTAX, fmt, arg);
    b->err->pos = pos_of(b, mark);
    b->err->pos.file = b->caller_file;
    return -1;
}

/* Where a byte offset is: the reader (bad UTF-8) gives only the offset, as it reads ahead of the marks. */
static yaml_mark_t mark_at_offset(const struct builder *b, size_t offset)
{
    yaml_mark_t mark = { 0, 0, 0 };

    for (size_t i = 0; i < offset && i < b->len; i++) {
        if (b->text[i] == '\n')
            mark.line++, mark.column = 0;
        else if (((unsigned char)b->text[i] & 0xC0) != 0x80)
            mark.column++;
    }
    return mark;
}

/* libyaml's own words for a syntax error, at the mark it gives. */
static int fail_parser(struct builder *b)
{
    const yaml_parser_t *p = &b->parser;
    yaml_mark_t mark = p->error == YAML_READER_ERROR ? mark_at_offset(b, p->problem_offset) : p->problem_mark;
    const char *problem = p->problem ? p->problem : "malformed YAML";
    char msg[300];

    if (p->context)
        snprintf(msg, sizeof(msg), "%s (%s that starts at %zu:%zu)", problem, p->context,
                 (size_t)p->context_mark.line + 1, (size_t)p->context_mark.column + 1);
    else
        snprintf(msg, sizeof(msg), "%s", problem);
    return fail_at(b, mark, "%s", msg);
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&b->parser, ev))
        return fail_parser(b);
    return 0;
}

static struct vp_node *node_new(const struct builder *b, enum vp_node_kind kind, yaml_mark_t mark)
{
    struct vp_node *n = vp_xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->pos = pos_of(b, mark);
    return n;
}

static void free_children(struct vp_node *n)
{
    for (size_t i = 0; i < n->n; i++) {
        if (n->kind == VP_NODE_MAP) {
            vp_node_free(n->pairs[i].key);
            vp_node_free(n->pairs[i].value);
        } else if (n->kind == VP_NODE_SEQ) {
            vp_node_free(n->items[i]);
        }
    }
    free(n->pairs);
    free(n->items);
    free(n->scalar);
}

void vp_node_free(struct vp_node *n)
{
    if (!n)
        return;
    free_children(n);
    free(n);
}

static bool is_null_text(const char *s)
{
    return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static int build_node(struct builder *b, yaml_event_t *ev, int depth, struct vp_node **out);

static int build_scalar(struct builder *b, yaml_event_t *ev, struct vp_node **out)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag;
    struct vp_node *n;

    if (strlen(text) != len)
        return fail_at(b, ev->start_mark, "%s", "NUL characters are not supported in a spec");
    n = node_new(b, plain && is_null_text(text) ? VP_NODE_NULL : VP_NODE_SCALAR, ev->start_mark);
    n->scalar = vp_xstrndup(text, len);
    n->plain = plain;
    *out = n;
    return 0;
}

static int build_seq(struct builder *b, struct vp_node *seq, int depth)
{
    yaml_event_t ev;
    size_t cap = 0;

    for (;;) {
        struct vp_node *item = NULL;
        int rc;

        if (next_event(b, &ev) < 0)
            return -1;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        rc = build_node(b, &ev, depth + 1, &item);
        yaml_event_delete(&ev);
        if (rc < 0)
            return -1;
        if (seq->n == cap) {
            cap = cap ? cap * 2 : 4;
            seq->items = vp_xrealloc(seq->items, cap * sizeof(*seq->items));
        }
        seq->items[seq->n++] = item;
    }
}

/* A key: a scalar, not seen before in this mapping (seen holds key -> index of its pair). */
static int build_key(struct builder *b, yaml_event_t *ev, const struct vp_node *map, json_t *seen,
                     struct vp_node **out)
{
    json_t *first;
    char where[300];

    if (ev->type != YAML_SCALAR_EVENT) {
        if (ev->type == YAML_ALIAS_EVENT)
            return fail_at(b, ev->start_mark, "%s", "anchors and aliases are not supported");
        return fail_at(b, ev->start_mark, "%s", "a mapping key must be a plain string, not a list or mapping");
    }
    if (build_node(b, ev, 0, out) < 0)
        return -1;
    (*out)->kind = VP_NODE_SCALAR;      /* a key `null:` is the string "null" */
    first = json_object_getn(seen, (*out)->scalar, strlen((*out)->scalar));
    if (first) {
        const struct vp_node *k = map->pairs[json_integer_value(first)].key;
        snprintf(where, sizeof(where), "duplicate key '%.200s' (first at %d:%d)", k->scalar, k->pos.line, k->pos.col);
        vp_node_free(*out);
        *out = NULL;
        return fail_at(b, ev->start_mark, "%s", where);
    }
    json_object_setn_new(seen, (*out)->scalar, strlen((*out)->scalar), json_integer((json_int_t)map->n));
    return 0;
}

static int build_map(struct builder *b, struct vp_node *map, int depth)
{
    json_t *seen = json_object();
    yaml_event_t ev;
    size_t cap = 0;
    int rc = -1;

    for (;;) {
        struct vp_node *key = NULL, *value = NULL;

        if (next_event(b, &ev) < 0)
            break;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            rc = 0;
            break;
        }
        rc = build_key(b, &ev, map, seen, &key);
        yaml_event_delete(&ev);
        if (rc < 0)
            break;
        rc = next_event(b, &ev);
        if (rc == 0) {
            rc = build_node(b, &ev, depth + 1, &value);
            yaml_event_delete(&ev);
        }
        if (rc < 0) {
            vp_node_free(key);
            break;
        }
        if (map->n == cap) {
            cap = cap ? cap * 2 : 4;
            map->pairs = vp_xrealloc(map->pairs, cap * sizeof(*map->pairs));
        }
        map->pairs[map->n].key = key;
        map->pairs[map->n++].value = value;
        rc = -1;
    }
    json_decref(seen);
    return rc;
}

/* Builds the node that starts with ev (which the caller deletes). */
static int build_node(struct builder *b, yaml_event_t *ev, int depth, struct vp_node **out)
{
    yaml_char_t *anchor = NULL;
    int rc;

    *out = NULL;
    if (depth > MAX_DEPTH)
        return fail_at(b, ev->start_mark, "%s", "nesting deeper than 64 levels");
    switch (ev->type) {
    case YAML_SCALAR_EVENT: anchor = ev->data.scalar.anchor; break;
    case YAML_SEQUENCE_START_EVENT: anchor = ev->data.sequence_start.anchor; break;
    case YAML_MAPPING_START_EVENT: anchor = ev->data.mapping_start.anchor; break;
    case YAML_ALIAS_EVENT: return fail_at(b, ev->start_mark, "%s", "anchors and aliases are not supported");
    default: return fail_at(b, ev->start_mark, "%s", "unexpected YAML event");
    }
    if (anchor)
        return fail_at(b, ev->start_mark, "%s", "anchors and aliases are not supported");
    if (ev->type == YAML_SCALAR_EVENT)
        return build_scalar(b, ev, out);
    *out = node_new(b, ev->type == YAML_MAPPING_START_EVENT ? VP_NODE_MAP : VP_NODE_SEQ, ev->start_mark);
    rc = ev->type == YAML_MAPPING_START_EVENT ? build_map(b, *out, depth) : build_seq(b, *out, depth);
    if (rc < 0) {
        vp_node_free(*out);
        *out = NULL;
    }
    return rc;
}

/* The document's content into root (a NULL-kind root stays when the stream holds no document). */
static int build_document(struct builder *b, struct vp_node *root)
{
    yaml_event_t ev;
    struct vp_node *content = NULL;
    int rc;

    if (next_event(b, &ev) < 0)             /* STREAM_START */
        return -1;
    yaml_event_delete(&ev);
    if (next_event(b, &ev) < 0)
        return -1;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        return 0;
    }
    yaml_event_delete(&ev);                 /* DOCUMENT_START */
    if (next_event(b, &ev) < 0)
        return -1;
    rc = build_node(b, &ev, 1, &content);
    yaml_event_delete(&ev);
    if (rc < 0)
        return -1;
    root->kind = content->kind;
    root->scalar = content->scalar;
    root->plain = content->plain;
    root->pairs = content->pairs;
    root->items = content->items;
    root->n = content->n;
    root->pos = content->pos;
    free(content);
    if (next_event(b, &ev) < 0)             /* DOCUMENT_END */
        return -1;
    yaml_event_delete(&ev);
    if (next_event(b, &ev) < 0)
        return -1;
    rc = 0;
    if (ev.type == YAML_DOCUMENT_START_EVENT)
        rc = fail_at(b, ev.start_mark, "%s", "more than one YAML document; a spec is one document");
    yaml_event_delete(&ev);
    return rc;
}

int vp_yaml_parse_string(const char *text, size_t len, const char *path, struct vp_node **out, struct vp_err *err)
{
    struct builder b = { .err = err, .text = text, .len = len };
    const char *file = path ? path : "<string>";
    size_t file_len = strlen(file);
    struct vp_node *root = vp_xcalloc(1, sizeof(*root) + file_len + 1);
    char *name = (char *)(root + 1);

    memcpy(name, file, file_len + 1);
    b.file = name;
    b.caller_file = file;
    root->kind = VP_NODE_NULL;
    root->pos = (struct vp_pos){ name, 1, 1 };
    *out = NULL;
    if (!yaml_parser_initialize(&b.parser)) {
        free(root);
        return vp_fail(err, VP_E_SPEC_SYNTAX, "cannot start the YAML parser");
    }
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
    if (build_document(&b, root) < 0) {
        yaml_parser_delete(&b.parser);
        vp_node_free(root);
        return -1;
    }
    yaml_parser_delete(&b.parser);
    *out = root;
    return 0;
}

int vp_yaml_parse_file(const char *path, struct vp_node **out, struct vp_err *err)
{
    struct vp_buf buf = VP_BUF_INIT(MAX_FILE_BYTES);
    int rc;

    *out = NULL;
    if (vp_buf_read_file(&buf, path, err) < 0) {
        if (err->code == VP_E_LIMIT)
            vp_fail(err, VP_E_LIMIT, "'%s' is larger than 4 MiB, the most a spec or var file may be", path);
        err->pos = (struct vp_pos){ path, 0, 0 };
        vp_buf_release(&buf);
        return -1;
    }
    rc = vp_yaml_parse_string(buf.data, buf.len, path, out, err);
    vp_buf_release(&buf);
    return rc;
}

struct vp_node *vp_node_key(const struct vp_node *map, const char *key)
{
    if (!map || map->kind != VP_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->pairs[i].key->scalar, key) == 0)
            return map->pairs[i].key;
    return NULL;
}

struct vp_node *vp_node_get(const struct vp_node *map, const char *key)
{
    if (!map || map->kind != VP_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->pairs[i].key->scalar, key) == 0)
            return map->pairs[i].value;
    return NULL;
}

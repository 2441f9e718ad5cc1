/* xml.h: the little XML the Query (IAM, STS) and REST-XML (S3) protocols need. expat parses; xml.c keeps a
 * small owned tree of elements from its callbacks. Answers are data, never instructions: a DOCTYPE (and with
 * it any entity declaration) is refused, nothing external is fetched, depth and size are bounded. */
#ifndef VP_AWS_XML_H
#define VP_AWS_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define VP_XML_MAX_DEPTH 64             /* elements nested deeper than this are refused */
#define VP_XML_MAX_BYTES (64u << 20)    /* the client core's answer ceiling */

struct vp_xml_node {
    char *name;                 /* local name: a namespace prefix ("s3:Key") is stripped */
    char *text;                 /* this element's own character data, concatenated; never NULL */
    char *xmlns;                /* the default namespace this element declares (xmlns="..."), or NULL */
    struct vp_xml_node *parent, *first_child, *next_sibling;
};

struct vp_xml_doc {
    struct vp_xml_node *root;   /* never NULL in a parsed document */
    bool declares_encoding;     /* the answer's <?xml ...?> named an encoding (the text here is UTF-8) */
};

/* Parses an answer into *out (the caller frees it with vp_xml_free). Malformed XML is VP_E_AWS_RESPONSE with
 * expat's reason and line:column; err may be NULL. */
int vp_xml_parse(const char *data, size_t len, struct vp_xml_doc **out, struct vp_err *err);
void vp_xml_free(struct vp_xml_doc *doc);       /* NULL: nothing */

/* The first element named name (local name, any namespace) at any depth under node, in document order
 * (node NULL: the root itself, then everything under it), or NULL. */
struct vp_xml_node *vp_xml_find(const struct vp_xml_doc *doc, const struct vp_xml_node *node, const char *name);
/* The text of that element as a new string, or NULL if absent. */
char *vp_xml_find_text(const struct vp_xml_doc *doc, const struct vp_xml_node *node, const char *name);
/* node's first child element of that name (direct children only), or NULL; node may be NULL. */
struct vp_xml_node *vp_xml_child(const struct vp_xml_node *node, const char *name);
/* The next sibling element after node with the same name, or NULL (to walk lists). */
struct vp_xml_node *vp_xml_next_named(const struct vp_xml_node *node);

/* Appends text with & < > " ' escaped (element content or an attribute value in a request body). */
void vp_xml_put_escaped(struct vp_buf *b, const char *text);
/* Appends the document indented two spaces a level, one element a line, as libxml2's formatted dump
 * writes a compact answer (`vidpipe debug call` prints Query answers so). */
void vp_xml_format(const struct vp_xml_doc *doc, struct vp_buf *out);

#endif

/* xml.c: AWS's XML answers as a small owned tree, built from expat's callbacks. expat does all the parsing;
 * this file only keeps elements, their own character data and their default namespace. A DOCTYPE stops the
 * parser before any entity is declared (no expansion, so no billion laughs), no external entity handler is
 * set (nothing is fetched), and nesting deeper than VP_XML_MAX_DEPTH is refused. */
#include "aws/xml.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* One open element: its node, its last child (children are appended) and its text so far. */
struct frame {
    struct vp_xml_node *node, *last_child;
    struct vp_buf text;
};

struct builder {
    XML_Parser parser;
    struct vp_xml_doc *doc;
    struct frame stack[VP_XML_MAX_DEPTH];
    int depth;
    const char *refused;        /* why the builder stopped the parser, or NULL */
};

static void refuse(struct builder *b, const char *why)
{
    if (!b->refused) {
        b->refused = why;
        XML_StopParser(b->parser, XML_FALSE);
    }
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct builder *b = ud;
    const char *colon = strrchr(name, ':');
    struct vp_xml_node *node;
    struct frame *f;

    if (b->refused)
        return;
    if (b->depth == VP_XML_MAX_DEPTH) {
        refuse(b, "elements nested deeper than " STR(VP_XML_MAX_DEPTH) " levels");
        return;
    }
    node = vp_xcalloc(1, sizeof(*node));
    node->name = vp_xstrdup(colon ? colon + 1 : name);
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], "xmlns") == 0 && !node->xmlns)
            node->xmlns = vp_xstrdup(atts[i + 1]);
    if (b->depth == 0) {
        b->doc->root = node;
    } else {
        struct frame *parent = &b->stack[b->depth - 1];
        node->parent = parent->node;
        if (parent->last_child)
            parent->last_child->next_sibling = node;
        else
            parent->node->first_child = node;
        parent->last_child = node;
    }
    f = &b->stack[b->depth++];
    f->node = node;
    f->last_child = NULL;
    vp_buf_init(&f->text, VP_BUF_UNBOUNDED);   /* bounded by the document's size */
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct builder *b = ud;
    struct frame *f;

    (void)name;
    if (b->refused || b->depth == 0)
        return;
    f = &b->stack[--b->depth];
    f->node->text = vp_buf_detach(&f->text, NULL);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct builder *b = ud;

    if (!b->refused && b->depth > 0 && len > 0)
        vp_buf_put(&b->stack[b->depth - 1].text, s, (size_t)len);
}

static void XMLCALL on_decl(void *ud, const XML_Char *version, const XML_Char *encoding, int standalone)
{
    struct builder *b = ud;

    (void)version;
    (void)standalone;
    b->doc->declares_encoding = encoding != NULL;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    refuse(ud, "it has a DOCTYPE (answers declare no entities)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_parameter, const XML_Char *value,
                              int value_length, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)name;
    (void)is_parameter;
    (void)value;
    (void)value_length;
    (void)base;
    (void)sysid;
    (void)pubid;
    (void)notation;
    refuse(ud, "it declares an entity");
}

int vp_xml_parse(const char *data, size_t len, struct vp_xml_doc **out, struct vp_err *err)
{
    struct builder b = { .doc = vp_xcalloc(1, sizeof(struct vp_xml_doc)) };
    enum XML_Status status;
    int ret = 0;

    *out = NULL;
    if (len > VP_XML_MAX_BYTES) {
        vp_xml_free(b.doc);
        return vp_fail(err, VP_E_AWS_RESPONSE, "XML answer too large (%zu bytes, at most %u)", len,
                       VP_XML_MAX_BYTES);
    }
    b.parser = XML_ParserCreate(NULL);      /* the answer's own declaration decides; UTF-8 without one */
    if (!b.parser)
        abort();        /* out of memory: as vp_xmalloc does */
    XML_SetUserData(b.parser, &b);
    XML_SetElementHandler(b.parser, on_start, on_end);
    XML_SetCharacterDataHandler(b.parser, on_text);
    XML_SetXmlDeclHandler(b.parser, on_decl);
    XML_SetStartDoctypeDeclHandler(b.parser, on_doctype);
    XML_SetEntityDeclHandler(b.parser, on_entity);
    XML_SetParamEntityParsing(b.parser, XML_PARAM_ENTITY_PARSING_NEVER);
    status = XML_Parse(b.parser, data ? data : "", (int)len, XML_TRUE);
    if (b.refused) {
        ret = vp_fail(err, VP_E_AWS_RESPONSE, "XML answer refused at line %lu:%lu: %s",
                      (unsigned long)XML_GetCurrentLineNumber(b.parser),
                      (unsigned long)XML_GetCurrentColumnNumber(b.parser) + 1, b.refused);
    } else if (status != XML_STATUS_OK || !b.doc->root || b.depth != 0) {
        ret = vp_fail(err, VP_E_AWS_RESPONSE, "malformed XML answer (%zu bytes) at line %lu:%lu: %s", len,
                      (unsigned long)XML_GetCurrentLineNumber(b.parser),
                      (unsigned long)XML_GetCurrentColumnNumber(b.parser) + 1,
                      XML_ErrorString(XML_GetErrorCode(b.parser)));
    }
    XML_ParserFree(b.parser);
    /* elements left open by an error: their text so far goes with them */
    while (b.depth > 0)
        vp_buf_release(&b.stack[--b.depth].text);
    if (ret < 0) {
        vp_xml_free(b.doc);
        return ret;
    }
    *out = b.doc;
    return 0;
}

/* Depth is bounded by the parser, so this recursion is too. */
static void free_nodes(struct vp_xml_node *n)
{
    while (n) {
        struct vp_xml_node *next = n->next_sibling;
        free_nodes(n->first_child);
        free(n->name);
        free(n->text);
        free(n->xmlns);
        free(n);
        n = next;
    }
}

void vp_xml_free(struct vp_xml_doc *doc)
{
    if (!doc)
        return;
    free_nodes(doc->root);
    free(doc);
}

static struct vp_xml_node *find_under(struct vp_xml_node *node, const char *name)
{
    for (struct vp_xml_node *n = node; n; n = n->next_sibling) {
        struct vp_xml_node *found;
        if (strcmp(n->name, name) == 0)
            return n;
        if ((found = find_under(n->first_child, name)))
            return found;
    }
    return NULL;
}

struct vp_xml_node *vp_xml_find(const struct vp_xml_doc *doc, const struct vp_xml_node *node, const char *name)
{
    if (!node) {
        struct vp_xml_node *root = doc ? doc->root : NULL;
        if (!root)
            return NULL;
        if (strcmp(root->name, name) == 0)
            return root;
        return find_under(root->first_child, name);
    }
    return find_under(node->first_child, name);
}

char *vp_xml_find_text(const struct vp_xml_doc *doc, const struct vp_xml_node *node, const char *name)
{
    struct vp_xml_node *n = vp_xml_find(doc, node, name);

    return n ? vp_xstrdup(n->text ? n->text : "") : NULL;
}

struct vp_xml_node *vp_xml_child(const struct vp_xml_node *node, const char *name)
{
    for (struct vp_xml_node *n = node ? node->first_child : NULL; n; n = n->next_sibling)
        if (strcmp(n->name, name) == 0)
            return n;
    return NULL;
}

struct vp_xml_node *vp_xml_next_named(const struct vp_xml_node *node)
{
    for (struct vp_xml_node *n = node->next_sibling; n; n = n->next_sibling)
        if (strcmp(n->name, node->name) == 0)
            return n;
    return NULL;
}

void vp_xml_put_escaped(struct vp_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': vp_buf_puts(b, "&amp;"); break;
        case '<': vp_buf_puts(b, "&lt;"); break;
        case '>': vp_buf_puts(b, "&gt;"); break;
        case '"': vp_buf_puts(b, "&quot;"); break;
        case '\'': vp_buf_puts(b, "&apos;"); break;
        default: vp_buf_putc(b, *p); break;
        }
    }
}

/* Escapes as libxml2's serializer does: & < > and CR in text; in an attribute also " and the whitespace that
 * attribute normalisation would otherwise turn into spaces. */
static void put_serialized(struct vp_buf *b, const char *s, bool attr)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': vp_buf_puts(b, "&amp;"); break;
        case '<': vp_buf_puts(b, "&lt;"); break;
        case '>': vp_buf_puts(b, "&gt;"); break;
        case '\r': vp_buf_puts(b, "&#13;"); break;
        case '"': vp_buf_puts(b, attr ? "&quot;" : "\""); break;
        case '\n': vp_buf_puts(b, attr ? "&#10;" : "\n"); break;
        case '\t': vp_buf_puts(b, attr ? "&#9;" : "\t"); break;
        default: vp_buf_putc(b, *p); break;
        }
    }
}

static bool blank(const char *s)
{
    return strspn(s, " \t\r\n") == strlen(s);
}

static void format_node(const struct vp_xml_node *n, int level, struct vp_buf *out)
{
    const char *text = n->text ? n->text : "";

    vp_buf_printf(out, "%*s<%s", 2 * level, "", n->name);
    if (n->xmlns) {
        vp_buf_puts(out, " xmlns=\"");
        put_serialized(out, n->xmlns, true);
        vp_buf_putc(out, '"');
    }
    if (!n->first_child && !*text) {
        vp_buf_puts(out, "/>\n");
        return;
    }
    vp_buf_putc(out, '>');
    if (!n->first_child) {
        put_serialized(out, text, false);
    } else {
        if (!blank(text))
            put_serialized(out, text, false);
        vp_buf_putc(out, '\n');
        for (const struct vp_xml_node *c = n->first_child; c; c = c->next_sibling)
            format_node(c, level + 1, out);
        vp_buf_printf(out, "%*s", 2 * level, "");
    }
    vp_buf_printf(out, "</%s>\n", n->name);
}

void vp_xml_format(const struct vp_xml_doc *doc, struct vp_buf *out)
{
    vp_buf_puts(out, doc->declares_encoding ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                            : "<?xml version=\"1.0\"?>\n");
    if (doc->root)
        format_node(doc->root, 0, out);
}

/* xml.c: the little XML reading the Query and REST-XML protocols need, on libxml2. Network access and
 * entity expansion stay off: answers are data, never instructions to fetch anything. */
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto.h"
#include "base/xalloc.h"

int vp_xml_parse(const char *data, size_t len, xmlDoc **out, struct vp_err *err)
{
    xmlDoc *doc;

    *out = NULL;
    if (len > (size_t)INT32_MAX)
        return vp_fail(err, VP_E_AWS_RESPONSE, "XML answer too large");
    doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        return vp_fail(err, VP_E_AWS_RESPONSE, "malformed XML answer (%zu bytes)", len);
    }
    *out = doc;
    return 0;
}

static xmlNode *find_under(xmlNode *node, const char *name)
{
    for (xmlNode *n = node; n; n = n->next) {
        xmlNode *found;
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, name) == 0)
            return n;
        if ((found = find_under(n->children, name)))
            return found;
    }
    return NULL;
}

xmlNode *vp_xml_find(xmlDoc *doc, xmlNode *node, const char *name)
{
    if (!node) {
        xmlNode *root = xmlDocGetRootElement(doc);
        if (!root)
            return NULL;
        if (strcmp((const char *)root->name, name) == 0)
            return root;
        return find_under(root->children, name);
    }
    return find_under(node->children, name);
}

char *vp_xml_find_text(xmlDoc *doc, xmlNode *node, const char *name)
{
    xmlNode *n = vp_xml_find(doc, node, name);
    xmlChar *content;
    char *text;

    if (!n)
        return NULL;
    content = xmlNodeGetContent(n);
    text = vp_xstrdup(content ? (const char *)content : "");
    xmlFree(content);
    return text;
}

xmlNode *vp_xml_next_named(xmlNode *node)
{
    for (xmlNode *n = node->next; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, (const char *)node->name) == 0)
            return n;
    return NULL;
}

/* test_xml.c: the XML tree the Query and REST-XML answers are read through (src/aws/xml.c, on expat):
 * namespaces, nested search, text, the refusals (DOCTYPE, entities, depth) and the error for malformed XML. */
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "base/xalloc.h"
#include "t.h"

static struct vp_xml_doc *parse(const char *text)
{
    struct vp_xml_doc *doc = NULL;
    struct vp_err err = { 0 };

    if (vp_xml_parse(text, strlen(text), &doc, &err) < 0)
        t_expect(__FILE__, __LINE__, err.msg, false);
    return doc;
}

static void namespaces_are_stripped_to_local_names(void)
{
    struct vp_xml_doc *doc = parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                   "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                                   "<GetCallerIdentityResult><s:Account xmlns:s=\"urn:x\">123456789012</s:Account>"
                                   "</GetCallerIdentityResult></GetCallerIdentityResponse>");
    char *account;

    EXPECT(doc != NULL);
    if (!doc)
        return;
    EXPECT_STREQ("GetCallerIdentityResponse", doc->root->name);
    EXPECT_STREQ("https://sts.amazonaws.com/doc/2011-06-15/", doc->root->xmlns);
    EXPECT(doc->declares_encoding);
    account = vp_xml_find_text(doc, NULL, "Account");
    EXPECT_STREQ("123456789012", account);
    free(account);
    EXPECT(vp_xml_find_text(doc, NULL, "s:Account") == NULL);
    EXPECT(vp_xml_find(doc, NULL, "GetCallerIdentityResponse") == doc->root);
    vp_xml_free(doc);
}

static void find_searches_in_document_order_at_any_depth(void)
{
    struct vp_xml_doc *doc = parse("<R><A><Key>first</Key><B><Key>deep</Key></B></A><Key>top</Key>"
                                   "<Rule><ID>1</ID></Rule><Other/><Rule><ID>2</ID></Rule></R>");
    struct vp_xml_node *a, *rule;
    char *text;

    if (!doc)
        return;
    text = vp_xml_find_text(doc, NULL, "Key");
    EXPECT_STREQ("first", text);
    free(text);
    a = vp_xml_find(doc, NULL, "A");
    EXPECT(a && a->parent == doc->root);
    text = vp_xml_find_text(doc, vp_xml_find(doc, a, "B"), "Key");
    EXPECT_STREQ("deep", text);
    free(text);
    /* under a node: its descendants only, never the node itself */
    EXPECT(vp_xml_find(doc, vp_xml_find(doc, NULL, "Other"), "Other") == NULL);
    EXPECT(vp_xml_find_text(doc, NULL, "Missing") == NULL);
    /* direct children only */
    EXPECT_STREQ("top", vp_xml_child(doc->root, "Key")->text);
    EXPECT(vp_xml_child(a, "ID") == NULL);
    EXPECT(vp_xml_child(NULL, "ID") == NULL);
    /* lists: the next sibling of the same name, skipping others */
    rule = vp_xml_find(doc, NULL, "Rule");
    EXPECT_STREQ("1", vp_xml_child(rule, "ID")->text);
    rule = vp_xml_next_named(rule);
    EXPECT(rule != NULL);
    if (rule) {
        EXPECT_STREQ("2", vp_xml_child(rule, "ID")->text);
        EXPECT(vp_xml_next_named(rule) == NULL);
    }
    vp_xml_free(doc);
}

static void text_is_concatenated_and_unescaped(void)
{
    struct vp_xml_doc *doc = parse("<E><M>a &amp; b &lt;c&gt; &#233;<![CDATA[ <raw> ]]>&quot;&apos;</M>"
                                   "<Empty></Empty><Self/></E>");
    char *m;

    if (!doc)
        return;
    m = vp_xml_find_text(doc, NULL, "M");
    EXPECT_STREQ("a & b <c> \xc3\xa9 <raw> \"'", m);
    free(m);
    m = vp_xml_find_text(doc, NULL, "Empty");
    EXPECT_STREQ("", m);
    free(m);
    EXPECT_STREQ("", vp_xml_find(doc, NULL, "Self")->text);
    vp_xml_free(doc);
    /* a declared encoding is honoured; the tree is UTF-8 */
    doc = parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><M>caf\xe9</M>");
    if (doc)
        EXPECT_STREQ("caf\xc3\xa9", doc->root->text);
    vp_xml_free(doc);
}

static void doctype_and_entities_are_refused(void)
{
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                         "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
    const char *external = "<!DOCTYPE r SYSTEM \"http://169.254.169.254/latest/meta-data/\"><r/>";
    struct vp_xml_doc *doc = (struct vp_xml_doc *)1;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(-1, vp_xml_parse(laughs, strlen(laughs), &doc, &err));
    EXPECT(doc == NULL);
    EXPECT_INTEQ(VP_E_AWS_RESPONSE, err.code);
    EXPECT(strstr(err.msg, "DOCTYPE") != NULL);
    EXPECT_INTEQ(-1, vp_xml_parse(external, strlen(external), &doc, &err));
    EXPECT(strstr(err.msg, "DOCTYPE") != NULL);
    /* an entity nobody declared is expat's error */
    EXPECT_INTEQ(-1, vp_xml_parse("<r>&x;</r>", 10, &doc, &err));
    EXPECT(strstr(err.msg, "malformed XML answer") != NULL);
    EXPECT(strstr(err.msg, "undefined entity") != NULL);
}

static void depth_is_bounded(void)
{
    struct vp_buf ok = VP_BUF_INIT(0), deep = VP_BUF_INIT(0);
    struct vp_xml_doc *doc = NULL;
    struct vp_err err = { 0 };

    for (int i = 0; i < VP_XML_MAX_DEPTH; i++)
        vp_buf_puts(&ok, "<a>");
    vp_buf_puts(&ok, "x");
    for (int i = 0; i < VP_XML_MAX_DEPTH; i++)
        vp_buf_puts(&ok, "</a>");
    EXPECT_INTEQ(0, vp_xml_parse(ok.data, ok.len, &doc, &err));
    EXPECT(doc != NULL);
    vp_xml_free(doc);
    for (int i = 0; i < 10000; i++)
        vp_buf_puts(&deep, "<a>");
    EXPECT_INTEQ(-1, vp_xml_parse(deep.data, deep.len, &doc, &err));
    EXPECT(doc == NULL);
    EXPECT(strstr(err.msg, "nested deeper than 64") != NULL);
    EXPECT(strstr(err.msg, "line 1:") != NULL);
    vp_buf_release(&ok);
    vp_buf_release(&deep);
}

static void malformed_xml_names_line_and_column(void)
{
    const char *bad = "<a>\n  <b>text</c>\n</a>";
    struct vp_xml_doc *doc = NULL;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(-1, vp_xml_parse(bad, strlen(bad), &doc, &err));
    EXPECT(doc == NULL);
    EXPECT_INTEQ(VP_E_AWS_RESPONSE, err.code);
    EXPECT(strstr(err.msg, "malformed XML answer (22 bytes) at line 2:") != NULL);
    EXPECT(strstr(err.msg, "mismatched tag") != NULL);
    EXPECT_INTEQ(-1, vp_xml_parse("", 0, &doc, &err));
    EXPECT(strstr(err.msg, "malformed XML answer (0 bytes) at line 1:1") != NULL);
    EXPECT_INTEQ(-1, vp_xml_parse("<html>502 Bad Gateway", 21, &doc, &err));
    EXPECT_INTEQ(-1, vp_xml_parse("<a/><b/>", 8, &doc, &err));
    EXPECT(strstr(err.msg, "junk after document element") != NULL);
    EXPECT_INTEQ(0, vp_xml_parse("<a/>", 4, &doc, NULL));    /* err may be NULL */
    EXPECT(doc != NULL);
    vp_xml_free(doc);
    vp_xml_free(NULL);
}

static void format_indents_as_libxml2_did(void)
{
    struct vp_xml_doc *doc = parse("<R xmlns=\"urn:a&amp;b\"><Result><Doc>%7B&amp;&lt;x&gt;</Doc><Last/></Result>"
                                   "<Meta>\n  <Id>1</Id>\n</Meta></R>");
    struct vp_buf out = VP_BUF_INIT(0);

    if (!doc)
        return;
    vp_xml_format(doc, &out);
    EXPECT_STREQ("<?xml version=\"1.0\"?>\n"
                 "<R xmlns=\"urn:a&amp;b\">\n"
                 "  <Result>\n"
                 "    <Doc>%7B&amp;&lt;x&gt;</Doc>\n"
                 "    <Last/>\n"
                 "  </Result>\n"
                 "  <Meta>\n"
                 "    <Id>1</Id>\n"
                 "  </Meta>\n"
                 "</R>\n",
                 out.data);
    vp_buf_release(&out);
    vp_xml_free(doc);
}

static void request_text_is_escaped(void)
{
    struct vp_buf b = VP_BUF_INIT(0);

    vp_xml_put_escaped(&b, "a&b<c>\"d'e");
    EXPECT_STREQ("a&amp;b&lt;c&gt;&quot;d&apos;e", b.data);
    vp_buf_release(&b);
}

int main(void)
{
    T_RUN(namespaces_are_stripped_to_local_names);
    T_RUN(find_searches_in_document_order_at_any_depth);
    T_RUN(text_is_concatenated_and_unescaped);
    T_RUN(doctype_and_entities_are_refused);
    T_RUN(depth_is_bounded);
    T_RUN(malformed_xml_names_line_and_column);
    T_RUN(format_indents_as_libxml2_did);
    T_RUN(request_text_is_escaped);
    return t_done();
}

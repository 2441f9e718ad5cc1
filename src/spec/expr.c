/* expr.c: the "${...}" references inside a scalar: ${var.NAME}, ${stack}, ${region}, ${NAME.ATTR}, and
 * "$${" for a literal "${". Parsing only; eval.c gives them values and refs.c checks they point somewhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "spec/spec_internal.h"

static void add_part(struct vp_expr *e, struct vp_expr_part p)
{
    e->parts = vp_xrealloc(e->parts, (e->n + 1) * sizeof(*e->parts));
    e->parts[e->n++] = p;
    if (p.is_ref)
        e->n_refs++;
}

static bool is_ident(const char *s, size_t n)
{
    if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return false;
    return true;
}

static int fail_at(const struct vp_node *node, size_t offset, struct vp_err *err, const char *fmt, const char *arg)
{
    struct vp_expr_part where = { .offset = offset };

    vp_fail(err, VP_E_SPEC, fmt, arg);
    err->pos = vp_expr_pos(node, &where);
    return -1;
}

/* The inside of one "${...}" (spaces around it allowed) as a reference part. */
static int parse_ref(const struct vp_node *node, const char *s, size_t n, size_t offset, struct vp_expr_part *p,
                     struct vp_err *err)
{
    const char *dot;
    char shown[120];

    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    snprintf(shown, sizeof(shown), "%.*s", (int)(n > 100 ? 100 : n), s);
    memset(p, 0, sizeof(*p));
    p->is_ref = true;
    p->offset = offset;
    if (n == 0)
        return fail_at(node, offset, err, "%s", "empty reference '${}'");
    if (n == 5 && memcmp(s, "stack", 5) == 0) {
        p->kind = VP_REF_STACK;
        return 0;
    }
    if (n == 6 && memcmp(s, "region", 6) == 0) {
        p->kind = VP_REF_REGION;
        return 0;
    }
    dot = memchr(s, '.', n);
    if (!dot || !is_ident(s, (size_t)(dot - s)) || !is_ident(dot + 1, n - (size_t)(dot - s) - 1))
        return fail_at(node, offset, err,
                       "'${%s}' is not a reference; write ${var.NAME}, ${stack}, ${region} or ${RESOURCE.ATTRIBUTE} "
                       "(and $${ for a literal ${)", shown);
    if (dot - s == 3 && memcmp(s, "var", 3) == 0) {
        p->kind = VP_REF_VAR;
        p->text = vp_xstrndup(dot + 1, n - 4);
    } else {
        p->kind = VP_REF_RESOURCE;
        p->text = vp_xstrndup(s, (size_t)(dot - s));
        p->attr = vp_xstrndup(dot + 1, n - (size_t)(dot - s) - 1);
    }
    return 0;
}

int vp_expr_parse(const struct vp_node *node, struct vp_expr *e, struct vp_err *err)
{
    const char *s = node->scalar ? node->scalar : "";
    struct vp_buf text = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    size_t text_start = 0, i = 0;

    memset(e, 0, sizeof(*e));
    while (s[i]) {
        const char *close;
        struct vp_expr_part ref;

        if (s[i] == '$' && s[i + 1] == '$' && s[i + 2] == '{') {
            vp_buf_puts(&text, "${");
            i += 3;
            continue;
        }
        if (!(s[i] == '$' && s[i + 1] == '{')) {
            vp_buf_putc(&text, s[i++]);
            continue;
        }
        if (!(close = strchr(s + i + 2, '}'))) {
            vp_buf_release(&text);
            vp_expr_release(e);
            return fail_at(node, i, err, "%s", "unterminated '${' (no closing '}')");
        }
        if (parse_ref(node, s + i + 2, (size_t)(close - s - i - 2), i, &ref, err) < 0) {
            vp_buf_release(&text);
            vp_expr_release(e);
            return -1;
        }
        if (text.len)
            add_part(e, (struct vp_expr_part){ .text = vp_buf_detach(&text, NULL), .offset = text_start });
        add_part(e, ref);
        i = (size_t)(close - s) + 1;
        text_start = i;
    }
    if (text.len || e->n == 0)
        add_part(e, (struct vp_expr_part){ .text = vp_buf_detach(&text, NULL), .offset = text_start });
    vp_buf_release(&text);
    return 0;
}

void vp_expr_release(struct vp_expr *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->parts[i].text);
        free(e->parts[i].attr);
    }
    free(e->parts);
    memset(e, 0, sizeof(*e));
}

const char *vp_expr_ref_text(const struct vp_expr_part *p, char *buf, size_t size)
{
    switch (p->kind) {
    case VP_REF_VAR: snprintf(buf, size, "${var.%s}", p->text); break;
    case VP_REF_STACK: snprintf(buf, size, "${stack}"); break;
    case VP_REF_REGION: snprintf(buf, size, "${region}"); break;
    case VP_REF_RESOURCE: snprintf(buf, size, "${%s.%s}", p->text, p->attr); break;
    }
    return buf;
}

struct vp_pos vp_expr_pos(const struct vp_node *node, const struct vp_expr_part *p)
{
    struct vp_pos pos = node->pos;
    const char *s = node->scalar ? node->scalar : "";

    if (!node->plain || memchr(s, '\n', p->offset))
        return pos;
    for (size_t i = 0; i < p->offset; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)      /* libyaml counts characters, not bytes */
            pos.col++;
    return pos;
}

char *vp_expr_text(const struct vp_expr *e)
{
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    for (size_t i = 0; i < e->n; i++)
        if (!e->parts[i].is_ref)
            vp_buf_puts(&b, e->parts[i].text);
    return vp_buf_detach(&b, NULL);
}

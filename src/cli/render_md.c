/* render_md.c: plans and drift as GitHub-flavoured Markdown (a pull-request comment, a step summary).
 *
 * DESIGN: nothing that comes from a value, a path, an id or an error message is written as Markdown text.
 * It goes into a code span (put_code: `|` escaped as GFM tables require, a delimiter longer than any run of
 * backticks inside), into <summary> HTML-escaped (put_html), or into a ```diff block whose fence is longer
 * than any run of backticks in it. Control characters, newlines included, become spaces first (values are
 * compact JSON, so theirs are already "\n"), so a value can end neither a table row nor a fenced block, and
 * no HTML, link or @mention is ever interpreted in one. Values are the terminal's (render.c): masked there
 * as (sensitive), then shortened here around their first difference. */
#include "cli/render_md.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "cli/render.h"

#define CELL_VALUE_MAX 40       /* bytes of a value in a table cell */
#define DIFF_VALUE_MAX 160      /* bytes of a value in a diff line */
#define ERROR_MAX 300           /* bytes of an error message in a table cell */
#define CELL_PATHS_MAX 3        /* paths a table cell shows with their values; then "and N more" */
#define DETAILS_BUDGET 60000    /* no <details> past this size: a GitHub comment holds 65536 characters */
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

static bool is_continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* A copy of s with every control character (newline, tab, escape...) turned into a space. */
static char *clean(const char *s)
{
    char *c = vp_xstrdup(s ? s : "");

    for (char *p = c; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return c;
}

/* Where a and b first differ, in bytes, at the start of a UTF-8 sequence. */
static size_t first_difference(const char *a, const char *b)
{
    size_t i = 0;

    while (a[i] && a[i] == b[i])
        i++;
    while (i > 0 && is_continuation(a[i]))
        i--;
    return i;
}

/* text cut to about max bytes, keeping what is around byte `at` (where it differs from the value it is
 * compared with) in view; an ellipsis marks each cut; a UTF-8 sequence is never split. Caller frees. */
static char *shorten(const char *text, size_t at, size_t max)
{
    size_t len = strlen(text), start = 0, end;
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    if (len <= max)
        return vp_xstrdup(text);
    if (at > max / 3)
        start = at - max / 3;
    if (start > len - max)
        start = len - max;
    while (start > 0 && is_continuation(text[start]))
        start--;
    end = start + max;
    while (end < len && end > start && is_continuation(text[end]))
        end--;
    if (start)
        vp_buf_puts(&b, ELLIPSIS);
    vp_buf_put(&b, text + start, end - start);
    if (end < len)
        vp_buf_puts(&b, ELLIPSIS);
    return vp_buf_detach(&b, NULL);
}

static size_t longest_backtick_run(const char *s)
{
    size_t run = 0, longest = 0;

    for (; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest;
}

static void put_repeat(struct vp_buf *b, char c, size_t n)
{
    while (n--)
        vp_buf_putc(b, c);
}

/* s as a code span that is safe inside a table cell. */
static void put_code(struct vp_buf *b, const char *s)
{
    char *c = clean(s);
    size_t n = strlen(c), delim = longest_backtick_run(c) + 1;
    /* CommonMark drops one space at each end of a code span that has one at both: pad, so none of the
     * value's is lost and a backtick at an end stays apart from the delimiter. */
    bool pad = n && (c[0] == '`' || c[0] == ' ' || c[n - 1] == '`' || c[n - 1] == ' ');

    put_repeat(b, '`', delim);
    if (pad || !n)
        vp_buf_putc(b, ' ');
    for (const char *p = c; *p; p++) {
        if (*p == '|')
            vp_buf_putc(b, '\\');   /* GFM splits cells on an unescaped |, even inside a code span */
        vp_buf_putc(b, *p);
    }
    if (pad)
        vp_buf_putc(b, ' ');
    put_repeat(b, '`', delim);
    free(c);
}

/* s as text inside an HTML element. */
static void put_html(struct vp_buf *b, const char *s)
{
    char *c = clean(s);

    for (const char *p = c; *p; p++) {
        switch (*p) {
        case '&': vp_buf_puts(b, "&amp;"); break;
        case '<': vp_buf_puts(b, "&lt;"); break;
        case '>': vp_buf_puts(b, "&gt;"); break;
        case '"': vp_buf_puts(b, "&quot;"); break;
        case '\'': vp_buf_puts(b, "&#39;"); break;
        default: vp_buf_putc(b, *p);
        }
    }
    free(c);
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static void put_title(struct vp_buf *b, const char *command, const char *stack)
{
    vp_buf_printf(b, "### vidpipe %s", command);
    if (stack) {
        vp_buf_puts(b, " for ");
        put_code(b, stack);
    }
    vp_buf_puts(b, ": ");
}

/* "`path`: `before` → `after`", both values shortened around their first difference. */
static void put_cell_change(struct vp_buf *b, const char *path, const char *before, const char *after)
{
    size_t at = first_difference(before, after);
    char *x = shorten(before, at, CELL_VALUE_MAX), *y = shorten(after, at, CELL_VALUE_MAX);

    put_code(b, path);
    vp_buf_puts(b, ": ");
    put_code(b, x);
    vp_buf_puts(b, " \xe2\x86\x92 ");           /* U+2192 */
    put_code(b, y);
    free(x);
    free(y);
}

/* One line of a diff block: "- path = value  # note", the path padded to width. */
static void put_diff_line(struct vp_buf *b, char sign, const char *path, int width, const char *value,
                          const char *note)
{
    char *p = clean(path), *v = clean(value);

    vp_buf_printf(b, "%c %-*s = %s%s%s\n", sign, width, p, v, note ? "  # " : "", note ? note : "");
    free(p);
    free(v);
}

/* One changed path in a diff block: its "-" and "+" lines. */
static void put_diff_change(struct vp_buf *b, const char *path, int width, const char *before, const char *after,
                            const char *before_note, const char *after_note)
{
    size_t at = first_difference(before, after);
    char *x = shorten(before, at, DIFF_VALUE_MAX), *y = shorten(after, at, DIFF_VALUE_MAX);

    put_diff_line(b, '-', path, width, x, before_note);
    put_diff_line(b, '+', path, width, y, after_note);
    free(x);
    free(y);
}

/* <details> with a summary (HTML: address in <code>, then what) around body as a ```diff block. */
static void put_details(struct vp_buf *b, const char *address, const char *what, size_t n_attrs, const char *body)
{
    size_t fence = longest_backtick_run(body) + 1;

    if (fence < 3)
        fence = 3;
    vp_buf_puts(b, "<details><summary><code>");
    put_html(b, address);
    vp_buf_puts(b, "</code> ");
    put_html(b, what);
    vp_buf_printf(b, " (%zu attribute%s)</summary>\n\n", n_attrs, plural(n_attrs));
    put_repeat(b, '`', fence);
    vp_buf_puts(b, "diff\n");
    vp_buf_puts(b, body);
    put_repeat(b, '`', fence);
    vp_buf_puts(b, "\n\n</details>\n\n");
}

static bool in_list(const json_t *list, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(list, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    return false;
}

static int path_width(const json_t *paths)
{
    size_t i, w = 0;
    json_t *p;

    json_array_foreach(paths, i, p)
        if (json_string_length(p) > w)
            w = json_string_length(p);
    return w > 40 ? 40 : (int)w;
}

/* ---- plan ---- */

/* The attributes a create sets or a destroy removes, as the terminal lists them: a create's without the
 * computed ones, a destroy's all that were read. */
static bool listed(const struct vp_change *ch, const struct vp_attr *a, const json_t *attrs)
{
    return json_object_get(attrs, a->name) && (ch->action == VP_ACT_DELETE || a->on_change != VP_COMPUTED);
}

static void plan_cell(struct vp_buf *b, const struct vp_change *ch)
{
    size_t i, n;
    json_t *path;

    if (ch->action == VP_ACT_CREATE) {
        const struct vp_attr *name = vp_schema_attr(ch->rt->attrs, "name");
        size_t count = 0;
        bool named = false;
        for (const struct vp_attr *a = ch->rt->attrs; a->name; a++)
            if (listed(ch, a, ch->after))
                count++;
        if (name && listed(ch, name, ch->after) && json_is_string(json_object_get(ch->after, "name"))) {
            char *text = vp_render_path_value(ch->rt->attrs, ch->after, NULL, "name");
            char *shown = shorten(text, 0, CELL_VALUE_MAX);
            put_code(b, "name");
            vp_buf_puts(b, " = ");
            put_code(b, shown);
            free(text);
            free(shown);
            named = true;
            count--;
        }
        if (named && count)
            vp_buf_printf(b, " and %zu other attribute%s", count, plural(count));
        else if (!named)
            vp_buf_printf(b, "%zu attribute%s", count, plural(count));
        if (ch->adopting)
            vp_buf_puts(b, " (adopting a create an earlier run did not confirm)");
        return;
    }
    if (ch->action == VP_ACT_DELETE) {
        if (ch->id) {
            vp_buf_puts(b, "id ");
            put_code(b, ch->id);
        } else {
            vp_buf_puts(b, "no longer in the spec");
        }
        return;
    }
    if (!(n = json_array_size(ch->changed)))
        vp_buf_puts(b, "no attribute differs");
    json_array_foreach(ch->changed, i, path) {
        const char *p = json_string_value(path);
        char *before, *after;
        if (i == CELL_PATHS_MAX) {
            vp_buf_printf(b, "; and %zu more", n - i);
            break;
        }
        before = vp_render_path_value(ch->rt->attrs, ch->before, ch->prior, p);
        after = vp_render_path_value(ch->rt->attrs, ch->after, NULL, p);
        if (i)
            vp_buf_puts(b, "; ");
        put_cell_change(b, p, before, after);
        if (in_list(ch->replace_paths, p))
            vp_buf_puts(b, " (forces replacement)");
        else if (in_list(ch->drifted, p))
            vp_buf_puts(b, " (changed outside vidpipe)");
        free(before);
        free(after);
    }
}

static void plan_details(struct vp_buf *b, const struct vp_change *ch)
{
    static const char *const what[] = {
        [VP_ACT_NOOP] = "has no changes", [VP_ACT_CREATE] = "will be created",
        [VP_ACT_UPDATE] = "will be updated in place", [VP_ACT_REPLACE] = "must be replaced",
        [VP_ACT_DELETE] = "will be destroyed",
    };
    struct vp_buf body = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    size_t n = 0, i;
    json_t *path;

    if (ch->action == VP_ACT_CREATE || ch->action == VP_ACT_DELETE) {
        const json_t *attrs = ch->action == VP_ACT_CREATE ? ch->after : ch->before;
        char sign = ch->action == VP_ACT_CREATE ? '+' : '-';
        int width = 0;
        for (const struct vp_attr *a = ch->rt->attrs; a->name; a++)
            if (listed(ch, a, attrs) && (int)strlen(a->name) > width)
                width = (int)strlen(a->name);
        for (const struct vp_attr *a = ch->rt->attrs; a->name; a++) {
            char *text, *shown;
            if (!listed(ch, a, attrs))
                continue;
            text = vp_render_path_value(ch->rt->attrs, attrs, ch->action == VP_ACT_DELETE ? ch->prior : NULL, a->name);
            shown = shorten(text, 0, DIFF_VALUE_MAX);
            put_diff_line(&body, sign, a->name, width, shown, NULL);
            free(text);
            free(shown);
            n++;
        }
        if (!n && ch->id) {
            char *id = vp_xasprintf("\"%s\"", ch->id);
            put_diff_line(&body, '-', "id", 2, id, NULL);
            free(id);
        }
    } else {
        int width = path_width(ch->changed);
        json_array_foreach(ch->changed, i, path) {
            const char *p = json_string_value(path);
            char *before = vp_render_path_value(ch->rt->attrs, ch->before, ch->prior, p);
            char *after = vp_render_path_value(ch->rt->attrs, ch->after, NULL, p);
            put_diff_change(&body, p, width, before, after, in_list(ch->drifted, p) ? "changed outside vidpipe" : NULL,
                            in_list(ch->replace_paths, p) ? "forces replacement" : NULL);
            free(before);
            free(after);
            n++;
        }
    }
    put_details(b, ch->address, what[ch->action], n, body.data);
    vp_buf_release(&body);
}

char *vp_plan_to_markdown(const struct vp_plan *plan, const char *stack)
{
    static const char *const action[] = {
        [VP_ACT_NOOP] = "no-op", [VP_ACT_CREATE] = "`+` create", [VP_ACT_UPDATE] = "`~` update",
        [VP_ACT_REPLACE] = "`-/+` replace", [VP_ACT_DELETE] = "`-` destroy",
    };
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    size_t count[VP_ACT_DELETE + 1] = { 0 }, left = 0;

    for (size_t i = 0; i < plan->n; i++)
        count[plan->changes[i].action]++;
    put_title(&b, plan->destroy ? "plan --destroy" : "plan", stack);
    if (plan->n == count[VP_ACT_NOOP]) {
        vp_buf_printf(&b, "no changes\n\nNo changes. The live resources match the %s.\n\n",
                      plan->destroy ? "(empty) destroy plan" : "spec");
        return vp_buf_detach(&b, NULL);
    }
    /* A replace counts once, as a replace: the terminal's "Plan:" line counts it in add and destroy. */
    vp_buf_printf(&b, "%zu to add, %zu to change, %zu to replace, %zu to destroy\n\n", count[VP_ACT_CREATE],
                  count[VP_ACT_UPDATE], count[VP_ACT_REPLACE], count[VP_ACT_DELETE]);
    vp_buf_puts(&b, "| Resource | Type | Action | What changes |\n|---|---|---|---|\n");
    for (size_t i = 0; i < plan->n; i++) {
        const struct vp_change *ch = &plan->changes[i];
        if (ch->action == VP_ACT_NOOP)
            continue;
        vp_buf_puts(&b, "| ");
        put_code(&b, ch->address);
        vp_buf_puts(&b, " | ");
        put_code(&b, ch->type);
        vp_buf_printf(&b, " | %s | ", action[ch->action]);
        plan_cell(&b, ch);
        vp_buf_puts(&b, " |\n");
    }
    vp_buf_putc(&b, '\n');
    for (size_t i = 0; i < plan->n; i++) {
        if (plan->changes[i].action == VP_ACT_NOOP)
            continue;
        if (b.len > DETAILS_BUDGET) {
            left++;
            continue;
        }
        plan_details(&b, &plan->changes[i]);
    }
    if (left)
        vp_buf_printf(&b, "The diffs of %zu more resource%s are left out to keep this short enough for a comment: "
                      "`vidpipe plan` prints them all.\n\n", left, plural(left));
    return vp_buf_detach(&b, NULL);
}

/* ---- drift ---- */

static void drift_cell(struct vp_buf *b, const struct vp_drift_item *it)
{
    size_t i, n = json_array_size(it->changed);
    json_t *path;

    if (it->error) {
        char *msg = shorten(it->error, 0, ERROR_MAX);
        vp_buf_puts(b, "could not be read: ");
        put_code(b, msg);
        free(msg);
        return;
    }
    if (!it->live) {
        vp_buf_puts(b, "deleted outside vidpipe");
        return;
    }
    json_array_foreach(it->changed, i, path) {
        const char *p = json_string_value(path);
        char *before, *after;
        if (i == CELL_PATHS_MAX) {
            vp_buf_printf(b, "; and %zu more", n - i);
            break;
        }
        before = vp_render_path_value(NULL, it->prior, NULL, p);
        after = vp_render_path_value(NULL, it->live, it->prior, p);
        if (i)
            vp_buf_puts(b, "; ");
        put_cell_change(b, p, before, after);
        free(before);
        free(after);
    }
}

static void drift_details(struct vp_buf *b, const struct vp_drift_item *it)
{
    struct vp_buf body = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    int width = path_width(it->changed);
    size_t i;
    json_t *path;

    json_array_foreach(it->changed, i, path) {
        const char *p = json_string_value(path);
        char *before = vp_render_path_value(NULL, it->prior, NULL, p);
        char *after = vp_render_path_value(NULL, it->live, it->prior, p);
        put_diff_change(&body, p, width, before, after, NULL, NULL);
        free(before);
        free(after);
    }
    put_details(b, it->address, "changed outside vidpipe", json_array_size(it->changed), body.data);
    vp_buf_release(&body);
}

char *vp_drift_to_markdown(const struct vp_drift *d, const char *stack)
{
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    size_t in_sync = d->n - (size_t)d->drifted - (size_t)d->errors, left = 0;

    put_title(&b, "drift", stack);
    vp_buf_printf(&b, "%d drifted, %zu in sync, %d error%s\n\n", d->drifted, in_sync, d->errors,
                  plural((size_t)d->errors));
    if (!d->drifted && !d->errors) {
        vp_buf_printf(&b, "No changes. Nothing changed outside vidpipe since the last apply (%zu resource%s "
                      "checked).\n\n", d->n, plural(d->n));
        return vp_buf_detach(&b, NULL);
    }
    if (d->errors)
        vp_buf_printf(&b, "**%d resource%s could not be read**: %s drift is unknown.\n\n", d->errors,
                      plural((size_t)d->errors), d->errors == 1 ? "its" : "their");
    vp_buf_puts(&b, "| Resource | Type | Status | What changed |\n|---|---|---|---|\n");
    for (size_t i = 0; i < d->n; i++) {
        const struct vp_drift_item *it = &d->items[i];
        if (!it->error && !json_array_size(it->changed))
            continue;
        vp_buf_puts(&b, "| ");
        put_code(&b, it->address);
        vp_buf_puts(&b, " | ");
        put_code(&b, it->type);
        vp_buf_printf(&b, " | %s | ", it->error ? "`!` error" : !it->live ? "`-` deleted" : "`~` drifted");
        drift_cell(&b, it);
        vp_buf_puts(&b, " |\n");
    }
    vp_buf_putc(&b, '\n');
    for (size_t i = 0; i < d->n; i++) {
        const struct vp_drift_item *it = &d->items[i];
        if (it->error || !it->live || !json_array_size(it->changed))
            continue;
        if (b.len > DETAILS_BUDGET) {
            left++;
            continue;
        }
        drift_details(&b, it);
    }
    if (left)
        vp_buf_printf(&b, "The diffs of %zu more resource%s are left out to keep this short enough for a comment: "
                      "`vidpipe drift` prints them all.\n\n", left, plural(left));
    return vp_buf_detach(&b, NULL);
}

void vp_step_summary_append(const char *md)
{
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    FILE *f;
    int failed;

    if (!path || !*path || !md)
        return;
    if (!(f = fopen(path, "a"))) {
        fprintf(stderr, "vidpipe: warning: could not append the summary to GITHUB_STEP_SUMMARY (%s): %s\n", path,
                strerror(errno));
        return;
    }
    failed = fputs(md, f) == EOF;
    failed |= fclose(f) == EOF;
    if (failed)
        fprintf(stderr, "vidpipe: warning: could not append the summary to GITHUB_STEP_SUMMARY (%s): %s\n", path,
                strerror(errno));
}

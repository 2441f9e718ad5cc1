/* suggest.c: "did you mean": the candidate closest to a misspelt word by edit distance (with adjacent
 * transpositions counted as one edit, so 'hash_kye' finds 'hash_key'), when it is close enough to be a typo. */
#include <stdio.h>
#include <string.h>

#include "spec/spec_internal.h"

#define MAX_WORD 64

/* Optimal string alignment distance; words longer than MAX_WORD are never suggested for. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t d[MAX_WORD + 1][MAX_WORD + 1];

    if (n > MAX_WORD || m > MAX_WORD)
        return (size_t)-1;
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1], best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

void vp_suggest_init(struct vp_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->best_distance = (size_t)-1;
}

void vp_suggest_try(struct vp_suggest *s, const char *candidate)
{
    size_t len = strlen(s->word), d = distance(s->word, candidate);
    size_t limit = len / 3 > 1 ? len / 3 : 1;      /* a third of the word: a typo, not another word */

    if (d <= limit && d < len && d < s->best_distance) {
        s->best = candidate;
        s->best_distance = d;
    }
}

const char *vp_suggest_hint(const struct vp_suggest *s, char *buf, size_t size)
{
    if (s->best)
        snprintf(buf, size, "; did you mean '%s'?", s->best);
    else
        snprintf(buf, size, "%s", "");
    return buf;
}

void vp_unknown_key(struct vp_loader *ld, const struct vp_node *key, const char *where, const char *const *candidates,
                    const struct vp_attr *attrs)
{
    struct vp_suggest s;
    char hint[160];

    vp_suggest_init(&s, key->scalar);
    for (size_t i = 0; candidates && candidates[i]; i++)
        vp_suggest_try(&s, candidates[i]);
    for (const struct vp_attr *a = attrs; a && a->name; a++)
        if (a->on_change != VP_COMPUTED)
            vp_suggest_try(&s, a->name);
    vp_diag_add(ld->diags, VP_E_SPEC_UNKNOWN_KEY, key->pos, "unknown key '%s' in %s%s", key->scalar, where,
                vp_suggest_hint(&s, hint, sizeof(hint)));
}

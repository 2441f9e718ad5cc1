/* graph.c: Kahn's algorithm over a small adjacency list; stable, so plans list resources in the order the
 * spec wrote them wherever dependencies allow. */
#include "engine/graph.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void vp_graph_init(struct vp_graph *g, size_t n)
{
    g->n = n;
    g->deps = vp_xcalloc(n ? n : 1, sizeof(*g->deps));
    g->n_deps = vp_xcalloc(n ? n : 1, sizeof(*g->n_deps));
}

void vp_graph_add_edge(struct vp_graph *g, size_t from, size_t depends_on)
{
    for (size_t i = 0; i < g->n_deps[from]; i++)
        if (g->deps[from][i] == depends_on)
            return;
    g->deps[from] = vp_xrealloc(g->deps[from], (g->n_deps[from] + 1) * sizeof(**g->deps));
    g->deps[from][g->n_deps[from]++] = depends_on;
}

int vp_graph_order(const struct vp_graph *g, size_t *order)
{
    size_t *missing = vp_xcalloc(g->n ? g->n : 1, sizeof(*missing));
    unsigned char *done = vp_xcalloc(g->n ? g->n : 1, 1);
    size_t placed = 0;

    for (size_t i = 0; i < g->n; i++)
        missing[i] = g->n_deps[i];
    while (placed < g->n) {
        size_t pick = g->n;
        for (size_t i = 0; i < g->n && pick == g->n; i++)
            if (!done[i] && missing[i] == 0)
                pick = i;
        if (pick == g->n)
            break;                      /* a cycle: nothing is ready */
        done[pick] = 1;
        order[placed++] = pick;
        for (size_t i = 0; i < g->n; i++)
            for (size_t d = 0; d < g->n_deps[i]; d++)
                if (g->deps[i][d] == pick)
                    missing[i]--;
    }
    free(missing);
    free(done);
    return placed == g->n ? 0 : -1;
}

void vp_graph_close(const struct vp_graph *g, unsigned char *keep, int reverse)
{
    int grew = 1;

    while (grew) {
        grew = 0;
        for (size_t i = 0; i < g->n; i++) {
            for (size_t d = 0; d < g->n_deps[i]; d++) {
                size_t from = reverse ? g->deps[i][d] : i, to = reverse ? i : g->deps[i][d];
                if (keep[from] && !keep[to]) {
                    keep[to] = 1;
                    grew = 1;
                }
            }
        }
    }
}

void vp_graph_release(struct vp_graph *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->deps[i]);
    free(g->deps);
    free(g->n_deps);
    memset(g, 0, sizeof(*g));
}

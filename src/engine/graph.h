/* graph.h: dependency order. */
#ifndef VP_ENGINE_GRAPH_H
#define VP_ENGINE_GRAPH_H

#include <stddef.h>

struct vp_graph {
    size_t n;
    size_t **deps;              /* deps[i]: the nodes node i depends on */
    size_t *n_deps;
};

void vp_graph_init(struct vp_graph *g, size_t n);
void vp_graph_add_edge(struct vp_graph *g, size_t from, size_t depends_on);
/* Fills order[0..n) so every node comes after what it depends on; among ready nodes the lowest index goes
 * first (document order). -1 when there is a cycle. */
int vp_graph_order(const struct vp_graph *g, size_t *order);
/* Marks keep[i] for every node reachable from a node already marked, following dependencies (reverse:
 * following dependents instead). */
void vp_graph_close(const struct vp_graph *g, unsigned char *keep, int reverse);
void vp_graph_release(struct vp_graph *g);

#endif

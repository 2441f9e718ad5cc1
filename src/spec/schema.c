/* schema.c: looking attributes up in the tables providers fill, and the attribute their elements follow. */
#include <string.h>

#include "spec/spec_internal.h"

const struct vp_attr *vp_schema_attr(const struct vp_attr *attrs, const char *name)
{
    for (const struct vp_attr *a = attrs; a && a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

void vp_schema_elem(const struct vp_attr *a, struct vp_attr *elem)
{
    memset(elem, 0, sizeof(*elem));
    elem->name = a->name;
    elem->on_change = a->on_change;
    elem->sensitive = a->sensitive;
    if (a->fields) {                    /* a list or map of objects, whatever elem_kind says */
        elem->kind = VP_K_OBJECT;
        elem->fields = a->fields;
        return;
    }
    elem->kind = a->elem_kind;
    elem->enum_values = a->enum_values;
    if (a->kind == VP_K_LIST)
        elem->check = a->check;         /* a map's check is for its keys */
}

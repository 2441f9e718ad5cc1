/* dynamodb_table.h: the dynamodb_table provider's parts (internal to src/resources/dynamodb_table*.c). */
#ifndef VP_RESOURCES_DYNAMODB_TABLE_H
#define VP_RESOURCES_DYNAMODB_TABLE_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/resource.h"

/* One DynamoDB call; in is borrowed (NULL: {}); *out (when out is not NULL) is a new reference. */
int ddb_call(struct vp_call *c, const char *operation, json_t *in, json_t **out);

/* dynamodb_table_read.c */
/* DescribeTable's "Table", a new reference; *table NULL when there is no such table. */
int ddb_describe(struct vp_call *c, const char *name, json_t **table);
/* The table as the attribute table describes it (see resource.h); *live NULL when there is no such table. */
int ddb_read(struct vp_call *c, const char *name, json_t **live);
/* Waits until the table and every index on it are ACTIVE. */
int ddb_wait_active(struct vp_call *c, const char *name);
/* Waits until the index is gone from the table and the table is ACTIVE. */
int ddb_wait_index_gone(struct vp_call *c, const char *name, const char *index);
/* Waits until the table is gone. */
int ddb_wait_gone(struct vp_call *c, const char *name);

/* dynamodb_table_gsi.c */
/* The KeySchema for a hash key and an optional range key. */
json_t *ddb_key_schema(const char *hash_key, const char *range_key);
/* One index of DescribeTable's GlobalSecondaryIndexes in the attribute table's shape. */
json_t *ddb_gsi_from_aws(const json_t *index, bool provisioned);
/* One index of want as CreateTable's GlobalSecondaryIndexes (and UpdateTable's Create) take it. */
json_t *ddb_gsi_to_aws(const json_t *gsi, bool provisioned);
/* Removes the indexes have holds and want does not (or wants defined otherwise), one UpdateTable each. */
int ddb_remove_gsis(struct vp_call *c, const char *name, const json_t *have, const json_t *want);
/* Adds the indexes want holds and have does not (or held defined otherwise), one UpdateTable each; and
 * changes the throughput of indexes kept whose capacity differs. */
int ddb_add_gsis(struct vp_call *c, const char *name, const json_t *have, const json_t *want);
/* The index of that name in a list of indexes in the attribute table's shape, or NULL. */
const json_t *ddb_gsi_find(const json_t *list, const char *index);
/* Whether two indexes differ in anything but their throughput (which is the only in-place change). */
bool ddb_gsi_redefined(const json_t *a, const json_t *b);

/* dynamodb_table_update.c: makes the live table (have) match want, in the order DynamoDB allows. */
int ddb_converge(struct vp_call *c, const char *name, const json_t *have, const json_t *want);

#endif

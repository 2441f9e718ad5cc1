/* paginators.c: the pagination table, taken from the services' API models (botocore's paginators-1.json
 * names the same fields). REST services carry the token in the query string. */
#include "aws/paginators.h"

#include <string.h>

static const struct vp_paginator table[] = {
    { &vp_svc_dynamodb, "ListTables", "ExclusiveStartTableName", "LastEvaluatedTableName", "TableNames" },
    { &vp_svc_dynamodb, "Query", "ExclusiveStartKey", "LastEvaluatedKey", "Items" },
    { &vp_svc_dynamodb, "Scan", "ExclusiveStartKey", "LastEvaluatedKey", "Items" },
    { &vp_svc_eventbridge, "ListRules", "NextToken", "NextToken", "Rules" },
    { &vp_svc_eventbridge, "ListTargetsByRule", "NextToken", "NextToken", "Targets" },
    { &vp_svc_lambda, "ListFunctions", "Marker", "NextMarker", "Functions" },
    { &vp_svc_apigatewayv2, "GetApis", "nextToken", "nextToken", "items" },
    { &vp_svc_apigatewayv2, "GetRoutes", "nextToken", "nextToken", "items" },
    { &vp_svc_apigatewayv2, "GetIntegrations", "nextToken", "nextToken", "items" },
    { &vp_svc_mediapackage, "ListChannels", "nextToken", "nextToken", "channels" },
    { &vp_svc_mediapackage, "ListOriginEndpoints", "nextToken", "nextToken", "originEndpoints" },
    { &vp_svc_mediaconvert, "ListJobTemplates", "nextToken", "nextToken", "jobTemplates" },
    { &vp_svc_mediaconvert, "ListJobs", "nextToken", "nextToken", "jobs" },
    { &vp_svc_s3, "ListObjectsV2", "continuation-token", "NextContinuationToken", "Contents" },
    { &vp_svc_iam, "ListRoles", "Marker", "Marker", "Roles" },
};

const struct vp_paginator *vp_paginator_find(const struct vp_service *svc, const char *operation)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (table[i].svc == svc && strcmp(table[i].operation, operation) == 0)
            return &table[i];
    return NULL;
}

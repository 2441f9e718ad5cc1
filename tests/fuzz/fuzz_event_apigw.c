/* fuzz_event_apigw.c: an event body -> the runtime's event check, then what presign (POST /upload) and
 * videos (GET /videos) read from an API Gateway HTTP API payload 2.0 before any call: the caller from the
 * JWT authorizer's sub and its user id, the JSON body (base64 or not, bounded) and the file name made from
 * it, the 'limit' and 'next' query parameters, and the page token under a fixed key. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "handlers/apigw.h"
#include "handlers/presign.h"
#include "handlers/runtime_internal.h"
#include "handlers/videos.h"

#define BODY_MAX (64u * 1024)           /* presign's bound */
#define FUZZ_TOKEN_KEY "fuzz page token key, 32 bytes or more"

static void read_body(const json_t *event)
{
    json_t *error_response = NULL;
    json_t *body = vp_apigw_json_body(event, BODY_MAX, &error_response);
    const char *filename = json_string_value(json_object_get(body, "filename"));

    if (filename) {
        char *safe = vp_presign_filename(filename);
        if (!safe || strchr(safe, '/') || strstr(safe, ".."))
            abort();                    /* presign.h promises neither */
        free(safe);
    }
    json_decref(body);
    json_decref(error_response);
}

static void read_page(const json_t *event, const char *user_id)
{
    static const struct vp_page_key key = { (const unsigned char *)FUZZ_TOKEN_KEY, sizeof(FUZZ_TOKEN_KEY) - 1 };
    const char *limit = NULL, *next = NULL;

    (void)vp_apigw_query(event, "limit", &limit);
    if (vp_apigw_query(event, "next", &next) == 0 && next)
        json_decref(vp_page_token_decode(&key, user_id, next));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *event = NULL;
    struct vp_err err = { 0 };

    if (vp_runtime_parse_event((const char *)data, size, false, &event, &err) == 0) {
        const char *sub = vp_apigw_caller(event);
        char *user_id = sub ? vp_apigw_user_id(sub) : NULL;
        if (user_id && (strchr(user_id, '/') || strchr(user_id, '.')))
            abort();                    /* apigw.h promises one key segment */
        read_body(event);
        read_page(event, user_id ? user_id : "");
        free(user_id);
    }
    json_decref(event);
    return 0;
}

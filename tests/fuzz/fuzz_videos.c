/* fuzz_videos.c: the videos handler's own formats. An input that is a JSON object is a DynamoDB item: it is
 * shown as the API shows it (vp_videos_item), and, taken as a LastEvaluatedKey, minted into a page token that
 * must decode back to the same key for its user and to nothing for another. Any other input is a page token
 * a client sent: decoded (base64url, MAC, JSON, user) under a fixed key. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "handlers/videos.h"

#define FUZZ_TOKEN_KEY "fuzz page token key, 32 bytes or more"
#define FUZZ_USER "user-1"             /* the caller a client's token is checked against */

static const struct vp_page_key key = { (const unsigned char *)FUZZ_TOKEN_KEY, sizeof(FUZZ_TOKEN_KEY) - 1 };

/* The item's own user_id is the caller, as in the handler's Query on the caller's partition. */
static void round_trip(const json_t *item)
{
    const char *user = json_string_value(json_object_get(json_object_get(item, "user_id"), "S"));
    char *token, *other_user;
    json_t *back, *other;

    if (!user || !(token = vp_page_token_encode(&key, user, item)))
        return;
    other_user = malloc(strlen(user) + 2);
    if (!other_user)
        abort();
    strcpy(other_user, user);
    strcat(other_user, "x");
    back = vp_page_token_decode(&key, user, token);
    other = vp_page_token_decode(&key, other_user, token);
    if (!back || other)
        abort();                        /* a minted token is taken back for its user only */
    json_decref(back);
    free(other_user);
    free(token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *item = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);

    if (json_is_object(item)) {
        json_decref(vp_videos_item(item));
        round_trip(item);
    } else {
        char *token = malloc(size + 1);
        if (!token)
            abort();
        memcpy(token, data, size);
        token[size] = '\0';
        json_decref(vp_page_token_decode(&key, FUZZ_USER, token));
        free(token);
    }
    json_decref(item);
    return 0;
}

/* videos.h: the parts of the videos handler (GET /videos) that tests reach directly: page tokens and the
 * answer's shape for one table item. The handler itself is vp_handler_videos (handler.h). */
#ifndef VP_HANDLERS_VIDEOS_H
#define VP_HANDLERS_VIDEOS_H

#include <jansson.h>
#include <stddef.h>

/* A page token is opaque to clients: base64url (no padding) of the JSON {"u": user id, "k": {"video_id":
 * ...}} followed by its HMAC-SHA256 under the page-token key. Only the server can mint one, and one minted
 * for a user is refused for every other user. */
/* Characters; a real token is about 150. The bound fits the longest a token can be: base64url of
 * {"u":"<768-byte user id>","v":"<64-byte video id>"} and its 32-byte MAC is 1172 characters (at 1024, the
 * next page of a user with a long sub was minted and then refused: found by tests/fuzz/fuzz_videos.c). */
#define VP_PAGE_TOKEN_MAX 1536
#define VP_PAGE_TOKEN_KEY_MIN 32                /* bytes of VIDPIPE_PAGE_TOKEN_KEY */

struct vp_page_key {
    const unsigned char *bytes;
    size_t len;
};

/* The token for DynamoDB's LastEvaluatedKey (borrowed) of user_id's query; NULL when the key is not a
 * {user_id, video_id} pair of strings for that user. Caller frees. */
char *vp_page_token_encode(const struct vp_page_key *key, const char *user_id, const json_t *last_key);
/* The ExclusiveStartKey (a new reference) the token carries, or NULL when the token is malformed, fails
 * its MAC, or was minted for another user. */
json_t *vp_page_token_decode(const struct vp_page_key *key, const char *user_id, const char *token);

/* One table item (DynamoDB JSON, borrowed) as the API shows it: {video_id, status, created_at, filename?,
 * playback_url and thumbnail_urls when READY, error when FAILED}; NULL when the item has no video_id. */
json_t *vp_videos_item(const json_t *item);

#endif

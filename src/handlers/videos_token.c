/* videos_token.c: page tokens for GET /videos. A token carries where the last page stopped (the video id;
 * the user id is the caller's own) and an HMAC-SHA256 that binds both to the server's key. The payload is
 * not secret (it names the caller and one of the caller's videos); its integrity is what matters: a token
 * cannot be forged, edited, or replayed by another user to page through someone else's list. */
#include "handlers/videos.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/buf.h"
#include "base/xalloc.h"

#define MAC_LEN 32
#define MAC_CONTEXT "vidpipe videos page token v1\n"   /* keeps these MACs apart from any other use of the key */
#define VIDEO_ID_MAX 64

static void compute_mac(const struct vp_page_key *key, const char *payload, size_t len, unsigned char out[MAC_LEN])
{
    struct vp_buf msg = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    unsigned int out_len = 0;

    vp_buf_puts(&msg, MAC_CONTEXT);
    vp_buf_put(&msg, payload, len);
    if (!HMAC(EVP_sha256(), key->bytes, (int)key->len, (const unsigned char *)msg.data, msg.len, out, &out_len) ||
        out_len != MAC_LEN)
        abort();            /* OpenSSL itself is broken: as in sigv4.c, no caller could act on the error */
    vp_buf_release(&msg);
}

static char *base64url_encode(const void *p, size_t n)
{
    char *out = vp_xmalloc(4 * ((n + 2) / 3) + 1);
    int len = EVP_EncodeBlock((unsigned char *)out, p, (int)n);

    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (char *c = out; *c; c++)
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    return out;
}

/* True when encoding the bytes gives text back: the last character's unused bits must be zero, so every
 * edit of a token changes the bytes it carries. */
static bool canonical(const char *text, const struct vp_buf *bytes)
{
    char *again = base64url_encode(bytes->data, bytes->len);
    bool same = strcmp(again, text) == 0;

    free(again);
    return same;
}

/* The bytes of unpadded base64url text into out; false when it is not that. */
static bool base64url_decode(const char *text, struct vp_buf *out)
{
    size_t n = strlen(text), pad = (4 - n % 4) % 4;
    char *std;
    unsigned char *bytes;
    int len;

    if (n == 0 || n % 4 == 1 ||
        strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != n)
        return false;
    std = vp_xmalloc(n + pad + 1);
    for (size_t i = 0; i < n; i++)
        std[i] = text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
    memset(std + n, '=', pad);
    std[n + pad] = '\0';
    bytes = vp_xmalloc((n + pad) / 4 * 3 + 1);
    len = EVP_DecodeBlock(bytes, (const unsigned char *)std, (int)(n + pad));
    if (len >= (int)pad)
        vp_buf_put(out, bytes, (size_t)len - pad);   /* EVP_DecodeBlock counts the padding as zero bytes */
    free(std);
    free(bytes);
    return len >= (int)pad && canonical(text, out);
}

static const char *string_attr(const json_t *item, const char *name)
{
    const json_t *s = json_object_get(json_object_get(item, name), "S");

    return json_is_string(s) ? json_string_value(s) : NULL;
}

char *vp_page_token_encode(const struct vp_page_key *key, const char *user_id, const json_t *last_key)
{
    const char *owner = string_attr(last_key, "user_id"), *video_id = string_attr(last_key, "video_id");
    struct vp_buf raw = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    unsigned char tag[MAC_LEN];
    json_t *payload;
    char *text, *token;

    /* Exactly what vp_page_token_decode takes back: a token for an empty video id would be refused on the
     * next request (found by tests/fuzz/fuzz_videos.c). */
    if (!owner || !video_id || strcmp(owner, user_id) != 0 || video_id[0] == '\0' ||
        strlen(video_id) > VIDEO_ID_MAX)
        return NULL;
    payload = json_pack("{s:s, s:s}", "u", user_id, "v", video_id);
    text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(payload);
    if (!text)
        return NULL;
    compute_mac(key, text, strlen(text), tag);
    vp_buf_puts(&raw, text);
    vp_buf_put(&raw, tag, sizeof(tag));
    token = base64url_encode(raw.data, raw.len);
    free(text);
    vp_buf_release(&raw);
    return token;
}

/* The payload's video id when the MAC holds and the token is user_id's; else NULL. */
static json_t *verified_payload(const struct vp_page_key *key, const char *user_id, const struct vp_buf *raw)
{
    unsigned char want[MAC_LEN];
    size_t text_len;
    json_t *payload;
    const json_t *u, *v;

    if (raw->len <= MAC_LEN)
        return NULL;
    text_len = raw->len - MAC_LEN;
    compute_mac(key, raw->data, text_len, want);
    if (CRYPTO_memcmp(want, raw->data + text_len, MAC_LEN) != 0)
        return NULL;
    payload = json_loadb(raw->data, text_len, JSON_REJECT_DUPLICATES, NULL);
    u = json_object_get(payload, "u");
    v = json_object_get(payload, "v");
    if (!json_is_string(u) || strcmp(json_string_value(u), user_id) != 0 || !json_is_string(v) ||
        json_string_length(v) == 0 || json_string_length(v) > VIDEO_ID_MAX) {
        json_decref(payload);
        return NULL;
    }
    return payload;
}

json_t *vp_page_token_decode(const struct vp_page_key *key, const char *user_id, const char *token)
{
    struct vp_buf raw = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    json_t *payload = NULL, *start = NULL;

    if (strlen(token) <= VP_PAGE_TOKEN_MAX && base64url_decode(token, &raw))
        payload = verified_payload(key, user_id, &raw);
    if (payload)
        start = json_pack("{s:{s:s}, s:{s:O}}", "user_id", "S", user_id, "video_id", "S",
                          json_object_get(payload, "v"));
    json_decref(payload);
    vp_buf_release(&raw);
    return start;
}

/* s3_event.c: S3 event notification records and the selection of events by a notification configuration
 * entry (see s3_event.h). */
#include "local/s3_event.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_REGION "us-east-1"
#define DEFAULT_CONFIGURATION_ID "vidpipe-local"
#define DEFAULT_PRINCIPAL_ID "AWS:AIDAJDPLRKLG7UEXAMPLE"   /* the user guide's example requester */
#define BUCKET_OWNER_ID "A3NL1KOZZKEXAMPLE"                 /* the user guide's example bucket owner */
#define DEFAULT_SOURCE_IP "127.0.0.1"

/* ---- keys ---- */

/* What application/x-www-form-urlencoded keeps as it is; S3 keeps '/' too. */
static bool kept_in_key(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_' || c == '*' || c == '/';
}

void vp_s3_event_key_encode(struct vp_buf *out, const char *key)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if (kept_in_key(*p)) {
            vp_buf_putc(out, (char)*p);
        } else if (*p == ' ') {
            vp_buf_putc(out, '+');
        } else {
            char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
            vp_buf_put(out, esc, 3);
        }
    }
}

/* ---- ids ---- */

void vp_s3_sequencer_next(char out[VP_S3_SEQUENCER_LEN + 1])
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static unsigned long long last;
    struct timespec ts;
    unsigned long long now, seq;

    clock_gettime(CLOCK_REALTIME, &ts);
    now = ((unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000ull) << 8;
    pthread_mutex_lock(&lock);
    seq = now > last ? now : last + 1;
    last = seq;
    pthread_mutex_unlock(&lock);
    snprintf(out, VP_S3_SEQUENCER_LEN + 1, "%018llX", seq);
}

static void random_bytes(unsigned char *b, size_t n)
{
    if (RAND_bytes(b, (int)n) != 1)
        memset(b, 0, n);            /* never reached in practice; the ids stay well-formed */
}

/* x-amz-request-id: 16 upper-case hex digits; x-amz-id-2: 76 base64 characters. */
static void request_ids(char request_id[17], char id2[77])
{
    unsigned char r[8], r2[57];

    random_bytes(r, sizeof(r));
    for (size_t i = 0; i < sizeof(r); i++)
        snprintf(request_id + 2 * i, 3, "%02X", r[i]);
    random_bytes(r2, sizeof(r2));
    EVP_EncodeBlock((unsigned char *)id2, r2, (int)sizeof(r2));
}

static void event_time(time_t when, char out[32])
{
    struct timespec ts = { .tv_sec = when, .tv_nsec = 0 };
    struct tm tm;
    size_t n;

    if (when == 0)
        clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

static const char *partition(const char *region)
{
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    return "aws";
}

/* ---- the record ---- */

static json_t *object_part(const struct vp_s3_object_event *e)
{
    struct vp_buf key = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    char sequencer[VP_S3_SEQUENCER_LEN + 1];
    json_t *object;

    vp_s3_event_key_encode(&key, e->key ? e->key : "");
    object = json_pack("{s:s}", "key", key.data);
    vp_buf_release(&key);
    if (e->event_name && strncmp(e->event_name, "ObjectCreated:", 14) == 0) {
        json_object_set_new(object, "size", json_integer(e->size));
        json_object_set_new(object, "eTag", json_string(e->etag ? e->etag : ""));
    }
    if (e->version_id)
        json_object_set_new(object, "versionId", json_string(e->version_id));
    if (!e->sequencer)
        vp_s3_sequencer_next(sequencer);
    json_object_set_new(object, "sequencer", json_string(e->sequencer ? e->sequencer : sequencer));
    return object;
}

json_t *vp_s3_event_record(const struct vp_s3_object_event *e, time_t when)
{
    const char *region = e->region ? e->region : DEFAULT_REGION, *bucket = e->bucket ? e->bucket : "";
    char time_text[32], request_id[17], id2[77], arn[128];

    event_time(when, time_text);
    request_ids(request_id, id2);
    snprintf(arn, sizeof(arn), "arn:%s:s3:::%s", partition(region), bucket);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s},"
                     " s:{s:s, s:s, s:{s:s, s:{s:s}, s:s}, s:o}}",
                     "eventVersion", "2.1", "eventSource", "aws:s3", "awsRegion", region, "eventTime", time_text,
                     "eventName", e->event_name ? e->event_name : "",
                     "userIdentity", "principalId", e->principal_id ? e->principal_id : DEFAULT_PRINCIPAL_ID,
                     "requestParameters", "sourceIPAddress", e->source_ip ? e->source_ip : DEFAULT_SOURCE_IP,
                     "responseElements", "x-amz-request-id", request_id, "x-amz-id-2", id2,
                     "s3", "s3SchemaVersion", "1.0",
                     "configurationId", e->configuration_id ? e->configuration_id : DEFAULT_CONFIGURATION_ID,
                     "bucket", "name", bucket, "ownerIdentity", "principalId", BUCKET_OWNER_ID, "arn", arn,
                     "object", object_part(e));
}

/* ---- selection ---- */

/* "s3:ObjectCreated:Put" or "s3:ObjectCreated:*" against the record's "ObjectCreated:Put". */
static bool event_selected(const char *configured, const char *event_name)
{
    size_t n;

    if (strncmp(configured, "s3:", 3) != 0)
        return false;
    configured += 3;
    if (strncmp(event_name, "s3:", 3) == 0)
        event_name += 3;
    if (strcmp(configured, event_name) == 0)
        return true;
    n = strlen(configured);
    return n >= 2 && strcmp(configured + n - 2, ":*") == 0 && strncmp(configured, event_name, n - 1) == 0;
}

bool vp_s3_notification_selects(const char *const *events, size_t n_events, const char *prefix, const char *suffix,
                                const char *event_name, const char *key)
{
    struct vp_buf encoded = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    size_t plen = prefix ? strlen(prefix) : 0, slen = suffix ? strlen(suffix) : 0;
    bool named = false, ok;

    for (size_t i = 0; i < n_events && !named; i++)
        named = events[i] && event_selected(events[i], event_name);
    if (!named)
        return false;
    vp_s3_event_key_encode(&encoded, key);
    ok = encoded.len >= plen && encoded.len >= slen && strncmp(encoded.data, prefix ? prefix : "", plen) == 0 &&
         memcmp(encoded.data + encoded.len - slen, suffix ? suffix : "", slen) == 0;
    vp_buf_release(&encoded);
    return ok;
}

/* events_put.c: PutEvents for a local event bus (see events_put.h): the request's shape, then each entry. */
#include "local/events_put.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/state.h"       /* vp_uuid4 */

#define TIME_FIELD_BYTES 14     /* what Time counts for in an entry's size */

static void answer(int *status, char **body_out, int code, json_t *doc)
{
    *status = code;
    *body_out = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
}

static void answer_error(int *status, char **body_out, const char *type, const char *message)
{
    answer(status, body_out, 400, json_pack("{s:s, s:s}", "__type", type, "message", message));
}

/* Every member has the type the API model gives it (absent or null is fine here). */
static bool entry_well_typed(const json_t *entry)
{
    static const char *const strings[] = { "Source", "DetailType", "Detail", "EventBusName", "TraceHeader", NULL };
    const json_t *resources = json_object_get(entry, "Resources"), *t = json_object_get(entry, "Time"), *r;
    size_t i;

    if (!json_is_object(entry))
        return false;
    for (i = 0; strings[i]; i++) {
        const json_t *v = json_object_get(entry, strings[i]);
        if (v && !json_is_null(v) && !json_is_string(v))
            return false;
    }
    if (t && !json_is_null(t) && !json_is_number(t))
        return false;
    if (resources && !json_is_null(resources) && !json_is_array(resources))
        return false;
    json_array_foreach(resources, i, r)
        if (!json_is_string(r))
            return false;
    return true;
}

/* The entry's size as EventBridge counts it. */
static size_t entry_size(const json_t *entry)
{
    const json_t *t = json_object_get(entry, "Time"), *r;
    size_t size = t && !json_is_null(t) ? TIME_FIELD_BYTES : 0, i;

    size += json_string_length(json_object_get(entry, "Source"));
    size += json_string_length(json_object_get(entry, "DetailType"));
    size += json_string_length(json_object_get(entry, "Detail"));
    json_array_foreach(json_object_get(entry, "Resources"), i, r)
        size += json_string_length(r);
    return size;
}

static bool present(const json_t *entry, const char *name)
{
    const json_t *v = json_object_get(entry, name);

    return json_is_string(v) && json_string_length(v) > 0;
}

static json_t *failure(const char *code, const char *message)
{
    return json_pack("{s:s, s:s}", "ErrorCode", code, "ErrorMessage", message);
}

static void event_time(const json_t *entry, char out[32])
{
    const json_t *t = json_object_get(entry, "Time");
    time_t secs = json_is_number(t) && isfinite(json_number_value(t)) ? (time_t)floor(json_number_value(t))
                                                                       : time(NULL);
    struct tm tm;

    gmtime_r(&secs, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One entry: its result, and the event delivered when it is valid. */
static json_t *put_one(const json_t *entry, const char *account, const char *region,
                       void (*deliver)(void *ctx, const json_t *event), void *ctx)
{
    const json_t *resources = json_object_get(entry, "Resources");
    char id[37], when[32];
    json_t *detail, *event;

    if (!present(entry, "Source"))
        return failure("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
    if (!present(entry, "DetailType"))
        return failure("InvalidArgument",
                       "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
    if (!present(entry, "Detail"))
        return failure("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
    detail = json_loads(json_string_value(json_object_get(entry, "Detail")), 0, NULL);
    if (!json_is_object(detail)) {
        json_decref(detail);
        return failure("MalformedDetail", "Detail is malformed.");
    }
    vp_uuid4(id);
    event_time(entry, when);
    event = json_pack("{s:s, s:s, s:O, s:O, s:s, s:s, s:s, s:o, s:o}", "version", "0", "id", id,
                      "detail-type", json_object_get(entry, "DetailType"), "source", json_object_get(entry, "Source"),
                      "account", account, "time", when, "region", region,
                      "resources", json_is_array(resources) ? json_deep_copy(resources) : json_array(),
                      "detail", detail);
    deliver(ctx, event);
    json_decref(event);
    return json_pack("{s:s}", "EventId", id);
}

void vp_events_put_handle(const char *body, size_t len, const char *account, const char *region,
                          void (*deliver)(void *ctx, const json_t *event), void *ctx, int *status, char **body_out)
{
    json_t *request = json_loadb(body, len, 0, NULL), *entries, *results, *entry;
    size_t i, total = 0, failed = 0;

    if (!json_is_object(request)) {
        json_decref(request);
        answer_error(status, body_out, "SerializationException", "The request body is not a JSON object.");
        return;
    }
    entries = json_object_get(request, "Entries");
    if (!entries || json_is_null(entries)) {
        answer_error(status, body_out, "ValidationException",
                     "1 validation error detected: Value null at 'entries' failed to satisfy constraint: "
                     "Member must not be null");
    } else if (!json_is_array(entries)) {
        answer_error(status, body_out, "SerializationException", "Entries must be a list of PutEventsRequestEntry.");
    } else if (json_array_size(entries) == 0) {
        answer_error(status, body_out, "ValidationException",
                     "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: "
                     "Member must have length greater than or equal to 1");
    } else if (json_array_size(entries) > VP_EVENTS_MAX_ENTRIES) {
        answer_error(status, body_out, "ValidationException",
                     "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy "
                     "constraint: Member must have length less than or equal to 10");
    } else {
        json_array_foreach(entries, i, entry) {
            if (!entry_well_typed(entry))
                break;
            total += entry_size(entry);
        }
        if (i < json_array_size(entries)) {
            answer_error(status, body_out, "SerializationException",
                         "An entry is not a PutEventsRequestEntry (a member has the wrong type).");
        } else if (total > VP_EVENTS_MAX_REQUEST_BYTES) {
            answer_error(status, body_out, "ValidationException",
                         "Total size of the entries in the request is over the limit.");
        } else {
            results = json_array();
            json_array_foreach(entries, i, entry) {
                json_t *result = put_one(entry, account, region, deliver, ctx);

                failed += json_object_get(result, "ErrorCode") ? 1 : 0;
                json_array_append_new(results, result);
            }
            answer(status, body_out, 200, json_pack("{s:I, s:o}", "FailedEntryCount", (json_int_t)failed,
                                                    "Entries", results));
        }
    }
    json_decref(request);
}

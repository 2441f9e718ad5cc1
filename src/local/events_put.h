/* events_put.h: EventBridge's PutEvents for a local event bus (AWS JSON 1.1, X-Amz-Target
 * AWSEvents.PutEvents): the request is checked as the API checks it and each valid entry becomes the event
 * EventBridge delivers to rule targets:
 *
 *   {"version": "0", "id": UUID, "detail-type": DetailType, "source": Source, "account": ACCOUNT,
 *    "time": Time or now ("2024-05-01T12:00:00Z"), "region": REGION, "resources": Resources or [],
 *    "detail": the parsed Detail object}
 *
 * The answer, as AWS gives it:
 *   200 {"FailedEntryCount": N, "Entries": [{"EventId": ID} | {"ErrorCode": C, "ErrorMessage": M}, ...]}, one
 *       entry per request entry in order; an entry without Source, DetailType or Detail fails InvalidArgument
 *       ("Parameter Source is not valid. Reason: Source is a required argument."), a Detail that is not a
 *       JSON object fails MalformedDetail ("Detail is malformed.");
 *   400 {"__type": "ValidationException", "message": ...} for no entries, more than 10, or entries whose
 *       sizes (Time 14 bytes, Source, DetailType, Detail, each Resources string, in UTF-8) add up to more than
 *       256 KB; 400 {"__type": "SerializationException", ...} for a body that is not a PutEvents request.
 * EventBusName, EndpointId and TraceHeader are accepted and not used (there is one local bus); sources
 * starting "aws." are accepted (a local stand-in delivers MediaConvert's events this way; AWS refuses
 * them from callers with NotAuthorizedForSourceException). */
#ifndef VP_LOCAL_EVENTS_PUT_H
#define VP_LOCAL_EVENTS_PUT_H

#include <jansson.h>
#include <stddef.h>

#define VP_EVENTS_MAX_ENTRIES 10
#define VP_EVENTS_MAX_REQUEST_BYTES (256u * 1024)

/* Answers one PutEvents request body: deliver(ctx, event) is called for each valid entry, in order, before
 * this returns (event is borrowed for the call). *status is the HTTP status, *body_out the JSON answer (the
 * caller frees it). */
void vp_events_put_handle(const char *body, size_t len, const char *account, const char *region,
                          void (*deliver)(void *ctx, const json_t *event), void *ctx, int *status, char **body_out);

#endif

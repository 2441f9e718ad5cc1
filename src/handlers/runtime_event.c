/* runtime_event.c: what the runtime checks in an event before a handler sees it, and the error bodies it
 * posts back. Pure functions: tests/unit/test_runtime.c drives them with hostile input. */
#include "handlers/runtime_internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

json_t *vp_runtime_json_string(const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *copy;

    if (j)
        return j;
    copy = vp_xstrdup(s);
    for (unsigned char *p = (unsigned char *)copy; *p; p++)
        if (*p > 0x7f)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

int vp_runtime_parse_event(const char *body, size_t body_len, bool truncated, json_t **event, struct vp_err *err)
{
    json_error_t jerr;

    *event = NULL;
    if (truncated || body_len > VP_RUNTIME_MAX_EVENT_BYTES)
        return vp_fail(err, VP_E_LIMIT, "event is larger than %u bytes", VP_RUNTIME_MAX_EVENT_BYTES);
    if (body_len == 0)
        return vp_fail(err, VP_E_PARSE, "event is empty");
    /* Any JSON value is an event ("hello" is a valid payload); jansson bounds nesting depth itself. */
    *event = json_loadb(body, body_len, JSON_DECODE_ANY, &jerr);
    if (!*event)
        return vp_fail(err, VP_E_PARSE, "event is not valid JSON: %s at byte %d", jerr.text, jerr.position);
    return 0;
}

const char *vp_runtime_error_type(const struct vp_err *err)
{
    if (err->aws_code[0])
        return err->aws_code;
    if (err->code == VP_OK)
        return "HandlerError";
    return vp_errcode_name(err->code);
}

char *vp_runtime_error_body(const char *error_type, const char *error_message)
{
    json_t *body = json_object();
    char *text;

    json_object_set_new(body, "errorMessage", vp_runtime_json_string(error_message));
    json_object_set_new(body, "errorType", vp_runtime_json_string(error_type));
    json_object_set_new(body, "stackTrace", json_array());
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        abort();                        /* only out of memory: every string in it is valid */
    return text;
}

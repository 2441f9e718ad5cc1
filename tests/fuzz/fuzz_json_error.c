/* fuzz_json_error.c: a failed JSON or REST-JSON answer -> the client core's error parser (code from the
 * x-amzn-ErrorType header or the body's __type/code/Code/errorType, "prefix#Code:url" trimmed; message from
 * message/Message/errorMessage/Error; the body excerpt when it is not an AWS error). An input starting with
 * "H:" carries the header's value on its first line, the body after it. */
#include <string.h>

#include "aws/error.h"
#include "fuzz.h"

static void error_answer(const struct vp_service *svc, long status, const char *header, const uint8_t *body,
                         size_t size)
{
    struct vp_response resp;
    struct vp_err err = { 0 };

    vp_response_init(&resp);
    resp.status = status;
    vp_kv_add(&resp.headers, "x-amzn-RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
    if (header)
        vp_kv_add(&resp.headers, "x-amzn-ErrorType", header);
    vp_buf_put(&resp.body, body, size);
    vp_error_from_response(svc, "Fuzz", &resp, &err);
    vp_response_release(&resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char header[512];
    const uint8_t *body = data;
    size_t body_len = size;
    const char *h = NULL;

    if (size >= 2 && data[0] == 'H' && data[1] == ':') {
        const uint8_t *nl = memchr(data, '\n', size);
        size_t n = (nl ? (size_t)(nl - data) : size) - 2;
        if (n >= sizeof(header))
            n = sizeof(header) - 1;
        memcpy(header, data + 2, n);
        header[n] = '\0';               /* a NUL inside stops the value, as curl's header parsing would */
        h = header;
        body = nl ? nl + 1 : data + size;
        body_len = (size_t)(data + size - body);
    }
    error_answer(&vp_svc_dynamodb, 400, h, body, body_len);
    error_answer(&vp_svc_lambda, size % 2 ? 404 : 502, h, body, body_len);
    return 0;
}

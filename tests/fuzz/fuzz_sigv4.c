/* fuzz_sigv4.c: a request in the SigV4 test suite's request.txt form ("METHOD TARGET VERSION", header
 * lines, a blank line, the body) -> the suite's parser, then the canonical request, string to sign and
 * signature in both forms (header and presigned query), with the generic rules (path normalised) and with
 * S3's, with and without a session token. The keys and time are the suite's. */
#include <string.h>

#include "aws/sigv4.h"
#include "aws/sigv4_case.h"
#include "fuzz.h"

#define SUITE_TIME 1440938160   /* 2015-08-30T12:36:00Z */

static void sign_once(const uint8_t *data, size_t size, enum vp_sigv4_mode mode, unsigned variant)
{
    struct vp_sigv4_case c;
    struct vp_sigv4 sig = VP_SIGV4_INIT;
    struct vp_buf signed_request = VP_BUF_INIT(0);
    struct vp_err err = { 0 };
    bool s3 = variant & 1;

    vp_sigv4_case_init(&c);
    if (vp_sigv4_case_parse_request(&c, (const char *)data, size, "request.txt", &err) == 0) {
        vp_creds_set(&c.creds, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                     variant & 2 ? "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267" : NULL,
                     0, "fuzz");
        c.params.service = s3 ? "s3" : "service";
        c.params.region = "us-east-1";
        c.params.time = SUITE_TIME;
        c.params.expires_s = 3600;
        c.params.s3_rules = s3;
        c.params.normalize_path = !s3;
        c.params.sign_body = s3 && mode == VP_SIGV4_HEADER;
        c.params.omit_session_token = (variant & 4) != 0;
        if (vp_sigv4_case_sign(&c, mode, &sig, &err) == 0)
            vp_sigv4_case_write_signed(&c, mode, &signed_request);
    }
    vp_buf_release(&signed_request);
    vp_sigv4_release(&sig);
    vp_sigv4_case_release(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The variant comes from the input's length so every input is signed the same way on replay. */
    unsigned variant = (unsigned)(size % 8);

    sign_once(data, size, VP_SIGV4_HEADER, variant);
    sign_once(data, size, VP_SIGV4_QUERY, variant ^ 1);
    return 0;
}

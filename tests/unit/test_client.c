/* test_client.c: the client core's pure parts: URI encoding, endpoint rules, S3 addressing, retry
 * classification and quota, error parsing per protocol, redaction. Network behaviour is tested against
 * moto and the fault fixture in tests/scenarios/. */
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/endpoint.h"
#include "aws/error.h"
#include "aws/redact.h"
#include "aws/retry.h"
#include "aws/uri.h"
#include "t.h"

static void uri_encoding_is_strict_rfc3986(void)
{
    char *s = vp_uri_encode_new("a b/c~d:e+é", false);
    EXPECT_STREQ("a%20b%2Fc~d%3Ae%2B%C3%A9", s);
    free(s);
    s = vp_uri_encode_new("uploads/u 1/x.mp4", true);
    EXPECT_STREQ("uploads/u%201/x.mp4", s);
    free(s);
    s = vp_uri_decode_new("Happy+Face%20%E2%9C%93%zz%4", true);
    EXPECT_STREQ("Happy Face \xe2\x9c\x93%zz%4", s);
    free(s);
}

static void endpoint_urls_are_checked(void)
{
    struct vp_err err;

    EXPECT_INTEQ(0, vp_endpoint_check("http://127.0.0.1:4566", "x", &err));
    EXPECT_INTEQ(0, vp_endpoint_check("https://s3.example.com/base", "x", &err));
    EXPECT_INTEQ(-1, vp_endpoint_check("127.0.0.1:4566", "AWS_ENDPOINT_URL", &err));
    EXPECT(strstr(err.msg, "AWS_ENDPOINT_URL") != NULL);
    EXPECT_INTEQ(-1, vp_endpoint_check("http://:80", "x", &err));
    EXPECT_INTEQ(-1, vp_endpoint_check("http://host:99999", "x", &err));
    EXPECT_INTEQ(-1, vp_endpoint_check("http://host:12ab", "x", &err));
    EXPECT_INTEQ(-1, vp_endpoint_check("http://ho st", "x", &err));
    EXPECT_INTEQ(-1, vp_endpoint_check("http://host/?q=1", "x", &err));
}

static void s3_addressing_follows_the_rules(void)
{
    bool path;
    char *u = vp_s3_bucket_url("https://s3.eu-west-1.amazonaws.com", "my-bucket", false, &path);
    EXPECT_STREQ("https://my-bucket.s3.eu-west-1.amazonaws.com", u);
    EXPECT(!path);
    free(u);
    u = vp_s3_bucket_url("https://s3.eu-west-1.amazonaws.com", "my.dotted.bucket", false, &path);
    EXPECT(path);
    free(u);
    u = vp_s3_bucket_url("http://127.0.0.1:5000", "my-bucket", false, &path);
    EXPECT_STREQ("http://127.0.0.1:5000", u);
    EXPECT(path);
    free(u);
    u = vp_s3_bucket_url("http://localhost:5000", "my-bucket", true, &path);
    EXPECT(path);
    free(u);
}

static void global_services_sign_for_the_partition_home(void)
{
    EXPECT_STREQ("us-east-1", vp_endpoint_signing_region(&vp_svc_iam, "eu-west-1"));
    EXPECT_STREQ("cn-north-1", vp_endpoint_signing_region(&vp_svc_iam, "cn-northwest-1"));
    EXPECT_STREQ("eu-west-1", vp_endpoint_signing_region(&vp_svc_sts, "eu-west-1"));
    EXPECT_STREQ("amazonaws.com.cn", vp_partition_dns_suffix("cn-north-1"));
}

static struct vp_err service_err(int status, const char *code)
{
    struct vp_err e = { 0 };
    e.code = VP_E_AWS_SERVICE;
    e.http_status = status;
    strcpy(e.aws_code, code);
    return e;
}

static void retry_classification_matches_standard_mode(void)
{
    struct vp_err e = service_err(400, "ThrottlingException");
    EXPECT_INTEQ(VP_RETRY_THROTTLE, vp_retry_classify(&e));
    EXPECT(e.retryable);
    e = service_err(503, "SlowDown");
    EXPECT_INTEQ(VP_RETRY_THROTTLE, vp_retry_classify(&e));
    e = service_err(429, "");
    EXPECT_INTEQ(VP_RETRY_THROTTLE, vp_retry_classify(&e));
    e = service_err(500, "InternalError");
    EXPECT_INTEQ(VP_RETRY_TRANSIENT, vp_retry_classify(&e));
    e = service_err(502, "502");
    EXPECT_INTEQ(VP_RETRY_TRANSIENT, vp_retry_classify(&e));
    e = service_err(400, "ValidationException");
    EXPECT_INTEQ(VP_RETRY_NO, vp_retry_classify(&e));
    EXPECT(!e.retryable);
    e = service_err(404, "ResourceNotFoundException");
    EXPECT_INTEQ(VP_RETRY_NO, vp_retry_classify(&e));
    memset(&e, 0, sizeof(e));
    e.code = VP_E_AWS_TRANSPORT;
    e.retryable = true;
    e.timed_out = true;
    EXPECT_INTEQ(VP_RETRY_TIMEOUT, vp_retry_classify(&e));
}

static void retry_quota_drains_and_refills(void)
{
    struct vp_aws aws = { 0 };
    long delay;
    int cost, retries = 0;

    setenv("VIDPIPE_RETRY_BASE_MS", "0", 1);
    pthread_mutex_init(&aws.lock, NULL);
    aws.cfg.max_attempts = 3;
    aws.retry_quota = VP_RETRY_QUOTA_MAX;
    EXPECT(!vp_retry_decide(&aws, 3, VP_RETRY_TRANSIENT, &delay, &cost));   /* attempts used up */
    EXPECT(!vp_retry_decide(&aws, 1, VP_RETRY_NO, &delay, &cost));
    while (vp_retry_decide(&aws, 1, VP_RETRY_TRANSIENT, &delay, &cost))
        retries++;
    EXPECT_INTEQ(100, retries);                                              /* 500 tokens / 5 */
    EXPECT_INTEQ(0, aws.retry_quota);
    vp_retry_on_success(&aws, 5);
    EXPECT_INTEQ(5, aws.retry_quota);
    EXPECT(!vp_retry_decide(&aws, 1, VP_RETRY_TIMEOUT, &delay, &cost));      /* a timeout costs 10 */
    vp_retry_on_success(&aws, 0);
    EXPECT_INTEQ(6, aws.retry_quota);
    aws.cfg.retry_mode = VP_RETRY_LEGACY;
    EXPECT(vp_retry_decide(&aws, 1, VP_RETRY_TIMEOUT, &delay, &cost));       /* legacy: no quota */
    pthread_mutex_destroy(&aws.lock);
}

static void retry_backoff_is_capped_exponential_jitter(void)
{
    struct vp_aws aws = { 0 };
    long delay, max_seen = 0;
    int cost;

    setenv("VIDPIPE_RETRY_BASE_MS", "1000", 1);
    pthread_mutex_init(&aws.lock, NULL);
    aws.cfg.max_attempts = 50;
    aws.retry_quota = 100000;
    for (int i = 0; i < 200; i++) {
        EXPECT(vp_retry_decide(&aws, 2, VP_RETRY_TRANSIENT, &delay, &cost));
        EXPECT(delay >= 0 && delay < 2000);
        EXPECT(vp_retry_decide(&aws, 30, VP_RETRY_TRANSIENT, &delay, &cost));
        EXPECT(delay <= 20000);
        if (delay > max_seen)
            max_seen = delay;
    }
    EXPECT(max_seen > 2000);     /* the cap is 20 s, not the first attempt's 1 s */
    pthread_mutex_destroy(&aws.lock);
}

static struct vp_response response(long status, const char *body)
{
    struct vp_response r;
    vp_response_init(&r);
    r.status = status;
    vp_buf_puts(&r.body, body);
    return r;
}

static void errors_parse_per_protocol(void)
{
    struct vp_err err;
    struct vp_response r = response(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceInUseException\","
                                         "\"message\":\"Table already exists: videos\"}");
    vp_kv_add(&r.headers, "x-amzn-RequestId", "RID1");
    vp_error_from_response(&vp_svc_dynamodb, "CreateTable", &r, &err);
    EXPECT_STREQ("ResourceInUseException", err.aws_code);
    EXPECT_STREQ("RID1", err.request_id);
    EXPECT_STREQ("dynamodb", err.service);
    EXPECT_INTEQ(400, err.http_status);
    EXPECT_STREQ("dynamodb CreateTable: ResourceInUseException: Table already exists: videos", err.msg);
    vp_response_release(&r);

    r = response(404, "{\"Type\":\"User\",\"Message\":\"Function not found: arn:x\"}");
    vp_kv_add(&r.headers, "x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/");
    vp_error_from_response(&vp_svc_lambda, "GetFunction", &r, &err);
    EXPECT_STREQ("ResourceNotFoundException", err.aws_code);
    EXPECT(strstr(err.msg, "Function not found") != NULL);
    vp_response_release(&r);

    r = response(409, "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
                      "<Code>EntityAlreadyExists</Code><Message>Role with name r already exists.</Message></Error>"
                      "<RequestId>RID2</RequestId></ErrorResponse>");
    vp_error_from_response(&vp_svc_iam, "CreateRole", &r, &err);
    EXPECT_STREQ("EntityAlreadyExists", err.aws_code);
    EXPECT_STREQ("RID2", err.request_id);
    vp_response_release(&r);

    r = response(404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchCORSConfiguration</Code>"
                      "<Message>The CORS configuration does not exist</Message><RequestId>RID3</RequestId></Error>");
    vp_error_from_response(&vp_svc_s3, "GetBucketCors", &r, &err);
    EXPECT_STREQ("NoSuchCORSConfiguration", err.aws_code);
    vp_response_release(&r);
}

static void non_aws_answers_still_give_clear_errors(void)
{
    struct vp_err err;
    struct vp_response r = response(502, "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>");

    vp_error_from_response(&vp_svc_dynamodb, "DescribeTable", &r, &err);
    EXPECT_STREQ("502", err.aws_code);
    EXPECT_INTEQ(502, err.http_status);
    EXPECT(strstr(err.msg, "HTTP 502") != NULL);
    EXPECT(strstr(err.msg, "502 Bad Gateway") != NULL);
    EXPECT(strchr(err.msg, '\n') == NULL);
    vp_response_release(&r);

    r = response(404, "");                        /* S3 HEAD: no body */
    vp_error_from_response(&vp_svc_s3, "HeadBucket", &r, &err);
    EXPECT_STREQ("NotFound", err.aws_code);
    vp_response_release(&r);

    r = response(500, "{\"truncated");
    vp_error_from_response(&vp_svc_lambda, "ListFunctions", &r, &err);
    EXPECT_STREQ("500", err.aws_code);
    vp_response_release(&r);
}

static void redaction_hides_every_secret(void)
{
    struct vp_buf b = VP_BUF_INIT(0);

    vp_redact_url(&b, "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F2015"
                      "&X-Amz-Security-Token=tok&X-Amz-Signature=abc&x=1");
    EXPECT_STREQ("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED"
                 "&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED&x=1", b.data);
    EXPECT(vp_redact_header("authorization"));
    EXPECT(vp_redact_header("X-Amz-Security-Token"));
    EXPECT(!vp_redact_header("X-Amz-Date"));
    vp_buf_release(&b);
}

int main(void)
{
    T_RUN(uri_encoding_is_strict_rfc3986);
    T_RUN(endpoint_urls_are_checked);
    T_RUN(s3_addressing_follows_the_rules);
    T_RUN(global_services_sign_for_the_partition_home);
    T_RUN(retry_classification_matches_standard_mode);
    T_RUN(retry_quota_drains_and_refills);
    T_RUN(retry_backoff_is_capped_exponential_jitter);
    T_RUN(errors_parse_per_protocol);
    T_RUN(non_aws_answers_still_give_clear_errors);
    T_RUN(redaction_hides_every_secret);
    return t_done();
}

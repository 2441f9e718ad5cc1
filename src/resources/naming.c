/* naming.c: AWS's naming rules, checked at validate time so a bad name never reaches an API call. */
#include "resources/naming.h"

#include <stdio.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int looks_like_ipv4(const char *s)
{
    unsigned a, b, c, d;
    char tail;
    return sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4;
}

/* https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
const char *vp_check_s3_bucket_name(const char *name)
{
    size_t n = strlen(name);

    if (n < 3 || n > 63)
        return "an S3 bucket name is 3 to 63 characters long";
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
            return "an S3 bucket name holds only lowercase letters, digits, dots and hyphens";
    if (name[0] == '.' || name[0] == '-' || name[n - 1] == '.' || name[n - 1] == '-')
        return "an S3 bucket name begins and ends with a letter or a digit";
    if (strstr(name, ".."))
        return "an S3 bucket name holds no two adjacent dots";
    if (looks_like_ipv4(name))
        return "an S3 bucket name is not formatted as an IP address";
    if (strncmp(name, "xn--", 4) == 0 || strncmp(name, "sthree-", 7) == 0 || strncmp(name, "amzn-s3-demo-", 13) == 0)
        return "an S3 bucket name does not begin with 'xn--', 'sthree-' or 'amzn-s3-demo-'";
    if (ends_with(name, "-s3alias") || ends_with(name, "--ol-s3") || ends_with(name, ".mrap") ||
        ends_with(name, "--x-s3") || ends_with(name, "--table-s3"))
        return "an S3 bucket name does not end with a suffix S3 reserves ('-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3')";
    return NULL;
}

/* https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html */
const char *vp_check_dynamodb_name(const char *name)
{
    size_t n = strlen(name);

    if (n < 3 || n > 255)
        return "a DynamoDB table or index name is 3 to 255 characters long";
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.'))
            return "a DynamoDB table or index name holds only letters, digits, '_', '-' and '.'";
    return NULL;
}

const char *vp_check_dynamodb_key_name(const char *name)
{
    size_t n = strlen(name);
    return n < 1 || n > 255 ? "a DynamoDB key attribute name is 1 to 255 bytes long" : NULL;
}

const char *vp_check_tag_key(const char *key)
{
    size_t n = strlen(key);

    if (n < 1 || n > 128)
        return "a tag key is 1 to 128 characters long";
    if (strncmp(key, "aws:", 4) == 0)
        return "tag keys beginning with 'aws:' are reserved by AWS";
    return NULL;
}

/* https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html (FunctionName, as a plain name) */
const char *vp_check_lambda_function_name(const char *name)
{
    size_t n = strlen(name);

    if (n < 1 || n > 64)
        return "a Lambda function name is 1 to 64 characters long";
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-'))
            return "a Lambda function name holds only letters, digits, '_' and '-'";
    return NULL;
}

/* The reserved keys of https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html. The same page
 * lists TZ, LANG, PATH, AWS_XRAY_CONTEXT_MISSING and AWS_XRAY_DAEMON_ADDRESS as not reserved, and
 * AWS_LAMBDA_EXEC_WRAPPER is how a wrapper script is set (runtimes-modify.html): those stay allowed. The real
 * service refuses the reserved ones at CreateFunction; moto accepts them, so vidpipe refuses them itself. */
static const char *const lambda_reserved_env[] = {
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", NULL,
};

const char *vp_check_lambda_env_key(const char *key)
{
    for (size_t i = 0; lambda_reserved_env[i]; i++)
        if (strcmp(key, lambda_reserved_env[i]) == 0)
            return "Lambda reserves this environment variable and sets it itself";
    if (strncmp(key, "AWS_LAMBDA_", 11) == 0 && strcmp(key, "AWS_LAMBDA_EXEC_WRAPPER") != 0)
        return "Lambda reserves the AWS_LAMBDA_ environment variables (AWS_LAMBDA_EXEC_WRAPPER aside)";
    if (!((key[0] >= 'a' && key[0] <= 'z') || (key[0] >= 'A' && key[0] <= 'Z')))
        return "a Lambda environment variable name begins with a letter";
    if (!key[1])
        return "a Lambda environment variable name is at least 2 characters long (a letter, then letters, digits "
               "or '_')";
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return "a Lambda environment variable name holds only letters, digits and '_'";
    return NULL;
}

const char *vp_check_lambda_source_code_hash(const char *value)
{
    (void)value;
    return "vidpipe fills source_code_hash in from the zip (artifact or zip_file); leave it out of the spec";
}

/* https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html: [\w+=,.@-]+ */
static int iam_name_chars(const char *name)
{
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_+=,.@-", *p)))
            return 0;
    return 1;
}

const char *vp_check_iam_role_name(const char *name)
{
    size_t n = strlen(name);

    if (n < 1 || n > 64)
        return "an IAM role name is 1 to 64 characters long";
    if (!iam_name_chars(name))
        return "an IAM role name holds only letters, digits and '_+=,.@-'";
    return NULL;
}

/* https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html */
const char *vp_check_iam_policy_name(const char *name)
{
    size_t n = strlen(name);

    if (n < 1 || n > 128)
        return "an IAM policy name is 1 to 128 characters long";
    if (!iam_name_chars(name))
        return "an IAM policy name holds only letters, digits and '_+=,.@-'";
    return NULL;
}

/* https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names */
const char *vp_check_iam_path(const char *path)
{
    size_t n = strlen(path);

    if (n < 1 || n > 512)
        return "an IAM path is 1 to 512 characters long";
    if (path[0] != '/' || path[n - 1] != '/')
        return "an IAM path begins and ends with '/' (\"/\" alone, or \"/service/\")";
    for (const char *p = path; *p; p++)
        if (*p < 0x21 || *p > 0x7e)
            return "an IAM path holds only printable ASCII characters, no spaces";
    return NULL;
}

const char *vp_check_iam_policy_arn(const char *arn)
{
    char partition[32], account[16];
    int end = 0;

    if (sscanf(arn, "arn:%31[a-z-]:iam::%15[0-9aws]:policy/%n", partition, account, &end) != 2 || !end || !arn[end])
        return "a managed policy ARN reads arn:aws:iam::ACCOUNT:policy/NAME (arn:aws:iam::aws:policy/NAME for "
               "AWS managed policies)";
    return NULL;
}

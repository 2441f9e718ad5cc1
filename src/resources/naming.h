/* naming.h: AWS's naming rules, as vp_attr_check_fn for the attribute tables (validated before any call). */
#ifndef VP_RESOURCES_NAMING_H
#define VP_RESOURCES_NAMING_H

/* S3 general purpose bucket names: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit, no "..",
 * not an IP address, none of the reserved prefixes and suffixes. */
const char *vp_check_s3_bucket_name(const char *name);
/* DynamoDB table and index names: 3-255 of A-Z a-z 0-9 _ - . */
const char *vp_check_dynamodb_name(const char *name);
/* DynamoDB attribute names used as keys: 1-255 bytes. */
const char *vp_check_dynamodb_key_name(const char *name);
/* A tag key: 1-128 characters, not starting with "aws:". */
const char *vp_check_tag_key(const char *key);
/* Lambda function names: 1-64 of A-Z a-z 0-9 _ -. */
const char *vp_check_lambda_function_name(const char *name);
/* A Lambda environment variable key: not one Lambda reserves (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_LAMBDA_*, ...,
 * as the Lambda developer guide lists them), and of the API's pattern [a-zA-Z][a-zA-Z0-9_]+. */
const char *vp_check_lambda_env_key(const char *key);
/* lambda_function's source_code_hash is vidpipe's to fill in: any value a spec gives is refused. */
const char *vp_check_lambda_source_code_hash(const char *value);
/* IAM role names: 1-64 of A-Z a-z 0-9 _ + = , . @ -. */
const char *vp_check_iam_role_name(const char *name);
/* IAM inline policy names: 1-128 of the same characters. */
const char *vp_check_iam_policy_name(const char *name);
/* IAM paths: "/" or 1-512 printable ASCII characters beginning and ending with "/". */
const char *vp_check_iam_path(const char *path);
/* A managed policy's ARN: arn:PARTITION:iam::ACCOUNT:policy/NAME (ACCOUNT "aws" for AWS managed ones). */
const char *vp_check_iam_policy_arn(const char *arn);

#endif

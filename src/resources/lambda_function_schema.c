/* lambda_function_schema.c: the lambda_function type's attributes, as data (see s3_bucket_schema.c). The
 * operations are in lambda_function.c; where the code comes from and its hash in lambda_function_code.c.
 *
 * Code identity: artifact and zip_file say where the zip is (vidpipe settings, kept in state, never read from
 * AWS); source_code_hash is the zip's base64 SHA-256, filled in from the zip when the plan is made
 * (lambda_function_code.c, the type's prepare_want) and read back as Lambda's CodeSha256, so a changed zip,
 * or code uploaded outside vidpipe, shows as a change of source_code_hash. */
#include <stdio.h>

#include "resources/naming.h"
#include "resources/schemas.h"

static const char *const artifacts[] = { "presign", "convert", "package", "videos", NULL };
static const char *const architectures[] = { "x86_64", "arm64", NULL };

/* The code is exactly one of artifact and zip_file (either may be known only after apply: it is set). The
 * provider applies the same rule to what reaches it without a spec (lambda_function_code.c). */
int vp_lambda_function_check(const json_t *values, char *msg, size_t size, const char **attr)
{
    const json_t *artifact = json_object_get(values, "artifact"), *zip_file = json_object_get(values, "zip_file");
    bool has_artifact = artifact && !json_is_null(artifact), has_zip = zip_file && !json_is_null(zip_file);

    *attr = NULL;
    if (has_artifact && has_zip) {
        *attr = "zip_file";
        snprintf(msg, size, "give either artifact (a handler vidpipe builds) or zip_file (your own zip) as the "
                 "function's code, not both");
        return -1;
    }
    if (!has_artifact && !has_zip) {
        snprintf(msg, size, "the function has no code: give artifact (one of presign, convert, package, videos: a "
                 "handler vidpipe builds) or zip_file (the path of your own zip)");
        return -1;
    }
    return 0;
}

const struct vp_attr vp_lambda_function_attrs[] = {
    { .name = "name", .kind = VP_K_STRING, .on_change = VP_REPLACE, .required = true,
      .check = vp_check_lambda_function_name, .doc = "The function's name, unique in the account and region." },
    { .name = "artifact", .kind = VP_K_STRING, .local = true, .enum_values = artifacts,
      .doc = "A handler vidpipe builds, as its code: the zip at $VIDPIPE_ARTIFACTS_DIR/ARTIFACT.zip when that is "
             "set, else build/handlers/ARTIFACT.zip under the current directory, else the installed "
             "PREFIX/lib/vidpipe/handlers/ARTIFACT.zip. Give artifact or zip_file, not both." },
    { .name = "zip_file", .kind = VP_K_STRING, .local = true, .min = 1, .max = 4096,
      .doc = "The path of your own deployment zip (relative to the current directory), at most 50 MB. Give "
             "artifact or zip_file, not both." },
    { .name = "source_code_hash", .kind = VP_K_STRING, .check = vp_check_lambda_source_code_hash,
      .doc = "Filled in by vidpipe, never set in a spec: the zip's base64 SHA-256 when planning, Lambda's "
             "CodeSha256 when reading, so a changed zip shows as a change and only then is code uploaded." },
    { .name = "role", .kind = VP_K_STRING, .required = true, .min = 1, .max = 2048,
      .doc = "The ARN of the IAM role the function runs as (trusting lambda.amazonaws.com)." },
    { .name = "runtime", .kind = VP_K_STRING, .default_json = "\"provided.al2023\"", .min = 1, .max = 64,
      .doc = "The runtime; vidpipe's handlers are their own bootstrap on provided.al2023." },
    { .name = "handler", .kind = VP_K_STRING, .default_json = "\"bootstrap\"", .min = 1, .max = 128,
      .doc = "The handler name the runtime is given (_HANDLER)." },
    { .name = "architecture", .kind = VP_K_STRING, .default_json = "\"x86_64\"", .enum_values = architectures,
      .doc = "The instruction set the code is built for: x86_64 or arm64." },
    { .name = "memory_size", .kind = VP_K_INT, .default_json = "256", .min = 128, .max = 10240,
      .doc = "Memory in MB (CPU grows with it)." },
    { .name = "timeout", .kind = VP_K_INT, .default_json = "10", .min = 1, .max = 900,
      .doc = "Seconds an invocation may run." },
    { .name = "description", .kind = VP_K_STRING, .default_json = "\"\"", .min = 0, .max = 256,
      .doc = "A description." },
    { .name = "environment", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_lambda_env_key,
      .doc = "Environment variables; the keys Lambda reserves (AWS_REGION, AWS_LAMBDA_*, ...) are refused." },
    { .name = "tags", .kind = VP_K_MAP, .elem_kind = VP_K_STRING, .default_json = "{}",
      .check = vp_check_tag_key, .doc = "Tags, merged over the spec's default tags." },
    { .name = "arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED, .doc = "The function's ARN." },
    { .name = "invoke_arn", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "The ARN API Gateway integrations invoke: arn:aws:apigateway:REGION:lambda:path/2015-03-31/"
             "functions/ARN/invocations" },
    { .name = "code_sha256", .kind = VP_K_STRING, .on_change = VP_COMPUTED,
      .doc = "Lambda's CodeSha256: the base64 SHA-256 of the deployed zip." },
    { 0 }
};

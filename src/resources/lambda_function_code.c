/* lambda_function_code.c: where a function's code comes from and what identifies it. The code is a zip:
 * one of the handlers vidpipe builds (artifact) or the user's own (zip_file). Its identity is what Lambda
 * reports as CodeSha256, base64(SHA-256(zip)): comparing the two is how an unchanged zip is never uploaded
 * again, and a changed one always is. The hash is also put into want when the plan is made (prepare_want),
 * so the plan shows the change. Reading the zip with libzip first turns a wrong file into a clear error here
 * instead of Lambda's "Could not unzip uploaded file" or, worse, a function that cannot start. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "engine/diff.h"
#include "resources/artifacts.h"
#include "resources/common.h"
#include "resources/lambda_function.h"
#include "resources/schemas.h"

/* Where the code is: exactly one of artifact and zip_file (the validator checks that rule for specs; it is
 * checked again here for what reaches the provider otherwise). *unknown when the location is known only after
 * apply (a reference); *path is then NULL. */
static int code_location(const json_t *want, char **path, const json_t **unknown, struct vp_err *err)
{
    const json_t *artifact = json_object_get(want, "artifact"), *where;
    bool is_artifact = artifact && !json_is_null(artifact);
    const char *attr;
    char msg[256];

    *path = NULL;
    *unknown = NULL;
    if (vp_lambda_function_check(want, msg, sizeof(msg), &attr) < 0)
        return vp_fail(err, VP_E_SPEC, "%s", msg);
    where = is_artifact ? artifact : json_object_get(want, "zip_file");
    if (!json_is_string(where))
        return vp_fail(err, VP_E_SPEC, "%s is not a string", is_artifact ? "artifact" : "zip_file");
    if (vp_json_has_unknown(where)) {
        *unknown = where;
        return 0;
    }
    if (is_artifact)
        return vp_artifact_path(json_string_value(where), path, err);
    *path = vp_xstrdup(json_string_value(where));
    return 0;
}

static int read_zip(const char *path, struct lf_zip *zip, struct vp_err *err)
{
    struct vp_buf b = VP_BUF_INIT(LF_ZIP_MAX_BYTES);
    struct stat st;

    if (stat(path, &st) < 0)
        return vp_fail(err, VP_E_IO, "cannot read the function's zip '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return vp_fail(err, VP_E_IO, "the function's zip '%s' is not a regular file", path);
    if ((unsigned long long)st.st_size > LF_ZIP_MAX_BYTES)
        return vp_fail(err, VP_E_LIMIT, "the function's zip '%s' is %.1f MB: Lambda takes at most 50 MB uploaded "
                       "directly (larger code goes through S3, which vidpipe does not do)", path,
                       (double)st.st_size / (1024.0 * 1024.0));
    if (vp_buf_read_file(&b, path, err) < 0) {
        vp_buf_release(&b);
        return -1;
    }
    zip->data = (unsigned char *)vp_buf_detach(&b, &zip->len);
    return 0;
}

/* Whether the archive is one Lambda can run: a zip, and for an OS-only runtime (provided.*), one whose root
 * holds the executable 'bootstrap' Lambda starts (a mode without x bits fails every invocation with
 * Runtime.InvalidEntrypoint "permission denied"). */
static int check_archive(const struct lf_zip *zip, const char *runtime, struct vp_err *err)
{
    zip_error_t ze;
    zip_source_t *src;
    zip_t *za;
    zip_int64_t idx;
    zip_uint8_t opsys;
    zip_uint32_t attributes;
    int ret = 0;

    zip_error_init(&ze);
    if (!(src = zip_source_buffer_create(zip->data, zip->len, 0, &ze))) {
        ret = vp_fail(err, VP_E_IO, "'%s': %s", zip->path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return ret;
    }
    if (!(za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze))) {
        ret = vp_fail(err, VP_E_IO, "the function's zip '%s' is not a zip archive Lambda can read: %s", zip->path,
                      zip_error_strerror(&ze));
        zip_source_free(src);
        zip_error_fini(&ze);
        return ret;
    }
    zip_error_fini(&ze);
    if (runtime && strncmp(runtime, "provided", 8) == 0) {
        if ((idx = zip_name_locate(za, "bootstrap", 0)) < 0)
            ret = vp_fail(err, VP_E_IO, "the function's zip '%s' has no 'bootstrap' at its root: the %s runtime "
                          "starts that executable", zip->path, runtime);
        else if (zip_file_get_external_attributes(za, (zip_uint64_t)idx, 0, &opsys, &attributes) == 0 &&
                 opsys == ZIP_OPSYS_UNIX && ((attributes >> 16) & 0111) == 0)
            ret = vp_fail(err, VP_E_IO, "'bootstrap' in the function's zip '%s' is not executable (mode %03o): "
                          "Lambda could not start it; chmod 755 it before zipping", zip->path,
                          (unsigned)((attributes >> 16) & 0777));
    }
    zip_discard(za);
    return ret;
}

static void hash_zip(struct lf_zip *zip)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    EVP_Digest(zip->data, zip->len, md, &md_len, EVP_sha256(), NULL);
    EVP_EncodeBlock((unsigned char *)zip->sha256, md, (int)md_len);
}

int lf_zip_load(const json_t *want, struct lf_zip *zip, struct vp_err *err)
{
    const json_t *unknown;

    memset(zip, 0, sizeof(*zip));
    if (code_location(want, &zip->path, &unknown, err) < 0)
        return -1;
    if (unknown)
        return vp_fail(err, VP_E_STATE, "the function's zip is still unknown");
    if (read_zip(zip->path, zip, err) < 0 || check_archive(zip, vp_res_str(want, "runtime"), err) < 0) {
        lf_zip_release(zip);
        return -1;
    }
    hash_zip(zip);
    return 0;
}

void lf_zip_release(struct lf_zip *zip)
{
    free(zip->path);
    free(zip->data);
    memset(zip, 0, sizeof(*zip));
}

json_t *lf_zip_base64(const struct lf_zip *zip)
{
    size_t cap = 4 * ((zip->len + 2) / 3) + 1;
    char *text = vp_xmalloc(cap);
    int n = EVP_EncodeBlock((unsigned char *)text, zip->data, (int)zip->len);
    json_t *s = json_stringn_nocheck(text, (size_t)n);

    free(text);
    return s;
}

int lf_prepare_want(json_t *want, struct vp_err *err)
{
    struct lf_zip zip;
    const json_t *unknown;
    char *path;

    if (code_location(want, &path, &unknown, err) < 0)
        return -1;
    free(path);
    if (unknown) {                      /* the placeholder itself: the plan shows it as known after apply */
        json_object_set(want, "source_code_hash", (json_t *)unknown);
        return 0;
    }
    if (lf_zip_load(want, &zip, err) < 0)
        return -1;
    json_object_set_new(want, "source_code_hash", json_string(zip.sha256));
    lf_zip_release(&zip);
    return 0;
}

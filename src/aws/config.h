/* config.h: the shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials, or
 * AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE) and the settings the client takes from them and from the
 * environment. Profiles are "[profile NAME]" in the config file (plain "[default]") and "[NAME]" in the
 * credentials file; nested sub-settings ("s3 =" followed by indented "key = value" lines) are kept as
 * "s3.key". */
#ifndef VP_AWS_CONFIG_H
#define VP_AWS_CONFIG_H

#include <stdbool.h>

#include "base/err.h"
#include "base/kv.h"

struct vp_ini_section {
    char *name;                     /* "default", "profile dev", "sso-session x", "services local" */
    struct vp_kvlist values;
};

struct vp_ini {
    struct vp_ini_section *sections;
    size_t n;
};

/* A missing file is an empty ini (not an error); a malformed one is VP_E_AWS_CONFIG with path:line. */
int vp_ini_parse_file(const char *path, struct vp_ini *out, struct vp_err *err);
int vp_ini_parse_string(const char *text, const char *path_for_errors, struct vp_ini *out, struct vp_err *err);
const struct vp_kvlist *vp_ini_section(const struct vp_ini *ini, const char *name);
void vp_ini_release(struct vp_ini *ini);

enum vp_retry_mode { VP_RETRY_STANDARD, VP_RETRY_LEGACY, VP_RETRY_ADAPTIVE };

struct vp_aws_config {
    char *profile;                  /* AWS_PROFILE, else "default" */
    bool profile_explicit;          /* set by AWS_PROFILE or --profile: an unknown one is an error */
    char *region;                   /* AWS_REGION, AWS_DEFAULT_REGION, the profile's region; NULL if none */
    struct vp_ini config_file, credentials_file;
    char *config_path, *credentials_path;
    int max_attempts;               /* AWS_MAX_ATTEMPTS or profile max_attempts; default 3 */
    enum vp_retry_mode retry_mode;  /* AWS_RETRY_MODE or profile retry_mode; default standard */
    bool s3_force_path_style;       /* profile s3.addressing_style = path, or AWS_S3_FORCE_PATH_STYLE */
};

/* Reads the environment and both files, selects the profile and resolves region and retry settings.
 * profile_override (from --profile) may be NULL. Fails on a malformed file, an unknown explicit profile,
 * a bad AWS_MAX_ATTEMPTS or AWS_RETRY_MODE. */
int vp_config_load(struct vp_aws_config *cfg, const char *profile_override, struct vp_err *err);
void vp_config_release(struct vp_aws_config *cfg);
/* A setting of a named profile; where both files set it, the credentials file's value wins (botocore's
 * merge). Borrowed; NULL if absent. */
const char *vp_config_profile_get(const struct vp_aws_config *cfg, const char *profile, const char *key);
bool vp_config_profile_exists(const struct vp_aws_config *cfg, const char *profile);
/* A setting of the selected profile. */
const char *vp_config_get(const struct vp_aws_config *cfg, const char *key);

#endif

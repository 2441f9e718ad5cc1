/* test_config.c: the shared config and credentials files as botocore reads them (profiles, comments,
 * nested blocks, errors with path:line), profile selection, region, retry settings, ISO 8601 times and the
 * credentials value. The credential sources themselves are exercised end to end in
 * tests/scenarios/21xx-*.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/config.h"
#include "aws/creds.h"
#include "t.h"

static char tmpdir[256];

static void clear_env(void)
{
    static const char *const vars[] = {
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE", "AWS_S3_FORCE_PATH_STYLE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
    };
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
}

static char *write_file(const char *name, const char *text)
{
    char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
    FILE *f;

    sprintf(path, "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Points AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at fresh files with these contents. */
static void use_files(const char *config, const char *credentials)
{
    char *c = write_file("config", config), *k = write_file("credentials", credentials);

    clear_env();
    setenv("AWS_CONFIG_FILE", c, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", k, 1);
    free(c);
    free(k);
}

static const char *get(const struct vp_ini *ini, const char *section, const char *key)
{
    const struct vp_kvlist *kv = vp_ini_section(ini, section);

    return kv ? vp_kv_get(kv, key) : NULL;
}

static void ini_reads_profiles_and_comments(void)
{
    struct vp_ini ini;
    struct vp_err err = { 0 };
    const char *text =
        "# a comment\n"
        "; another\n"
        "[default]\n"
        "region = eu-west-1\n"
        "Output: json\n"
        "   # an indented comment\n"
        "\n"
        "[profile dev]\n"
        "  region=us-west-2\n"
        "  role_arn = arn:aws:iam::123456789012:role/x\n"
        "note = us-east-1 # inline text stays, as in botocore\n"
        "multi = first\n"
        "  second\n"
        "\n"
        "  third\n"
        "[profile   \"my dev\"]\n"
        "empty =\n"
        "[default2] ; text after the header is ignored\n";

    EXPECT_INTEQ(0, vp_ini_parse_string(text, "cfg", &ini, &err));
    EXPECT_INTEQ(4, ini.n);
    EXPECT_STREQ("eu-west-1", get(&ini, "default", "region"));
    EXPECT_STREQ("json", get(&ini, "default", "output"));
    EXPECT_STREQ("us-west-2", get(&ini, "profile dev", "region"));
    EXPECT_STREQ("arn:aws:iam::123456789012:role/x", get(&ini, "profile dev", "role_arn"));
    EXPECT_STREQ("us-east-1 # inline text stays, as in botocore", get(&ini, "profile dev", "note"));
    EXPECT_STREQ("first\nsecond\n\nthird", get(&ini, "profile dev", "multi"));
    EXPECT_STREQ("", get(&ini, "profile my dev", "empty"));
    EXPECT(vp_ini_section(&ini, "default2") != NULL);
    EXPECT(vp_ini_section(&ini, "profile nope") == NULL);
    vp_ini_release(&ini);
    EXPECT_INTEQ(0, ini.n);
}

static void ini_reads_nested_blocks(void)
{
    struct vp_ini ini;
    struct vp_err err = { 0 };
    const char *text =
        "[profile local]\n"
        "s3 =\n"
        "  addressing_style = path\n"
        "\n"
        "  # a comment inside the block\n"
        "\tsignature_version = s3v4\n"
        "region = us-east-1\n"
        "[services local-services]\n"
        "dynamodb =\n"
        "  endpoint_url = http://127.0.0.1:8000\n"
        "s3 =\n"
        "  endpoint_url = http://127.0.0.1:9000\n"
        "  endpoint_url = http://127.0.0.1:9001\n";

    EXPECT_INTEQ(0, vp_ini_parse_string(text, "cfg", &ini, &err));
    EXPECT_STREQ("path", get(&ini, "profile local", "s3.addressing_style"));
    EXPECT_STREQ("s3v4", get(&ini, "profile local", "s3.signature_version"));
    EXPECT_STREQ("us-east-1", get(&ini, "profile local", "region"));
    EXPECT(get(&ini, "profile local", "s3") == NULL);
    EXPECT_STREQ("http://127.0.0.1:8000", get(&ini, "services local-services", "dynamodb.endpoint_url"));
    EXPECT_STREQ("http://127.0.0.1:9001", get(&ini, "services local-services", "s3.endpoint_url"));
    vp_ini_release(&ini);
}

static void ini_reads_windows_files(void)
{
    struct vp_ini ini;
    struct vp_err err = { 0 };

    /* Notepad writes a byte order mark and CRLF line ends. */
    EXPECT_INTEQ(0, vp_ini_parse_string("\xEF\xBB\xBF[default]\r\nregion = eu-west-1\r\ns3 =\r\n  addressing_style = path\r\n"
                                        "[profile 'quoted name']\r\nregion = x\r\n",
                                        "cfg", &ini, &err));
    EXPECT_STREQ("eu-west-1", get(&ini, "default", "region"));
    EXPECT_STREQ("path", get(&ini, "default", "s3.addressing_style"));
    EXPECT_STREQ("x", get(&ini, "profile quoted name", "region"));
    vp_ini_release(&ini);
}

/* One malformed text: the error is VP_E_AWS_CONFIG "PATH:LINE: ..." on one line. */
static void expect_ini_error(const char *text, const char *where, const char *what)
{
    struct vp_ini ini;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(-1, vp_ini_parse_string(text, "/home/u/.aws/config", &ini, &err));
    EXPECT_INTEQ(VP_E_AWS_CONFIG, err.code);
    if (strncmp(err.msg, where, strlen(where)) != 0)
        EXPECT_STREQ(where, err.msg);
    if (!strstr(err.msg, what))
        EXPECT_STREQ(what, err.msg);
    EXPECT(strchr(err.msg, '\n') == NULL);
    EXPECT_INTEQ(0, ini.n);
}

static void ini_errors_name_path_and_line(void)
{
    expect_ini_error("region = x\n", "/home/u/.aws/config:1: ", "before any [section]");
    expect_ini_error("[default]\nregion = x\njunk\n", "/home/u/.aws/config:3: ", "expected 'key = value'");
    expect_ini_error("# c\n\n[profile dev\nregion = x\n", "/home/u/.aws/config:3: ", "no closing ']'");
    expect_ini_error("[default]\na = 1\n[default]\n", "/home/u/.aws/config:3: ", "appears twice");
    expect_ini_error("[default]\nregion = a\nRegion = b\n", "/home/u/.aws/config:3: ", "'region' appears twice");
    expect_ini_error("[default]\ns3 =\n  addressing_style\n", "/home/u/.aws/config:3: ", "nested");
    expect_ini_error("[default]\n= 1\n", "/home/u/.aws/config:2: ", "no name");
    expect_ini_error("[]\n", "/home/u/.aws/config:1: ", "empty section name");
}

static void ini_errors_never_echo_the_line(void)
{
    struct vp_ini ini;
    struct vp_err err = { 0 };

    /* A secret pasted on a line of its own must not reach the terminal through the error. */
    EXPECT_INTEQ(-1, vp_ini_parse_string("[default]\naws_access_key_id = AKIAEXAMPLE\nwJalrXUtnFEMIK7MDENGbPxRfiCY\n",
                                         "creds", &ini, &err));
    EXPECT(strstr(err.msg, "wJalr") == NULL);
    EXPECT(strstr(err.msg, "creds:3:") != NULL);
}

static void ini_missing_file_is_empty(void)
{
    struct vp_ini ini;
    struct vp_err err = { 0 };
    char path[300];

    snprintf(path, sizeof(path), "%s/does-not-exist", tmpdir);
    EXPECT_INTEQ(0, vp_ini_parse_file(path, &ini, &err));
    EXPECT_INTEQ(0, ini.n);
    EXPECT_INTEQ(0, vp_ini_parse_file(tmpdir, &ini, &err));     /* a directory is no file, as in botocore */
    EXPECT_INTEQ(0, ini.n);
    free(write_file("bad", "[default]\nkey\n"));
    snprintf(path, sizeof(path), "%s/bad", tmpdir);
    EXPECT_INTEQ(-1, vp_ini_parse_file(path, &ini, &err));
    EXPECT(strstr(err.msg, "/bad:2: ") != NULL);
}

static void profiles_come_from_both_files(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };

    use_files("[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\noutput = json\n"
              "[staging]\nregion = ap-south-1\n",
              "[dev]\naws_access_key_id = AKIADEV\nregion = ca-central-1\n[ci]\naws_access_key_id = AKIACI\n");
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("default", cfg.profile);
    EXPECT(!cfg.profile_explicit);
    EXPECT_STREQ("eu-west-1", cfg.region);
    EXPECT(vp_config_profile_exists(&cfg, "dev"));
    EXPECT(vp_config_profile_exists(&cfg, "ci"));
    /* "[staging]" in the config file is not a profile: the config file needs "[profile staging]". */
    EXPECT(!vp_config_profile_exists(&cfg, "staging"));
    EXPECT_STREQ("AKIADEV", vp_config_profile_get(&cfg, "dev", "aws_access_key_id"));
    EXPECT_STREQ("json", vp_config_profile_get(&cfg, "dev", "output"));
    /* A key in both files: botocore's merged profile takes the credentials file's value. */
    EXPECT_STREQ("ca-central-1", vp_config_profile_get(&cfg, "dev", "region"));
    EXPECT(vp_config_get(&cfg, "output") == NULL);
    vp_config_release(&cfg);
}

static void profile_selection_order(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };

    use_files("[profile a]\nregion = r-a\n[profile b]\nregion = r-b\n[profile c]\nregion = r-c\n", "");
    setenv("AWS_PROFILE", "a", 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("a", cfg.profile);
    EXPECT(cfg.profile_explicit);
    EXPECT_STREQ("r-a", cfg.region);
    vp_config_release(&cfg);
    /* botocore reads the legacy AWS_DEFAULT_PROFILE before AWS_PROFILE. */
    setenv("AWS_DEFAULT_PROFILE", "b", 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("b", cfg.profile);
    vp_config_release(&cfg);
    EXPECT_INTEQ(0, vp_config_load(&cfg, "c", &err));
    EXPECT_STREQ("c", cfg.profile);
    EXPECT_STREQ("r-c", cfg.region);
    vp_config_release(&cfg);
    setenv("AWS_PROFILE", "", 1);
    unsetenv("AWS_DEFAULT_PROFILE");
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("default", cfg.profile);       /* an empty AWS_PROFILE is unset */
    EXPECT(cfg.region == NULL);                 /* no [default] anywhere: not an error */
    vp_config_release(&cfg);
}

static void unknown_explicit_profile_is_an_error(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };

    use_files("[profile a]\n", "[b]\n");
    EXPECT_INTEQ(-1, vp_config_load(&cfg, "nope", &err));
    EXPECT_INTEQ(VP_E_AWS_CONFIG, err.code);
    EXPECT(strstr(err.msg, "profile 'nope' not found in ") != NULL);
    EXPECT(strstr(err.msg, "/config or ") != NULL);
    EXPECT(strstr(err.msg, "/credentials") != NULL);
    setenv("AWS_PROFILE", "zz", 1);
    EXPECT_INTEQ(-1, vp_config_load(&cfg, NULL, &err));
    EXPECT(strstr(err.msg, "'zz'") != NULL);
    EXPECT_INTEQ(0, vp_config_load(&cfg, "b", &err));    /* a credentials-file-only profile exists */
    vp_config_release(&cfg);
}

static void malformed_files_fail_the_load(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };

    use_files("[default]\nregion = x\n", "[default]\naws_access_key_id\n");
    EXPECT_INTEQ(-1, vp_config_load(&cfg, NULL, &err));
    EXPECT(strstr(err.msg, "/credentials:2: ") != NULL);
    use_files("[default\n", "");
    EXPECT_INTEQ(-1, vp_config_load(&cfg, NULL, &err));
    EXPECT(strstr(err.msg, "/config:1: ") != NULL);
}

static void region_precedence(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };

    use_files("[default]\nregion = from-profile\n", "");
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("from-profile", cfg.region);
    vp_config_release(&cfg);
    setenv("AWS_DEFAULT_REGION", "from-default-region", 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("from-default-region", cfg.region);
    vp_config_release(&cfg);
    setenv("AWS_REGION", "from-region", 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("from-region", cfg.region);
    vp_config_release(&cfg);
    setenv("AWS_REGION", "", 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("from-default-region", cfg.region);
    vp_config_release(&cfg);
}

static void retry_settings(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };

    use_files("[default]\n[profile legacy]\nretry_mode = legacy\n[profile many]\nmax_attempts = 7\n"
              "retry_mode = adaptive\n[profile bad]\nmax_attempts = 0\n[profile badmode]\nretry_mode = fast\n", "");
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_INTEQ(3, cfg.max_attempts);
    EXPECT_INTEQ(VP_RETRY_STANDARD, cfg.retry_mode);
    vp_config_release(&cfg);
    EXPECT_INTEQ(0, vp_config_load(&cfg, "legacy", &err));
    EXPECT_INTEQ(VP_RETRY_LEGACY, cfg.retry_mode);
    EXPECT_INTEQ(5, cfg.max_attempts);                  /* botocore's legacy default */
    vp_config_release(&cfg);
    EXPECT_INTEQ(0, vp_config_load(&cfg, "many", &err));
    EXPECT_INTEQ(7, cfg.max_attempts);
    EXPECT_INTEQ(VP_RETRY_ADAPTIVE, cfg.retry_mode);
    vp_config_release(&cfg);
    setenv("AWS_MAX_ATTEMPTS", "2", 1);
    setenv("AWS_RETRY_MODE", "legacy", 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, "many", &err));    /* the environment wins over the profile */
    EXPECT_INTEQ(2, cfg.max_attempts);
    EXPECT_INTEQ(VP_RETRY_LEGACY, cfg.retry_mode);
    vp_config_release(&cfg);
    unsetenv("AWS_RETRY_MODE");

    static const char *const bad[] = { "0", "-1", "x", "3x", "1.5", " " };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv("AWS_MAX_ATTEMPTS", bad[i], 1);
        EXPECT_INTEQ(-1, vp_config_load(&cfg, NULL, &err));
        EXPECT_INTEQ(VP_E_AWS_CONFIG, err.code);
        EXPECT(strstr(err.msg, "AWS_MAX_ATTEMPTS") != NULL);
    }
    unsetenv("AWS_MAX_ATTEMPTS");
    EXPECT_INTEQ(-1, vp_config_load(&cfg, "bad", &err));
    EXPECT(strstr(err.msg, "max_attempts in profile 'bad'") != NULL);
    EXPECT_INTEQ(-1, vp_config_load(&cfg, "badmode", &err));
    EXPECT(strstr(err.msg, "standard, legacy or adaptive") != NULL);
    setenv("AWS_RETRY_MODE", "Standard", 1);                 /* botocore compares exactly */
    EXPECT_INTEQ(-1, vp_config_load(&cfg, NULL, &err));
    EXPECT(strstr(err.msg, "AWS_RETRY_MODE") != NULL);
    unsetenv("AWS_RETRY_MODE");
}

static void s3_path_style(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };

    use_files("[default]\ns3 =\n  addressing_style = path\n[profile virt]\ns3 =\n  addressing_style = virtual\n", "");
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT(cfg.s3_force_path_style);
    vp_config_release(&cfg);
    EXPECT_INTEQ(0, vp_config_load(&cfg, "virt", &err));
    EXPECT(!cfg.s3_force_path_style);
    vp_config_release(&cfg);
    setenv("AWS_S3_FORCE_PATH_STYLE", "true", 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, "virt", &err));
    EXPECT(cfg.s3_force_path_style);
    vp_config_release(&cfg);
    unsetenv("AWS_S3_FORCE_PATH_STYLE");
}

static void default_paths_follow_home(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };
    char dir[300], want[400];
    const char *old_home = getenv("HOME");
    char *saved = old_home ? strdup(old_home) : NULL;

    clear_env();
    snprintf(dir, sizeof(dir), "%s/.aws", tmpdir);
    mkdir(dir, 0700);
    free(write_file(".aws/config", "[default]\nregion = home-region\n"));
    setenv("HOME", tmpdir, 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    snprintf(want, sizeof(want), "%s/.aws/config", tmpdir);
    EXPECT_STREQ(want, cfg.config_path);
    snprintf(want, sizeof(want), "%s/.aws/credentials", tmpdir);
    EXPECT_STREQ(want, cfg.credentials_path);
    EXPECT_STREQ("home-region", cfg.region);
    vp_config_release(&cfg);
    setenv("AWS_CONFIG_FILE", "~/.aws/config", 1);
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    snprintf(want, sizeof(want), "%s/.aws/config", tmpdir);
    EXPECT_STREQ(want, cfg.config_path);
    vp_config_release(&cfg);
    if (saved)
        setenv("HOME", saved, 1);
    free(saved);
}

static void default_section_forms(void)
{
    struct vp_aws_config cfg;
    struct vp_err err = { 0 };

    /* "[profile default]" and "[default]" are one profile; the later section wins, as in botocore. */
    use_files("[default]\nregion = first\n[profile default]\nregion = second\n", "");
    EXPECT_INTEQ(0, vp_config_load(&cfg, NULL, &err));
    EXPECT_STREQ("second", cfg.region);
    vp_config_release(&cfg);
}

static time_t at(const char *s)
{
    time_t t = -1;

    if (vp_parse_iso8601(s, &t) < 0)
        return -1;
    return t;
}

static void iso8601_times(void)
{
    EXPECT_INTEQ(0, at("1970-01-01T00:00:00Z"));
    EXPECT_INTEQ(1795514400, at("2026-11-24T10:00:00Z"));
    EXPECT_INTEQ(1795514400, at("2026-11-24T10:00:00.123456Z"));
    EXPECT_INTEQ(1795514400, at("2026-11-24T11:00:00+01:00"));
    EXPECT_INTEQ(1795514400, at("2026-11-24T05:30:00-0430"));
    EXPECT_INTEQ(1795514400, at("2026-11-24t10:00:00z"));
    EXPECT_INTEQ(951782400, at("2000-02-29T00:00:00Z"));       /* a leap day */
    EXPECT_INTEQ(-1, at("2026-11-24T10:00:00"));               /* no zone: never the local one */
    EXPECT_INTEQ(-1, at("2026-11-24"));
    EXPECT_INTEQ(-1, at("2026-13-01T00:00:00Z"));
    EXPECT_INTEQ(-1, at("2026-02-29T00:00:00Z"));
    EXPECT_INTEQ(-1, at("2026-11-24T24:00:00Z"));
    EXPECT_INTEQ(-1, at("2026-11-24T10:00:00Zjunk"));
    EXPECT_INTEQ(-1, at("2026-11-24T10:00:00.Z"));
    EXPECT_INTEQ(-1, at(""));
    EXPECT_INTEQ(-1, at("tomorrow"));
}

static void creds_value_copies_and_releases(void)
{
    struct vp_creds a = { 0 }, b = { 0 };

    vp_creds_set(&a, "AKIAX", "secret", "", 42, "env");
    EXPECT_STREQ("AKIAX", a.access_key_id);
    EXPECT_STREQ("secret", a.secret_access_key);
    EXPECT(a.session_token == NULL);            /* empty is none */
    vp_creds_copy(&b, &a);
    vp_creds_release(&a);
    EXPECT(a.access_key_id == NULL && a.secret_access_key == NULL && a.expires_at == 0);
    EXPECT_STREQ("secret", b.secret_access_key);
    EXPECT_INTEQ(42, b.expires_at);
    EXPECT_STREQ("env", b.source);
    vp_creds_release(&b);
    vp_creds_release(&b);                       /* releasing twice is harmless */
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    char cmd[300];

    snprintf(tmpdir, sizeof(tmpdir), "%s/vp-test-config.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    T_RUN(ini_reads_profiles_and_comments);
    T_RUN(ini_reads_nested_blocks);
    T_RUN(ini_reads_windows_files);
    T_RUN(ini_errors_name_path_and_line);
    T_RUN(ini_errors_never_echo_the_line);
    T_RUN(ini_missing_file_is_empty);
    T_RUN(profiles_come_from_both_files);
    T_RUN(profile_selection_order);
    T_RUN(unknown_explicit_profile_is_an_error);
    T_RUN(malformed_files_fail_the_load);
    T_RUN(region_precedence);
    T_RUN(retry_settings);
    T_RUN(s3_path_style);
    T_RUN(default_paths_follow_home);
    T_RUN(default_section_forms);
    T_RUN(iso8601_times);
    T_RUN(creds_value_copies_and_releases);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return t_done();
}

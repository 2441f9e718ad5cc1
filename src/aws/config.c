/* config.c: the shared AWS config and credentials files, parsed as botocore parses them (Python's
 * configparser in strict mode, then botocore's one level of nested sub-settings), and the client settings
 * taken from them and from the environment.
 *
 * DESIGN: the parser follows configparser line by line, because users' files were written against the
 * AWS CLI: full-line comments start with '#' or ';' (an inline "# ..." stays part of the value, as in
 * botocore); a key ends at the first '=' or ':'; keys are lower-cased; a line indented deeper than its key
 * continues that key's value; a key whose first line is empty and which has continuation lines is a nested
 * block ("s3 =" then "  addressing_style = path"), stored as "s3.addressing_style"; a section or a key
 * repeated in one file is an error. Errors name the file and line but never echo the line: a credentials
 * file holds secrets. */
#include "aws/config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"

#define INI_MAX_BYTES (4u << 20)        /* no real config file is near 4 MiB */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

/* [s, e) without surrounding whitespace. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && is_blank(**s))
        (*s)++;
    while (*e > *s && is_blank((*e)[-1]))
        (*e)--;
}

/* A section header's name as lookups use it: "profile dev", "services local", "default". The first word
 * and the rest are joined by one space and a quoted rest is unquoted, as botocore's shlex.split does for
 * '[profile "my dev"]'. */
static char *section_name(const char *s, const char *e)
{
    const char *w;
    struct vp_buf b = VP_BUF_INIT(0);

    trim(&s, &e);
    for (w = s; w < e && !is_blank(*w); w++)
        ;
    vp_buf_put(&b, s, (size_t)(w - s));
    if (w < e) {
        const char *r = w, *re = e;
        trim(&r, &re);
        if (re - r >= 2 && (*r == '"' || *r == '\'') && re[-1] == *r)
            r++, re--;
        vp_buf_putc(&b, ' ');
        vp_buf_put(&b, r, (size_t)(re - r));
    }
    return vp_buf_detach(&b, NULL);
}

struct parser {
    const char *path;
    struct vp_ini *ini;
    struct vp_err *err;
    int line;
    struct vp_ini_section *sec;     /* NULL before the first header */
    struct vp_kvlist seen;          /* top-level keys of the current section */
    char *key;                      /* the key whose value may continue; NULL when none */
    int key_indent;
    bool nested;                    /* the key's first line was empty: continuations are "k = v" pairs */
    bool had_nested;
    struct vp_buf value;
    int pending_blank;              /* blank lines inside a value, kept only if a continuation follows */
};

static int fail_at(struct parser *p, const char *what)
{
    return vp_fail(p->err, VP_E_AWS_CONFIG, "%s:%d: %s", p->path, p->line, what);
}

static void finish_key(struct parser *p)
{
    if (!p->key)
        return;
    if (!p->nested || !p->had_nested)
        vp_kv_add(&p->sec->values, p->key, p->value.data);
    free(p->key);
    p->key = NULL;
    vp_buf_release(&p->value);
    p->pending_blank = 0;
}

static int start_section(struct parser *p, const char *s, const char *e)
{
    const char *close = NULL;
    char *name, msg[200];

    for (const char *q = s; q < e; q++)
        if (*q == ']')
            close = q;
    if (!close)
        return fail_at(p, "section header has no closing ']'");
    /* Text after the last ']' is ignored, as configparser's header pattern does ("[default] ; note"). */
    name = section_name(s + 1, close);
    if (!name[0]) {
        free(name);
        return fail_at(p, "empty section name '[]'");
    }
    if (vp_ini_section(p->ini, name)) {
        /* configparser (strict, as botocore uses it) refuses a section given twice in one file. */
        snprintf(msg, sizeof(msg), "section '[%.120s]' appears twice", name);
        free(name);
        return fail_at(p, msg);
    }
    p->ini->sections = vp_xrealloc(p->ini->sections, (p->ini->n + 1) * sizeof(*p->ini->sections));
    p->sec = &p->ini->sections[p->ini->n++];
    p->sec->name = name;
    p->sec->values = (struct vp_kvlist)VP_KVLIST_INIT;
    vp_kv_release(&p->seen);
    return 0;
}

static int start_key(struct parser *p, const char *s, const char *e, int indent)
{
    const char *d = s, *ks = s, *ke, *vs, *ve = e;
    char msg[200];

    if (!p->sec)
        return fail_at(p, "a setting before any [section] header");
    while (d < e && *d != '=' && *d != ':')
        d++;
    if (d == e)
        return fail_at(p, "expected 'key = value' or a [section] header");
    ke = d;
    trim(&ks, &ke);
    if (ks == ke)
        return fail_at(p, "a setting with no name before '='");
    vs = d + 1;
    trim(&vs, &ve);
    p->key = vp_xstrndup(ks, (size_t)(ke - ks));
    for (char *c = p->key; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (vp_kv_get(&p->seen, p->key)) {
        snprintf(msg, sizeof(msg), "'%.60s' appears twice in section '[%.60s]'", p->key, p->sec->name);
        return fail_at(p, msg);
    }
    vp_kv_add(&p->seen, p->key, "");
    p->key_indent = indent;
    p->nested = vs == ve;
    p->had_nested = false;
    vp_buf_put(&p->value, vs, (size_t)(ve - vs));
    return 0;
}

static int continue_key(struct parser *p, const char *s, const char *e)
{
    if (p->nested) {
        /* botocore's _parse_nested: every line of the block is "key = value" split at the first '='. */
        const char *d = memchr(s, '=', (size_t)(e - s)), *ks = s, *ke, *vs, *ve = e;
        char *name, *value;

        if (!d)
            return fail_at(p, "expected 'key = value' in a nested block");
        ke = d;
        trim(&ks, &ke);
        if (ks == ke)
            return fail_at(p, "a nested setting with no name before '='");
        vs = d + 1;
        trim(&vs, &ve);
        name = vp_xasprintf("%s.%.*s", p->key, (int)(ke - ks), ks);
        value = vp_xstrndup(vs, (size_t)(ve - vs));
        vp_kv_set(&p->sec->values, name, value);    /* a repeated nested key: the last one wins */
        free(name);
        free(value);
        p->had_nested = true;
        p->pending_blank = 0;
        return 0;
    }
    for (; p->pending_blank > 0; p->pending_blank--)
        vp_buf_putc(&p->value, '\n');
    vp_buf_putc(&p->value, '\n');
    vp_buf_put(&p->value, s, (size_t)(e - s));
    return 0;
}

static int parse_line(struct parser *p, const char *s, const char *e)
{
    const char *ts = s, *te = e;
    int indent = 0;

    trim(&ts, &te);
    if (ts == te) {
        if (p->key)
            p->pending_blank++;
        return 0;
    }
    if (*ts == '#' || *ts == ';')
        return 0;                       /* a full-line comment, indented or not */
    for (const char *q = s; q < ts; q++)
        indent++;
    if (p->key && indent > p->key_indent)
        return continue_key(p, ts, te);
    finish_key(p);
    if (*ts == '[')
        return start_section(p, ts, te);
    return start_key(p, ts, te, indent);
}

int vp_ini_parse_string(const char *text, const char *path_for_errors, struct vp_ini *out, struct vp_err *err)
{
    struct parser p = { .path = path_for_errors ? path_for_errors : "(string)", .ini = out, .err = err,
                        .value = VP_BUF_INIT(0) };
    const char *s = text;
    int ret = 0;

    memset(out, 0, sizeof(*out));
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        s += 3;                         /* a UTF-8 byte order mark, as editors on Windows write */
    while (*s && ret == 0) {
        const char *e = strchr(s, '\n');
        if (!e)
            e = s + strlen(s);
        p.line++;
        ret = parse_line(&p, s, e);
        s = *e ? e + 1 : e;
    }
    if (ret == 0)
        finish_key(&p);
    free(p.key);
    vp_buf_release(&p.value);
    vp_kv_release(&p.seen);
    if (ret < 0)
        vp_ini_release(out);
    return ret;
}

int vp_ini_parse_file(const char *path, struct vp_ini *out, struct vp_err *err)
{
    struct vp_buf text = VP_BUF_INIT(INI_MAX_BYTES);
    struct stat st;
    char chunk[8192];
    size_t n;
    FILE *f;
    int ret = 0;

    memset(out, 0, sizeof(*out));
    /* botocore treats anything that is not a regular file (missing, a directory) as no file at all. */
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return 0;
    if (!(f = fopen(path, "rb")))
        return vp_fail(err, VP_E_AWS_CONFIG, "%s: cannot read: %s", path, strerror(errno));
    while (ret == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (vp_buf_add(&text, chunk, n, err) < 0)
            ret = vp_fail(err, VP_E_AWS_CONFIG, "%s: larger than %u bytes", path, INI_MAX_BYTES);
    if (ret == 0 && ferror(f))
        ret = vp_fail(err, VP_E_AWS_CONFIG, "%s: cannot read: %s", path, strerror(errno));
    fclose(f);
    if (ret == 0 && memchr(text.data, '\0', text.len))
        ret = vp_fail(err, VP_E_AWS_CONFIG, "%s: not a text file (it holds NUL bytes)", path);
    if (ret == 0)
        ret = vp_ini_parse_string(text.data, path, out, err);
    vp_buf_release(&text);
    return ret;
}

const struct vp_kvlist *vp_ini_section(const struct vp_ini *ini, const char *name)
{
    for (size_t i = 0; i < ini->n; i++)
        if (strcmp(ini->sections[i].name, name) == 0)
            return &ini->sections[i].values;
    return NULL;
}

void vp_ini_release(struct vp_ini *ini)
{
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->sections[i].name);
        vp_kv_release(&ini->sections[i].values);
    }
    free(ini->sections);
    ini->sections = NULL;
    ini->n = 0;
}

/* ---- profiles and settings ---- */

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);

    return v && *v ? v : NULL;
}

static const char *home_dir(void)
{
    const char *h = env_nonempty("HOME");
    struct passwd *pw;

    if (h)
        return h;
    pw = getpwuid(getuid());
    return pw && pw->pw_dir ? pw->pw_dir : "";
}

/* The file a variable names (with a leading "~" expanded as botocore's expanduser does), else the default. */
static char *file_path(const char *var, const char *default_rel)
{
    const char *v = env_nonempty(var);

    if (!v)
        return vp_xasprintf("%s/%s", home_dir(), default_rel);
    if (v[0] == '~' && (v[1] == '/' || v[1] == '\0'))
        return vp_xasprintf("%s%s", home_dir(), v + 1);
    return vp_xstrdup(v);
}

/* A profile's section in the config file: "[profile NAME]", or "[default]" for default. When both
 * "[default]" and "[profile default]" exist, the later one wins, as in botocore's profile map. */
static const struct vp_kvlist *config_profile(const struct vp_ini *ini, const char *profile)
{
    const struct vp_kvlist *found = NULL;

    for (size_t i = 0; i < ini->n; i++) {
        const char *n = ini->sections[i].name;
        if ((strncmp(n, "profile ", 8) == 0 && strcmp(n + 8, profile) == 0) ||
            (strcmp(profile, "default") == 0 && strcmp(n, "default") == 0))
            found = &ini->sections[i].values;
    }
    return found;
}

bool vp_config_profile_exists(const struct vp_aws_config *cfg, const char *profile)
{
    return config_profile(&cfg->config_file, profile) || vp_ini_section(&cfg->credentials_file, profile);
}

const char *vp_config_profile_get(const struct vp_aws_config *cfg, const char *profile, const char *key)
{
    const struct vp_kvlist *c = config_profile(&cfg->config_file, profile);
    const struct vp_kvlist *k = vp_ini_section(&cfg->credentials_file, profile);
    const char *v;

    /* botocore's full_config merges the credentials file's profile over the config file's: for a key in
     * both files, the credentials file's value is the one used. */
    if (k && (v = vp_kv_get(k, key)))
        return v;
    return c ? vp_kv_get(c, key) : NULL;
}

const char *vp_config_get(const struct vp_aws_config *cfg, const char *key)
{
    return vp_config_profile_get(cfg, cfg->profile, key);
}

/* A setting from the environment, else from the selected profile; *from names where it came from. */
static const char *setting(const struct vp_aws_config *cfg, const char *env, const char *key, char *from,
                           size_t from_len)
{
    const char *v = env_nonempty(env);

    if (v) {
        snprintf(from, from_len, "%s", env);
        return v;
    }
    snprintf(from, from_len, "%s in profile '%s'", key, cfg->profile);
    return vp_config_get(cfg, key);
}

static int load_retry_settings(struct vp_aws_config *cfg, struct vp_err *err)
{
    char from[160];
    const char *v = setting(cfg, "AWS_RETRY_MODE", "retry_mode", from, sizeof(from));

    cfg->retry_mode = VP_RETRY_STANDARD;
    if (v) {
        /* botocore accepts exactly these three, lower case (InvalidRetryModeError otherwise). */
        if (strcmp(v, "standard") == 0)
            cfg->retry_mode = VP_RETRY_STANDARD;
        else if (strcmp(v, "legacy") == 0)
            cfg->retry_mode = VP_RETRY_LEGACY;
        else if (strcmp(v, "adaptive") == 0)
            cfg->retry_mode = VP_RETRY_ADAPTIVE;
        else
            return vp_fail(err, VP_E_AWS_CONFIG, "%s is '%.40s'; it must be standard, legacy or adaptive", from, v);
    }
    v = setting(cfg, "AWS_MAX_ATTEMPTS", "max_attempts", from, sizeof(from));
    /* Unset: 3 attempts in standard and adaptive mode, 5 in legacy mode, as botocore counts them. */
    cfg->max_attempts = cfg->retry_mode == VP_RETRY_LEGACY ? 5 : 3;
    if (v) {
        char *end;
        long n;
        errno = 0;
        n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < 1 || n > 1000)
            return vp_fail(err, VP_E_AWS_CONFIG, "%s is '%.40s'; it must be a whole number of attempts, 1 or more",
                           from, v);
        cfg->max_attempts = (int)n;
    }
    return 0;
}

int vp_config_load(struct vp_aws_config *cfg, const char *profile_override, struct vp_err *err)
{
    const char *v;

    memset(cfg, 0, sizeof(*cfg));
    cfg->config_path = file_path("AWS_CONFIG_FILE", ".aws/config");
    cfg->credentials_path = file_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    if (vp_ini_parse_file(cfg->config_path, &cfg->config_file, err) < 0 ||
        vp_ini_parse_file(cfg->credentials_path, &cfg->credentials_file, err) < 0)
        goto fail;

    /* botocore reads the legacy AWS_DEFAULT_PROFILE before AWS_PROFILE. */
    if (profile_override && *profile_override)
        v = profile_override;
    else if (!(v = env_nonempty("AWS_DEFAULT_PROFILE")))
        v = env_nonempty("AWS_PROFILE");
    cfg->profile_explicit = v != NULL;
    cfg->profile = vp_xstrdup(v ? v : "default");
    if (cfg->profile_explicit && !vp_config_profile_exists(cfg, cfg->profile)) {
        vp_fail(err, VP_E_AWS_CONFIG, "profile '%s' not found in %s or %s", cfg->profile, cfg->config_path,
                cfg->credentials_path);
        goto fail;
    }

    if ((v = env_nonempty("AWS_REGION")) || (v = env_nonempty("AWS_DEFAULT_REGION")) ||
        ((v = vp_config_get(cfg, "region")) && *v))
        cfg->region = vp_xstrdup(v);

    if (load_retry_settings(cfg, err) < 0)
        goto fail;

    v = env_nonempty("AWS_S3_FORCE_PATH_STYLE");
    cfg->s3_force_path_style = (v && strcmp(v, "true") == 0) ||
                               ((v = vp_config_get(cfg, "s3.addressing_style")) && strcmp(v, "path") == 0);
    return 0;
fail:
    vp_config_release(cfg);
    return -1;
}

void vp_config_release(struct vp_aws_config *cfg)
{
    free(cfg->profile);
    free(cfg->region);
    vp_ini_release(&cfg->config_file);
    vp_ini_release(&cfg->credentials_file);
    free(cfg->config_path);
    free(cfg->credentials_path);
    memset(cfg, 0, sizeof(*cfg));
}

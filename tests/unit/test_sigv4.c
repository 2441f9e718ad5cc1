/* test_sigv4.c: the SigV4 signer through its C API: S3's published examples (case.json), the rules the
 * suite's CLI walk does not reach on its own (double encoding of ARNs, presigned S3 with UNSIGNED-PAYLOAD,
 * unsigned session tokens, re-signing), and the test-case reader. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "aws/sigv4_case.h"
#include "aws/uri.h"
#include "t.h"

#define SUITE_TIME 1440938160       /* 2015-08-30T12:36:00Z, the SigV4 suite's signing time */
#define S3_DOC_TIME 1369353600      /* 2013-05-24T00:00:00Z, the S3 documentation's examples */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* One request to sign, with the SigV4 suite's defaults: AKIDEXAMPLE, us-east-1, "service", header form. */
struct fixture {
    struct vp_kvlist headers, query;
    struct vp_creds creds;
    struct vp_sigv4_request req;
    struct vp_sigv4_params params;
    struct vp_sigv4 sig;
    struct vp_err err;
};

static void fixture_init(struct fixture *f, const char *method, const char *path, const char *host)
{
    memset(f, 0, sizeof(*f));
    vp_creds_set(&f->creds, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL, 0, "test");
    vp_kv_add(&f->headers, "Host", host);
    f->req = (struct vp_sigv4_request){ .method = method, .path = path, .query = &f->query,
                                        .headers = &f->headers };
    f->params = (struct vp_sigv4_params){ .service = "service", .region = "us-east-1", .time = SUITE_TIME,
                                          .mode = VP_SIGV4_HEADER, .normalize_path = true };
    f->sig = (struct vp_sigv4)VP_SIGV4_INIT;
}

static void fixture_release(struct fixture *f)
{
    vp_kv_release(&f->headers);
    vp_kv_release(&f->query);
    vp_creds_release(&f->creds);
    vp_sigv4_release(&f->sig);
}

static int sign(struct fixture *f)
{
    return vp_sigv4_sign(&f->req, &f->params, &f->creds, &f->sig, &f->err);
}

/* Line n (0-based) of text, in a static buffer. */
static const char *line_of(const char *text, int n)
{
    static char line[2048];
    size_t len;

    while (n-- > 0 && text) {
        text = strchr(text, '\n');
        text = text ? text + 1 : NULL;
    }
    if (!text)
        return "(no such line)";
    len = strcspn(text, "\n");
    if (len >= sizeof(line))
        len = sizeof(line) - 1;
    memcpy(line, text, len);
    line[len] = '\0';
    return line;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void sha256_hex_matches_known_digests(void)
{
    char hex[65];

    vp_sha256_hex("", 0, hex);
    EXPECT_STREQ(EMPTY_SHA256, hex);
    vp_sha256_hex(NULL, 0, hex);
    EXPECT_STREQ(EMPTY_SHA256, hex);
    vp_sha256_hex("abc", 3, hex);
    EXPECT_STREQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex);
}

/* ---- S3's published examples, from each $VP_TESTDATA/s3-sigv4/<case>/case.json ---- */

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void pairs_into(struct vp_kvlist *l, const json_t *pairs)
{
    size_t i;
    const json_t *pair;

    json_array_foreach(pairs, i, pair)
        vp_kv_add(l, json_string_value(json_array_get(pair, 0)), json_string_value(json_array_get(pair, 1)));
}

/* The Authorization value without the space after each comma, as the S3 documentation prints it. */
static char *without_comma_spaces(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;

    for (; *s; s++)
        if (!(*s == ' ' && o > out && o[-1] == ','))
            *o++ = *s;
    *o = '\0';
    return out;
}

static void check_s3_case(const char *dir_name, const json_t *c)
{
    const json_t *expected = json_object_get(c, "expected"), *added;
    char *wire_path = vp_uri_encode_new(jstr(c, "path"), true), *auth;
    struct fixture f;
    time_t when;
    size_t i;

    printf("#   case %s\n", dir_name);
    fixture_init(&f, jstr(c, "method"), wire_path, "unused");
    vp_kv_release(&f.headers);
    pairs_into(&f.headers, json_object_get(c, "headers"));
    pairs_into(&f.query, json_object_get(c, "query"));
    vp_creds_release(&f.creds);
    vp_creds_set(&f.creds, jstr(c, "access_key_id"), jstr(c, "secret_access_key"), jstr(c, "session_token"), 0,
                 "test");
    EXPECT_INTEQ(0, vp_parse_iso8601(jstr(c, "timestamp"), &when));
    f.req.body = jstr(c, "body");
    f.req.body_len = strlen(jstr(c, "body"));
    f.params = (struct vp_sigv4_params){ .service = jstr(c, "service"), .region = jstr(c, "region"),
                                         .time = when, .mode = VP_SIGV4_HEADER, .s3_rules = true,
                                         .sign_body = true };
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ(jstr(expected, "canonical_request"), f.sig.canonical_request.data);
    EXPECT_STREQ(jstr(expected, "string_to_sign"), f.sig.string_to_sign.data);
    EXPECT_STREQ(jstr(expected, "signature"), f.sig.signature);
    EXPECT(ends_with(f.sig.canonical_request.data, jstr(c, "payload_hash")));
    json_array_foreach(json_object_get(expected, "headers_added_by_signer"), i, added)
        EXPECT_STREQ(json_string_value(json_array_get(added, 1)),
                     vp_kv_get(&f.headers, json_string_value(json_array_get(added, 0))));
    auth = without_comma_spaces(vp_kv_get(&f.headers, "Authorization"));
    EXPECT_STREQ(jstr(expected, "authorization_as_published"), auth);
    free(auth);
    free(wire_path);
    fixture_release(&f);
}

static void s3_published_examples_match(void)
{
    char root[1024];
    DIR *d;
    struct dirent *e;
    int cases = 0;

    snprintf(root, sizeof(root), "%s/s3-sigv4", t_testdata());
    d = opendir(root);
    EXPECT(d != NULL);
    while (d && (e = readdir(d))) {
        char path[2048];
        json_t *c;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s/case.json", root, e->d_name);
        if (!(c = json_load_file(path, 0, NULL)))
            continue;
        check_s3_case(e->d_name, c);
        json_decref(c);
        cases++;
    }
    if (d)
        closedir(d);
    EXPECT(cases >= 3);
}

/* ---- rules through the API ---- */

/* MediaConvert's tag calls put an ARN in the path; every service but S3 signs the wire path encoded again. */
static void mediaconvert_arn_is_encoded_twice(void)
{
    struct fixture f;

    fixture_init(&f, "GET",
                 "/2017-08-29/tags/arn%3Aaws%3Amediaconvert%3Aus-east-1%3A123456789012%3Apresets%2Fweb-720p",
                 "mediaconvert.us-east-1.amazonaws.com");
    f.params.service = "mediaconvert";
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ("/2017-08-29/tags/arn%253Aaws%253Amediaconvert%253Aus-east-1%253A123456789012%253Apresets"
                 "%252Fweb-720p",
                 line_of(f.sig.canonical_request.data, 1));
    fixture_release(&f);
}

static void s3_path_is_encoded_once_and_never_normalised(void)
{
    struct fixture f;

    fixture_init(&f, "GET", "/uploads/../my%20video+1/./x$.mp4", "b.s3.amazonaws.com");
    f.params.service = "s3";
    f.params.s3_rules = true;
    f.params.sign_body = true;
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ("/uploads/../my%20video%2B1/./x%24.mp4", line_of(f.sig.canonical_request.data, 1));
    EXPECT_STREQ(EMPTY_SHA256, vp_kv_get(&f.headers, "x-amz-content-sha256"));
    fixture_release(&f);
}

static void non_s3_path_is_normalised(void)
{
    static const char *const cases[][2] = {
        { "/a/./b/../c//d/", "/a/c/d/" }, { "/..", "/" }, { "", "/" }, { "//a//b", "/a/b" },
        { "/a/b/..", "/a" }, { "/\xe1\x88\xb4", "/%E1%88%B4" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture f;

        fixture_init(&f, "GET", cases[i][0], "example.amazonaws.com");
        EXPECT_INTEQ(0, sign(&f));
        EXPECT_STREQ(cases[i][1], line_of(f.sig.canonical_request.data, 1));
        fixture_release(&f);
    }
}

/* The S3 documentation's presigned GET example: query form, UNSIGNED-PAYLOAD, one day. */
static void s3_presigned_url_signs_unsigned_payload(void)
{
    static const char *const order[] = {
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires",
        "X-Amz-Signature",
    };
    struct fixture f;

    fixture_init(&f, "GET", "/test.txt", "examplebucket.s3.amazonaws.com");
    vp_creds_release(&f.creds);
    vp_creds_set(&f.creds, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL, 0, "test");
    f.params = (struct vp_sigv4_params){ .service = "s3", .region = "us-east-1", .time = S3_DOC_TIME,
                                         .mode = VP_SIGV4_QUERY, .expires_s = 86400, .s3_rules = true,
                                         .sign_body = true, .payload_hash = "UNSIGNED-PAYLOAD" };
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ("GET\n/test.txt\n"
                 "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3"
                 "%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n"
                 "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD",
                 f.sig.canonical_request.data);
    EXPECT_STREQ("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", f.sig.signature);
    EXPECT_INTEQ(6, f.query.n);
    for (size_t i = 0; i < 6 && i < f.query.n; i++)
        EXPECT_STREQ(order[i], f.query.items[i].name);
    EXPECT_STREQ("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request", vp_kv_get(&f.query, "X-Amz-Credential"));
    EXPECT_STREQ(f.sig.signature, vp_kv_get(&f.query, "X-Amz-Signature"));
    EXPECT_INTEQ(1, f.headers.n);       /* the query form adds no header */
    fixture_release(&f);
}

static void repeated_headers_join_in_request_order(void)
{
    struct fixture f;

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_kv_add(&f.headers, "My-Header1", "value4");
    vp_kv_add(&f.headers, "my-header1", "value1");
    vp_kv_add(&f.headers, "A-First", " x ");
    vp_kv_add(&f.headers, "MY-HEADER1", "value3");
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ("a-first:x", line_of(f.sig.canonical_request.data, 3));
    EXPECT_STREQ("my-header1:value4,value1,value3", line_of(f.sig.canonical_request.data, 5));
    EXPECT_STREQ("a-first;host;my-header1;x-amz-date", line_of(f.sig.canonical_request.data, 8));
    fixture_release(&f);
}

static void folded_and_padded_values_collapse(void)
{
    struct fixture f;

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_kv_add(&f.headers, "My-Header1", "value1\n  value2\n     value3");
    vp_kv_add(&f.headers, "My-Header2", " \"a   b \t c\"  ");
    vp_kv_add(&f.headers, "My-Header3", "");
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ("my-header1:value1 value2 value3", line_of(f.sig.canonical_request.data, 4));
    EXPECT_STREQ("my-header2:\"a b c\"", line_of(f.sig.canonical_request.data, 5));
    EXPECT_STREQ("my-header3:", line_of(f.sig.canonical_request.data, 6));
    /* the suite's get-header-value-multiline signature */
    fixture_release(&f);
    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_kv_add(&f.headers, "My-Header1", "value1\n  value2\n     value3");
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ("cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd", f.sig.signature);
    fixture_release(&f);
}

static void proxy_headers_are_not_signed(void)
{
    struct fixture f;

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_kv_add(&f.headers, "User-Agent", "vidpipe/0.1");
    vp_kv_add(&f.headers, "X-Amzn-Trace-Id", "Root=1-5759e988");
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ("host;x-amz-date", line_of(f.sig.canonical_request.data, 6));
    fixture_release(&f);
}

static void query_is_encoded_then_sorted(void)
{
    struct fixture f;

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_kv_add(&f.query, "b", "2");
    vp_kv_add(&f.query, "lifecycle", "");
    vp_kv_add(&f.query, "a", "z");
    vp_kv_add(&f.query, "a", "1 2/3");
    vp_kv_add(&f.query, "A", "x+y=");
    EXPECT_INTEQ(0, sign(&f));
    EXPECT_STREQ("A=x%2By%3D&a=1%202%2F3&a=z&b=2&lifecycle=", line_of(f.sig.canonical_request.data, 2));
    fixture_release(&f);
}

static void session_token_signed_by_default(void)
{
    struct fixture f;

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_creds_release(&f.creds);
    vp_creds_set(&f.creds, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                 "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267", 0, "test");
    EXPECT_INTEQ(0, sign(&f));
    /* the suite's get-vanilla-with-session-token */
    EXPECT_STREQ("07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8", f.sig.signature);
    EXPECT_STREQ("host;x-amz-date;x-amz-security-token", line_of(f.sig.canonical_request.data, 7));
    fixture_release(&f);
}

static void omitted_session_token_is_added_after_signing(void)
{
    struct fixture f;
    const char *token = "AQoDYXdzEPT//////////wEXAMPLE+token==";

    fixture_init(&f, "POST", "/", "example.amazonaws.com");
    vp_creds_release(&f.creds);
    vp_creds_set(&f.creds, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token, 0, "test");
    f.params.omit_session_token = true;
    EXPECT_INTEQ(0, sign(&f));
    EXPECT(strstr(f.sig.canonical_request.data, "security-token") == NULL);
    EXPECT_STREQ("X-Amz-Security-Token", f.headers.items[f.headers.n - 1].name);
    EXPECT_STREQ(token, f.headers.items[f.headers.n - 1].value);
    EXPECT_STREQ("Authorization", f.headers.items[f.headers.n - 2].name);
    /* unsigned, the token changes nothing: the suite's post-vanilla signature */
    EXPECT_STREQ("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", f.sig.signature);
    fixture_release(&f);

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_creds_release(&f.creds);
    vp_creds_set(&f.creds, "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token, 0, "test");
    f.params.omit_session_token = true;
    f.params.mode = VP_SIGV4_QUERY;
    f.params.expires_s = 3600;
    EXPECT_INTEQ(0, sign(&f));
    EXPECT(strstr(f.sig.canonical_request.data, "Security-Token") == NULL);
    EXPECT_STREQ("X-Amz-Signature", f.query.items[f.query.n - 2].name);
    EXPECT_STREQ("X-Amz-Security-Token", f.query.items[f.query.n - 1].name);
    /* the suite's get-vanilla query-form signature */
    EXPECT_STREQ("e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d", f.sig.signature);
    fixture_release(&f);
}

/* A retried request signed again keeps one signature, not two. */
static void signing_again_replaces_the_signature(void)
{
    struct fixture f;
    size_t dates = 0, auths = 0;

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    EXPECT_INTEQ(0, sign(&f));
    f.params.time += 300;
    EXPECT_INTEQ(0, sign(&f));
    for (size_t i = 0; i < f.headers.n; i++) {
        dates += strcmp(f.headers.items[i].name, "X-Amz-Date") == 0;
        auths += strcmp(f.headers.items[i].name, "Authorization") == 0;
    }
    EXPECT_INTEQ(1, dates);
    EXPECT_INTEQ(1, auths);
    EXPECT_STREQ("20150830T124100Z", vp_kv_get(&f.headers, "X-Amz-Date"));
    EXPECT_STREQ("host;x-amz-date", line_of(f.sig.canonical_request.data, 6));
    fixture_release(&f);
}

static void refuses_what_it_cannot_sign(void)
{
    struct fixture f;

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_kv_remove(&f.headers, "Host");
    EXPECT_INTEQ(-1, sign(&f));
    EXPECT(strstr(f.err.msg, "Host") != NULL);
    fixture_release(&f);

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    vp_creds_release(&f.creds);
    EXPECT_INTEQ(-1, sign(&f));
    EXPECT_INTEQ(VP_E_AWS_NO_CREDENTIALS, f.err.code);
    fixture_release(&f);

    fixture_init(&f, "GET", "/", "example.amazonaws.com");
    f.params.mode = VP_SIGV4_QUERY;
    EXPECT_INTEQ(-1, sign(&f));
    EXPECT(strstr(f.err.msg, "X-Amz-Expires") != NULL);
    EXPECT_INTEQ(1, f.headers.n);       /* nothing was added before the refusal */
    EXPECT_INTEQ(0, f.query.n);
    fixture_release(&f);
}

/* ---- the test-case reader ---- */

static void case_reader_keeps_folds_query_and_body(void)
{
    static const char text[] = "POST /a%20b/?x=1&flag&y=%2F HTTP/1.1\r\n"
                               "Host:example.amazonaws.com\r\n"
                               "My-Header1:value1\n"
                               "  value2\n"
                               "\n"
                               "Param1=value1\n";
    struct vp_sigv4_case c;
    struct vp_err err;

    vp_sigv4_case_init(&c);
    EXPECT_INTEQ(0, vp_sigv4_case_parse_request(&c, text, sizeof(text) - 1, "request.txt", &err));
    EXPECT_STREQ("POST", c.method);
    EXPECT_STREQ("/a%20b/", c.path);
    EXPECT_STREQ("x=1&flag&y=%2F", c.raw_query);
    EXPECT_INTEQ(3, c.query.n);
    EXPECT_STREQ("", vp_kv_get(&c.query, "flag"));
    EXPECT_STREQ("/", vp_kv_get(&c.query, "y"));
    EXPECT_STREQ("value1\n  value2", vp_kv_get(&c.headers, "my-header1"));
    EXPECT_STREQ("Param1=value1\n", c.body.data);
    EXPECT_STREQ("HTTP/1.1", c.version);
    vp_sigv4_case_release(&c);
}

static void case_reader_refuses_broken_requests(void)
{
    static const char *const broken[] = {
        "", "\n", "Host:example.amazonaws.com\n", "GET HTTP/1.1\nHost:x\n", "GET / FTP\nHost:x\n",
        "GET / HTTP/1.1\nHost:x\nno colon\n", "GET / HTTP/1.1\n folded\nHost:x\n", "GET / HTTP/1.1\nX:1\n",
        "GET / HTTP/1.1\n: empty name\nHost:x\n",
    };

    for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
        struct vp_sigv4_case c;
        struct vp_err err = { 0 };

        vp_sigv4_case_init(&c);
        EXPECT_INTEQ(-1, vp_sigv4_case_parse_request(&c, broken[i], strlen(broken[i]), "req.txt", &err));
        EXPECT_INTEQ(VP_E_PARSE, err.code);
        EXPECT(strncmp(err.msg, "req.txt:", 8) == 0);
        vp_sigv4_case_release(&c);
    }
}

/* The query form's signed request: the query as written, then the added parameters, encoded. */
static void case_writes_presigned_request(void)
{
    static const char text[] = "GET /?lifecycle HTTP/1.1\nHost:examplebucket.s3.amazonaws.com\n\n";
    static const char want_start[] = "GET /?lifecycle&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                                     "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=";
    struct vp_sigv4_case c;
    struct vp_sigv4 sig = VP_SIGV4_INIT;
    struct vp_buf out = VP_BUF_INIT(0);
    struct vp_err err;

    vp_sigv4_case_init(&c);
    EXPECT_INTEQ(0, vp_sigv4_case_parse_request(&c, text, sizeof(text) - 1, "request.txt", &err));
    vp_creds_set(&c.creds, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL, 0, "test");
    c.params = (struct vp_sigv4_params){ .service = "s3", .region = "us-east-1", .time = S3_DOC_TIME,
                                         .expires_s = 60, .s3_rules = true };
    EXPECT_INTEQ(0, vp_sigv4_case_sign(&c, VP_SIGV4_QUERY, &sig, &err));
    EXPECT(ends_with(sig.canonical_request.data, "\nUNSIGNED-PAYLOAD"));
    EXPECT(strstr(sig.canonical_request.data, "\nX-Amz-Algorithm=AWS4-HMAC-SHA256&") != NULL);
    EXPECT(strstr(sig.canonical_request.data, "&lifecycle=\n") != NULL);
    vp_sigv4_case_write_signed(&c, VP_SIGV4_QUERY, &out);
    EXPECT(strncmp(out.data, want_start, strlen(want_start)) == 0);
    EXPECT(ends_with(line_of(out.data, 0), " HTTP/1.1"));
    EXPECT_STREQ("Host:examplebucket.s3.amazonaws.com", line_of(out.data, 1));
    EXPECT(ends_with(out.data, "\n\n"));
    vp_buf_release(&out);
    vp_sigv4_release(&sig);
    vp_sigv4_case_release(&c);
}

int main(void)
{
    T_RUN(sha256_hex_matches_known_digests);
    T_RUN(s3_published_examples_match);
    T_RUN(mediaconvert_arn_is_encoded_twice);
    T_RUN(s3_path_is_encoded_once_and_never_normalised);
    T_RUN(non_s3_path_is_normalised);
    T_RUN(s3_presigned_url_signs_unsigned_payload);
    T_RUN(repeated_headers_join_in_request_order);
    T_RUN(folded_and_padded_values_collapse);
    T_RUN(proxy_headers_are_not_signed);
    T_RUN(query_is_encoded_then_sorted);
    T_RUN(session_token_signed_by_default);
    T_RUN(omitted_session_token_is_added_after_signing);
    T_RUN(signing_again_replaces_the_signature);
    T_RUN(refuses_what_it_cannot_sign);
    T_RUN(case_reader_keeps_folds_query_and_body);
    T_RUN(case_reader_refuses_broken_requests);
    T_RUN(case_writes_presigned_request);
    return t_done();
}

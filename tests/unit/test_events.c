/* test_events.c: the local event plumbing `vidpipe serve` delivers with, without AWS: EventBridge event
 * patterns (a table of pattern/event/verdict rows, the pipeline's own job_events rule against AWS's
 * MediaConvert samples, and what PutRule refuses), S3 notification records (their shape beside AWS's sample,
 * key encoding, and the convert handler reading them back), which notification entries select an event, and
 * PutEvents answers (the events delivered, failed entries, refused requests), and the query string as API
 * Gateway hands it to functions and to a $request.querystring authorizer. The bucket watcher runs
 * against moto in tests/scenarios/6700-s3-watch.sh. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/xalloc.h"
#include "handlers/convert.h"
#include "handlers/package.h"
#include "local/apigw_proxy.h"
#include "local/event_pattern.h"
#include "local/events_put.h"
#include "local/s3_event.h"
#include "t.h"

/* JSON written with ' for " (the tables stay readable); NULL when it does not parse. */
static json_t *J(const char *text)
{
    char *s = vp_xstrdup(text);
    json_t *v;

    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    v = json_loads(s, JSON_DECODE_ANY, NULL);
    free(s);
    return v;
}

static bool equals_text(const json_t *v, const char *text)
{
    json_t *want = J(text);
    bool same = json_equal(v, want);

    json_decref(want);
    return same;
}

static json_t *sample(const char *name)
{
    char path[1024];

    snprintf(path, sizeof(path), "%s/events/%s", t_testdata(), name);
    return json_load_file(path, 0, NULL);
}

/* ---- patterns ---- */

struct row {
    const char *pattern, *event;
    bool match;
};

static const struct row rows[] = {
    /* exact values, AND across fields, OR within a list */
    { "{'source': ['aws.ec2']}", "{'source': 'aws.ec2'}", true },
    { "{'source': ['aws.ec2']}", "{'source': 'aws.s3'}", false },
    { "{'source': ['aws.ec2']}", "{'detail': {}}", false },
    { "{'a': ['x', 'y']}", "{'a': 'y'}", true },
    { "{'a': ['x'], 'b': ['y']}", "{'a': 'x', 'b': 'z'}", false },
    { "{'a': ['x'], 'b': ['y']}", "{'a': 'x', 'b': 'y', 'c': 1}", true },
    { "{'detail': {'state': ['running']}}", "{'detail': {'state': 'running'}}", true },
    { "{'detail': {'state': ['running']}}", "{'detail': 'running'}", false },
    { "{'detail': {'state': ['running']}}", "{'detail': {'state': {'running': 1}}}", false },
    /* an event array matches when an element does */
    { "{'resources': ['arn:1']}", "{'resources': ['arn:0', 'arn:1']}", true },
    { "{'resources': ['arn:2']}", "{'resources': ['arn:0', 'arn:1']}", false },
    { "{'a': ['x']}", "{'a': [['y', 'x']]}", true },
    { "{'a': ['x']}", "{'a': []}", false },
    /* numbers numerically, types apart */
    { "{'n': [300]}", "{'n': 3.0e2}", true },
    { "{'n': [300]}", "{'n': 300.0000001}", false },
    { "{'n': [300]}", "{'n': '300'}", false },
    { "{'n': ['300']}", "{'n': 300}", false },
    { "{'n': [123456789012]}", "{'n': 123456789012}", true },
    { "{'n': [null]}", "{'n': null}", true },
    { "{'n': [null]}", "{}", false },
    { "{'n': [null]}", "{'n': 'null'}", false },
    { "{'b': [true]}", "{'b': true}", true },
    { "{'b': [true]}", "{'b': 'true'}", false },
    { "{'b': [false]}", "{'b': true}", false },
    { "{'s': ['']}", "{'s': ''}", true },
    /* prefix, suffix, equals-ignore-case, wildcard: strings only */
    { "{'time': [{'prefix': '2017-10-02'}]}", "{'time': '2017-10-02T18:43:48Z'}", true },
    { "{'time': [{'prefix': '2017-10-02'}]}", "{'time': '2017-10-03T18:43:48Z'}", false },
    { "{'n': [{'prefix': '3'}]}", "{'n': 30}", false },
    { "{'s': [{'prefix': {'equals-ignore-case': 'EventB'}}]}", "{'s': 'eventbridge'}", true },
    { "{'s': [{'prefix': {'equals-ignore-case': 'EventB'}}]}", "{'s': 'event'}", false },
    { "{'f': [{'suffix': '.png'}]}", "{'f': 'a.png'}", true },
    { "{'f': [{'suffix': '.png'}]}", "{'f': 'a.PNG'}", false },
    { "{'f': [{'suffix': {'equals-ignore-case': '.png'}}]}", "{'f': 'a.PNG'}", true },
    { "{'n': [{'equals-ignore-case': 'alice'}]}", "{'n': 'ALICE'}", true },
    { "{'n': [{'equals-ignore-case': 'alice'}]}", "{'n': 'alicia'}", false },
    { "{'n': [{'equals-ignore-case': '\xc3\x89\x63ole \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0'}]}",
      "{'n': '\xc3\xa9\x63OLE \xd0\xbc\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90'}", true },
    { "{'s': [{'wildcard': 'Simple*Service'}]}", "{'s': 'SimpleQueueService'}", true },
    { "{'s': [{'wildcard': 'Simple*Service'}]}", "{'s': 'SimpleService'}", true },
    { "{'s': [{'wildcard': 'Simple*Service'}]}", "{'s': 'SimpleQueue'}", false },
    { "{'s': [{'wildcard': 'a*b*c'}]}", "{'s': 'aXbYbZc'}", true },
    { "{'s': [{'wildcard': 'a*b*c'}]}", "{'s': 'aXbYbZ'}", false },
    { "{'s': [{'wildcard': '*.mp4'}]}", "{'s': 'uploads/a b/c.mp4'}", true },
    { "{'s': [{'wildcard': 'a\\\\*b'}]}", "{'s': 'a*b'}", true },
    { "{'s': [{'wildcard': 'a\\\\*b'}]}", "{'s': 'aXb'}", false },
    { "{'s': [{'wildcard': 'a\\\\\\\\b'}]}", "{'s': 'a\\\\b'}", true },
    /* anything-but: any present leaf value except the excluded ones (of the same kind) */
    { "{'state': [{'anything-but': 'initializing'}]}", "{'state': 'running'}", true },
    { "{'state': [{'anything-but': 'initializing'}]}", "{'state': 'initializing'}", false },
    { "{'state': [{'anything-but': 'initializing'}]}", "{}", false },
    { "{'state': [{'anything-but': 'initializing'}]}", "{'state': 5}", true },
    { "{'state': [{'anything-but': 'initializing'}]}", "{'state': ['initializing', 'running']}", true },
    { "{'state': [{'anything-but': ['stopped', 'overloaded']}]}", "{'state': 'stopped'}", false },
    { "{'state': [{'anything-but': ['stopped', 'overloaded']}]}", "{'state': 'started'}", true },
    { "{'x': [{'anything-but': 123}]}", "{'x': 123.0}", false },
    { "{'x': [{'anything-but': 123}]}", "{'x': 124}", true },
    { "{'x': [{'anything-but': 123}]}", "{'x': '123'}", true },
    { "{'x': [{'anything-but': [100, 200, 300]}]}", "{'x': 2e2}", false },
    { "{'s': [{'anything-but': {'prefix': 'init'}}]}", "{'s': 'initializing'}", false },
    { "{'s': [{'anything-but': {'prefix': 'init'}}]}", "{'s': 'running'}", true },
    { "{'s': [{'anything-but': {'prefix': ['init', 'run']}}]}", "{'s': 'running'}", false },
    { "{'f': [{'anything-but': {'suffix': '.png'}}]}", "{'f': 'a.png'}", false },
    { "{'f': [{'anything-but': {'suffix': '.png'}}]}", "{'f': 'a.jpg'}", true },
    { "{'s': [{'anything-but': {'equals-ignore-case': ['Stopped']}}]}", "{'s': 'STOPPED'}", false },
    { "{'s': [{'anything-but': {'equals-ignore-case': 'Stopped'}}]}", "{'s': 'running'}", true },
    { "{'p': [{'anything-but': {'wildcard': '*/lib/*'}}]}", "{'p': '/usr/lib/x'}", false },
    { "{'p': [{'anything-but': {'wildcard': '*/lib/*'}}]}", "{'p': '/usr/bin/x'}", true },
    /* numeric ranges: numbers only */
    { "{'c': [{'numeric': ['>', 0, '<=', 5]}]}", "{'c': 5}", true },
    { "{'c': [{'numeric': ['>', 0, '<=', 5]}]}", "{'c': 0}", false },
    { "{'c': [{'numeric': ['>', 0, '<=', 5]}]}", "{'c': 5.000001}", false },
    { "{'c': [{'numeric': ['>', 0, '<=', 5]}]}", "{'c': '3'}", false },
    { "{'c': [{'numeric': ['>=', 0, '<', 5]}]}", "{'c': 0}", true },
    { "{'x': [{'numeric': ['=', 3.018e2]}]}", "{'x': 301.8}", true },
    { "{'d': [{'numeric': ['<', 10]}]}", "{'d': -3}", true },
    { "{'d': [{'numeric': ['<', 10]}]}", "{'d': 10}", false },
    { "{'d': [{'numeric': ['>=', 10]}]}", "{'d': 10}", true },
    { "{'d': [{'numeric': ['>', 10]}]}", "{'d': [1, 20]}", true },
    { "{'d': [{'numeric': ['>', 10]}]}", "{'d': 6e9}", false },
    /* exists: leaf values only */
    { "{'c': [{'exists': true}]}", "{'c': 1}", true },
    { "{'c': [{'exists': true}]}", "{'c': null}", true },
    { "{'c': [{'exists': true}]}", "{}", false },
    { "{'c': [{'exists': true}]}", "{'c': {'c1': 100}}", false },
    { "{'c': [{'exists': false}]}", "{}", true },
    { "{'c': [{'exists': false}]}", "{'c': 1}", false },
    { "{'c': [{'exists': false}]}", "{'c': {'c1': 100}}", true },
    { "{'c': [{'exists': false}]}", "{'c': []}", true },
    { "{'detail': {'c': [{'exists': false}]}}", "{}", true },
    { "{'detail': {'c': [{'exists': false}]}}", "{'detail': {'c': 'x'}}", false },
    { "{'c': ['x', {'exists': false}]}", "{'c': 'x'}", true },
    /* IP addresses */
    { "{'ip': [{'cidr': '10.0.0.0/24'}]}", "{'ip': '10.0.0.255'}", true },
    { "{'ip': [{'cidr': '10.0.0.0/24'}]}", "{'ip': '10.0.1.1'}", false },
    { "{'ip': [{'cidr': '10.0.0.0/24'}]}", "{'ip': 10}", false },
    { "{'ip': [{'cidr': '10.0.0.0/8'}]}", "{'ip': '10.200.3.4'}", true },
    { "{'ip': [{'cidr': '2001:db8::/32'}]}", "{'ip': '2001:db8::1'}", true },
    { "{'ip': [{'cidr': '2001:db8::/32'}]}", "{'ip': '2001:db9::1'}", false },
    { "{'ip': ['::1']}", "{'ip': '0:0:0:0:0:0:0:1'}", true },
    /* $or at any level */
    { "{'source': ['aws.cloudwatch'], '$or': [{'metricName': ['CPU']}, {'namespace': ['AWS/EC2']}]}",
      "{'source': 'aws.cloudwatch', 'namespace': 'AWS/EC2'}", true },
    { "{'source': ['aws.cloudwatch'], '$or': [{'metricName': ['CPU']}, {'namespace': ['AWS/EC2']}]}",
      "{'source': 'aws.cloudwatch'}", false },
    { "{'source': ['aws.cloudwatch'], '$or': [{'metricName': ['CPU']}, {'namespace': ['AWS/EC2']}]}",
      "{'source': 'aws.s3', 'metricName': 'CPU'}", false },
    { "{'detail': {'$or': [{'a': [1]}, {'b': [2], '$or': [{'c': [3]}, {'d': [4]}]}]}}",
      "{'detail': {'b': 2, 'd': 4}}", true },
    { "{'detail': {'$or': [{'a': [1]}, {'b': [2], '$or': [{'c': [3]}, {'d': [4]}]}]}}",
      "{'detail': {'b': 2, 'd': 5}}", false },
    /* arrays of objects: every condition of a sub-pattern within one element */
    { "{'employees': {'firstName': ['Anna'], 'lastName': ['Smith']}}",
      "{'employees': [{'firstName': 'John', 'lastName': 'Doe'}, {'firstName': 'Anna', 'lastName': 'Smith'}]}", true },
    { "{'employees': {'firstName': ['Anna'], 'lastName': ['Jones']}}",
      "{'employees': [{'firstName': 'Anna', 'lastName': 'Smith'}, {'firstName': 'Peter', 'lastName': 'Jones'}]}",
      false },
    { "{'employees': {'firstName': ['Peter']}}",
      "{'employees': [[{'firstName': 'John'}], [{'firstName': 'Peter'}]]}", true },
};

static void patterns_match_as_eventbridge_does(void)
{
    struct vp_err err = { 0 };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *pattern = J(rows[i].pattern), *event = J(rows[i].event);
        bool got;

        if (!pattern || !event) {
            printf("#   row %zu does not parse\n", i);
            EXPECT(pattern && event);
        } else {
            if (vp_event_pattern_check(pattern, &err) < 0) {
                printf("#   row %zu: %s: %s\n", i, rows[i].pattern, err.msg);
                EXPECT(!"every pattern of the table passes the check");
            }
            got = vp_event_pattern_match(pattern, event);
            if (got != rows[i].match) {
                printf("#   row %zu: %s against %s: want %s\n", i, rows[i].pattern, rows[i].event,
                       rows[i].match ? "match" : "no match");
                EXPECT(got == rows[i].match);
            }
        }
        json_decref(pattern);
        json_decref(event);
    }
}

/* examples/video-pipeline.yaml's job_events rule, with ${var.stack} = "dev". */
static const char job_events_pattern[] =
    "{'source': ['aws.mediaconvert'], 'detail-type': ['MediaConvert Job State Change'],"
    " 'detail': {'status': ['COMPLETE', 'ERROR'], 'userMetadata': {'stack': ['dev']}}}";

static json_t *job_event(const char *file, const char *status, const char *stack)
{
    json_t *event = sample(file), *detail = json_object_get(event, "detail");

    if (status)
        json_object_set_new(detail, "status", json_string(status));
    if (stack)
        json_object_set_new(detail, "userMetadata",
                            json_pack("{s:s, s:s, s:s}", "stack", stack, "user_id", "u1", "video_id", "v1"));
    return event;
}

static void the_pipeline_rule_takes_its_finished_jobs(void)
{
    json_t *pattern = J(job_events_pattern), *e;
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, vp_event_pattern_check(pattern, &err));
    EXPECT((e = job_event("mediaconvert-job-complete-hls.json", NULL, "dev")) != NULL);
    EXPECT(vp_event_pattern_match(pattern, e));
    json_decref(e);
    e = job_event("mediaconvert-job-complete-hls.json", "ERROR", "dev");
    EXPECT(vp_event_pattern_match(pattern, e));
    json_object_set_new(e, "source", json_string("aws.s3"));
    EXPECT(!vp_event_pattern_match(pattern, e));                 /* another service */
    json_decref(e);
    e = job_event("mediaconvert-job-progressing.json", NULL, "dev");
    EXPECT(!vp_event_pattern_match(pattern, e));                 /* not finished */
    json_decref(e);
    e = job_event("mediaconvert-job-complete-hls.json", NULL, "prod");
    EXPECT(!vp_event_pattern_match(pattern, e));                 /* another stack's job */
    json_decref(e);
    e = job_event("mediaconvert-job-complete-hls.json", NULL, NULL);
    EXPECT(!vp_event_pattern_match(pattern, e));                 /* userMetadata {}: not vidpipe's */
    json_decref(e);
    json_decref(pattern);
}

struct refusal {
    const char *pattern, *reason;
};

static const struct refusal refusals[] = {
    { "['a']", "Filter is not an object at the top level" },
    { "{}", "Empty objects are not allowed" },
    { "{'detail': {}}", "Empty objects are not allowed at detail" },
    { "{'a': 'x'}", "\"a\" must be an object or an array at a" },
    { "{'a': 1}", "must be an object or an array" },
    { "{'a': []}", "Empty arrays are not allowed at a" },
    { "{'a': [['x']]}", "Match value must be String, number, true, false, or null at a[0]" },
    { "{'a': [{}]}", "Match expression name not found" },
    { "{'a': [{'prefix': 'x', 'suffix': 'y'}]}", "Only one key allowed in match expression" },
    { "{'a': [{'regex': 'x'}]}", "Unrecognized match type regex" },
    { "{'a': [{'prefix': 1}]}", "prefix match pattern must be a string" },
    { "{'a': [{'suffix': null}]}", "suffix match pattern must be a string" },
    { "{'a': [{'prefix': {'foo': 'x'}}]}", "Unsupported prefix pattern: foo" },
    { "{'a': [{'prefix': {'equals-ignore-case': 1}}]}", "equals-ignore-case match pattern must be a string" },
    { "{'a': [{'equals-ignore-case': ['x']}]}", "equals-ignore-case match pattern must be a string" },
    { "{'a': [{'numeric': ['>', 5e10]}]}", "Value must be between -5.0E9 and 5.0E9, inclusive" },
    { "{'a': [{'numeric': ['>', 1, '<', 0]}]}", "Bottom must be less than top" },
    { "{'a': [{'numeric': ['<', 1, '>', 0]}]}", "Too many elements in numeric expression" },
    { "{'a': [{'numeric': ['>', 1, '>', 0]}]}", "Bad numeric range operator: >" },
    { "{'a': [{'numeric': ['!=', 1]}]}", "Unrecognized numeric range operator: !=" },
    { "{'a': [{'numeric': ['=', '1']}]}", "must be numeric" },
    { "{'a': [{'numeric': ['=', 0.1234567]}]}", "Only values upto 6 decimals are supported" },
    { "{'a': [{'numeric': '5'}]}", "Value of numeric must be an array." },
    { "{'a': [{'numeric': ['>']}]}", "Invalid member in numeric match" },
    { "{'a': [{'anything-but': [1, 'x']}]}", "mixed type is not supported" },
    { "{'a': [{'anything-but': []}]}", "mixed type is not supported" },
    { "{'a': [{'anything-but': [null]}]}", "start|null|boolean is not supported" },
    { "{'a': [{'anything-but': [6e9]}]}", "Value must be between" },
    { "{'a': [{'anything-but': {'prefix': ''}}]}", "Null prefix/suffix not allowed" },
    { "{'a': [{'anything-but': {'suffix': 3}}]}", "prefix/suffix match pattern must be a string" },
    { "{'a': [{'anything-but': {'exists': true}}]}", "Unsupported anything-but pattern: exists" },
    { "{'a': [{'anything-but': {'wildcard': 'a**'}}]}", "Consecutive wildcard characters at pos 1" },
    { "{'a': [{'anything-but': true}]}", "Value of anything-but must be an array or single string/number value." },
    { "{'a': [{'exists': 'yes'}]}", "exists match pattern must be either true or false." },
    { "{'a': [{'wildcard': 'a**b'}]}", "Consecutive wildcard characters at pos 1" },
    { "{'a': [{'wildcard': 'a\\\\b'}]}", "Invalid escape character at pos 1" },
    { "{'a': [{'wildcard': 7}]}", "wildcard match pattern must be a string" },
    { "{'a': [{'cidr': '10.0.0.0'}]}", "Malformed CIDR, one '/' required" },
    { "{'a': [{'cidr': '10.0.0.0/33'}]}", "mask bits" },
    { "{'a': [{'cidr': 'ten/8'}]}", "invalid IP address" },
    { "{'$or': [{'a': ['x']}]}", "There must have at least 2 Objects in $or relationship." },
    { "{'$or': {'a': ['x']}}", "It must be an Array followed with $or." },
    { "{'$or': [{'a': ['x']}, 'b']}", "Only JSON object is allowed in array of $or relationship. at $or[1]" },
    { "{'$or': [{'a': ['x']}, {}]}", "Empty objects are not allowed at $or[1]" },
    { "{'$or': [{'prefix': ['x']}, {'a': ['y']}]}", "prefix is Ruler reserved fieldName which cannot be used inside $or." },
    { "{'detail': {'status': ['COMPLETE', {'prefix': 2}]}}", "prefix match pattern must be a string at detail.status[1]" },
};

static void the_check_refuses_what_put_rule_refuses(void)
{
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        json_t *pattern = J(refusals[i].pattern);
        struct vp_err err = { 0 };

        EXPECT(pattern != NULL);
        if (vp_event_pattern_check(pattern, &err) == 0) {
            printf("#   accepted: %s\n", refusals[i].pattern);
            EXPECT(!"refused");
        } else if (!strstr(err.msg, refusals[i].reason) || !strstr(err.msg, "Event pattern is not valid. Reason: ")) {
            printf("#   %s\n#     want: %s\n#     got:  %s\n", refusals[i].pattern, refusals[i].reason, err.msg);
            EXPECT(!"the reason");
        } else {
            EXPECT_STREQ("InvalidEventPatternException", err.aws_code);
        }
        json_decref(pattern);
    }
}

/* ---- S3 records ---- */

static void key_encoded(const char *raw, const char *want)
{
    struct vp_buf b = VP_BUF_INIT(VP_BUF_UNBOUNDED);

    vp_s3_event_key_encode(&b, raw);
    EXPECT_STREQ(want, b.data);
    vp_buf_release(&b);
}

static void keys_are_encoded_as_s3_encodes_them(void)
{
    key_encoded("Happy Face.jpg", "Happy+Face.jpg");                       /* the user guide's red+flower.jpg */
    key_encoded("uploads/u1/v1/clip.mp4", "uploads/u1/v1/clip.mp4");       /* '/' kept */
    key_encoded("a+b.mp4", "a%2Bb.mp4");
    key_encoded("100%.mp4", "100%25.mp4");
    key_encoded("my clip (1).mp4", "my+clip+%281%29.mp4");
    key_encoded("dt=2018-05-04/_SUCCESS", "dt%3D2018-05-04/_SUCCESS");
    key_encoded("test/10:47:07.log", "test/10%3A47%3A07.log");
    key_encoded("vid\xc3\xa9o \xe6\x97\xa5\xe6\x9c\xac.mp4", "vid%C3%A9o+%E6%97%A5%E6%9C%AC.mp4");
    key_encoded("a~b*c-d_e.f", "a%7Eb*c-d_e.f");                           /* form encoding: '*' kept, '~' not */
    key_encoded("q?x&y#z", "q%3Fx%26y%23z");
}

static const char *str_at(const json_t *v, const char *path)
{
    char *copy = vp_xstrdup(path), *save = NULL;
    const json_t *cur = v;

    for (char *part = strtok_r(copy, ".", &save); part && cur; part = strtok_r(NULL, ".", &save))
        cur = json_object_get(cur, part);
    free(copy);
    return json_string_value(cur);
}

/* The member names of a and b agree, level by level, where both hold objects. */
static bool same_shape(const json_t *a, const json_t *b, const char *where)
{
    const char *name;
    json_t *va;
    bool ok = json_object_size(a) == json_object_size(b);

    json_object_foreach((json_t *)a, name, va) {
        const json_t *vb = json_object_get(b, name);

        if (!vb || json_typeof(va) != json_typeof(vb)) {
            printf("#   %s.%s differs from AWS's sample\n", where, name);
            ok = false;
        } else if (json_is_object(va) && !same_shape(va, vb, name)) {
            ok = false;
        }
    }
    if (json_object_size(a) != json_object_size(b))
        printf("#   %s has %zu members, AWS's sample %zu\n", where, json_object_size(a), json_object_size(b));
    return ok;
}

static void a_record_has_the_shape_s3_sends(void)
{
    struct vp_s3_object_event e = { .event_name = "ObjectCreated:Put", .bucket = "dev-uploads",
                                    .key = "uploads/u1/v1/a b.mp4", .size = 1305107,
                                    .etag = "b21b84d653bb07b05b1e6b33684dc11b", .region = "us-east-2",
                                    .configuration_id = "convert-uploads" };
    json_t *record = vp_s3_event_record(&e, 1700000000), *aws = sample("powertools-s3Event.json");
    const char *id, *id2;

    EXPECT(record && aws);
    EXPECT(same_shape(record, json_array_get(json_object_get(aws, "Records"), 0), "record"));
    EXPECT_STREQ("2.1", str_at(record, "eventVersion"));
    EXPECT_STREQ("aws:s3", str_at(record, "eventSource"));
    EXPECT_STREQ("us-east-2", str_at(record, "awsRegion"));
    EXPECT_STREQ("2023-11-14T22:13:20.000Z", str_at(record, "eventTime"));
    EXPECT_STREQ("ObjectCreated:Put", str_at(record, "eventName"));
    EXPECT(str_at(record, "userIdentity.principalId") != NULL);
    EXPECT_STREQ("127.0.0.1", str_at(record, "requestParameters.sourceIPAddress"));
    id = str_at(record, "responseElements.x-amz-request-id");
    id2 = str_at(record, "responseElements.x-amz-id-2");
    EXPECT(id && strlen(id) == 16 && strspn(id, "0123456789ABCDEF") == 16);
    EXPECT(id2 && strlen(id2) == 76);
    EXPECT_STREQ("1.0", str_at(record, "s3.s3SchemaVersion"));
    EXPECT_STREQ("convert-uploads", str_at(record, "s3.configurationId"));
    EXPECT_STREQ("dev-uploads", str_at(record, "s3.bucket.name"));
    EXPECT_STREQ("arn:aws:s3:::dev-uploads", str_at(record, "s3.bucket.arn"));
    EXPECT(str_at(record, "s3.bucket.ownerIdentity.principalId") != NULL);
    EXPECT_STREQ("uploads/u1/v1/a+b.mp4", str_at(record, "s3.object.key"));
    EXPECT_INTEQ(1305107, json_integer_value(json_object_get(json_object_get(json_object_get(record, "s3"), "object"), "size")));
    EXPECT_STREQ("b21b84d653bb07b05b1e6b33684dc11b", str_at(record, "s3.object.eTag"));
    EXPECT(str_at(record, "s3.object.versionId") == NULL);
    EXPECT(strlen(str_at(record, "s3.object.sequencer")) == VP_S3_SEQUENCER_LEN);
    json_decref(record);

    e.version_id = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY";
    e.sequencer = "0055AED6DCD90281E5";
    record = vp_s3_event_record(&e, 0);
    EXPECT_STREQ("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", str_at(record, "s3.object.versionId"));
    EXPECT_STREQ("0055AED6DCD90281E5", str_at(record, "s3.object.sequencer"));
    id = str_at(record, "eventTime");                              /* now, to the millisecond */
    EXPECT(id && strlen(id) == 24 && id[19] == '.' && id[23] == 'Z' && strncmp(id, "20", 2) == 0);
    json_decref(record);

    e.event_name = "ObjectRemoved:Delete";
    e.region = "cn-north-1";
    record = vp_s3_event_record(&e, 1700000000);
    EXPECT(json_object_get(json_object_get(json_object_get(record, "s3"), "object"), "size") == NULL);
    EXPECT(str_at(record, "s3.object.eTag") == NULL);               /* a removal has neither */
    EXPECT_STREQ("arn:aws-cn:s3:::dev-uploads", str_at(record, "s3.bucket.arn"));
    json_decref(record);
    json_decref(aws);
}

/* What convert's handler reads back from a record is the raw key. */
static void the_convert_handler_reads_the_key_back(void)
{
    static const char *const keys[] = {
        "uploads/user_1/vid-2/my clip (1).mp4",
        "uploads/user_1/vid-2/a+b=c&d%20e%.mov",
        "uploads/user_1/vid-2/vid\xc3\xa9o \xe6\x97\xa5\xe6\x9c\xac ~*'!.mp4",
        "uploads/us%40er/vid-2/x.mp4",
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        struct vp_s3_object_event e = { .event_name = "ObjectCreated:CompleteMultipartUpload", .bucket = "b",
                                        .key = keys[i], .size = 10, .etag = "abc-3" };
        json_t *record = vp_s3_event_record(&e, 0);
        struct vp_upload up;
        const char *why = NULL;
        struct vp_err err = { 0 };

        EXPECT_INTEQ(1, vp_convert_parse_record(record, "uploads/", &up, &why, &err));
        EXPECT_STREQ(keys[i], up.key);
        EXPECT_STREQ("b", up.bucket);
        EXPECT_STREQ("vid-2", up.video_id);
        vp_upload_release(&up);
        json_decref(record);
    }
}

static void sequencers_only_grow(void)
{
    char last[VP_S3_SEQUENCER_LEN + 1] = "", now[VP_S3_SEQUENCER_LEN + 1];

    for (int i = 0; i < 2000; i++) {
        vp_s3_sequencer_next(now);
        if (strlen(now) != VP_S3_SEQUENCER_LEN || strspn(now, "0123456789ABCDEF") != VP_S3_SEQUENCER_LEN ||
            strcmp(now, last) <= 0) {
            EXPECT_STREQ("a longer hex sequencer than the last", now);
            break;
        }
        memcpy(last, now, sizeof(last));
    }
}

/* ---- notification selection ---- */

static void notification_entries_select_by_event_and_key(void)
{
    const char *const created_any[] = { "s3:ObjectCreated:*" };
    const char *const put_only[] = { "s3:ObjectCreated:Put" };
    const char *const both[] = { "s3:ObjectRemoved:*", "s3:ObjectCreated:CompleteMultipartUpload" };

    EXPECT(vp_s3_notification_selects(created_any, 1, "uploads/", NULL, "ObjectCreated:Put", "uploads/u/v/a.mp4"));
    EXPECT(vp_s3_notification_selects(created_any, 1, "uploads/", NULL, "ObjectCreated:CompleteMultipartUpload",
                                      "uploads/u/v/a.mp4"));
    EXPECT(!vp_s3_notification_selects(created_any, 1, "uploads/", NULL, "ObjectRemoved:Delete", "uploads/u/v/a.mp4"));
    EXPECT(!vp_s3_notification_selects(created_any, 1, "uploads/", NULL, "ObjectCreated:Put", "videos/u/v/a.mp4"));
    EXPECT(!vp_s3_notification_selects(created_any, 1, "uploads/", NULL, "ObjectCreated:Put", "uploads"));
    EXPECT(vp_s3_notification_selects(created_any, 1, NULL, NULL, "ObjectCreated:Copy", "anything"));
    EXPECT(vp_s3_notification_selects(created_any, 1, "", "", "ObjectCreated:Put", "anything"));
    EXPECT(vp_s3_notification_selects(put_only, 1, NULL, NULL, "ObjectCreated:Put", "k"));
    EXPECT(!vp_s3_notification_selects(put_only, 1, NULL, NULL, "ObjectCreated:CompleteMultipartUpload", "k"));
    EXPECT(vp_s3_notification_selects(put_only, 1, NULL, ".mp4", "ObjectCreated:Put", "a/b.mp4"));
    EXPECT(!vp_s3_notification_selects(put_only, 1, NULL, ".mp4", "ObjectCreated:Put", "a/b.mov"));
    EXPECT(vp_s3_notification_selects(put_only, 1, "a/", ".mp4", "ObjectCreated:Put", "a/b.mp4"));
    EXPECT(!vp_s3_notification_selects(put_only, 1, "a/", ".mp4", "ObjectCreated:Put", "b/b.mp4"));
    EXPECT(vp_s3_notification_selects(both, 2, NULL, NULL, "ObjectRemoved:Delete", "k"));
    EXPECT(vp_s3_notification_selects(both, 2, NULL, NULL, "ObjectRemoved:DeleteMarkerCreated", "k"));
    EXPECT(vp_s3_notification_selects(both, 2, NULL, NULL, "ObjectCreated:CompleteMultipartUpload", "k"));
    EXPECT(!vp_s3_notification_selects(both, 2, NULL, NULL, "ObjectCreated:Put", "k"));
    EXPECT(!vp_s3_notification_selects(NULL, 0, NULL, NULL, "ObjectCreated:Put", "k"));
    /* S3 compares the filter with the key as encoded: special characters in a filter are given encoded */
    EXPECT(vp_s3_notification_selects(created_any, 1, "logs/dt%3D1/", NULL, "ObjectCreated:Put", "logs/dt=1/x"));
    EXPECT(!vp_s3_notification_selects(created_any, 1, "logs/dt=1/", NULL, "ObjectCreated:Put", "logs/dt=1/x"));
}

/* ---- PutEvents ---- */

struct delivered {
    json_t *events;
};

static void collect(void *ctx, const json_t *event)
{
    struct delivered *d = ctx;

    json_array_append(d->events, (json_t *)event);
}

/* One request: its status, its answer parsed, and what was delivered. */
static json_t *put(const char *body, int *status, struct delivered *d)
{
    char *answer = NULL;
    json_t *doc;

    *status = 0;
    vp_events_put_handle(body, strlen(body), "123456789012", "eu-west-1", collect, d, status, &answer);
    doc = answer ? json_loads(answer, 0, NULL) : NULL;
    free(answer);
    return doc;
}

static bool is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

static void put_events_delivers_what_eventbridge_delivers(void)
{
    struct delivered d = { json_array() };
    int status;
    json_t *answer = put("{\"Entries\": [{\"Source\": \"com.example.app\", \"DetailType\": \"Order Placed\","
                         " \"Detail\": \"{\\\"id\\\": 7, \\\"items\\\": [\\\"a\\\"]}\", \"Resources\": [\"arn:x\"],"
                         " \"Time\": 1700000000, \"EventBusName\": \"default\"}]}",
                         &status, &d);
    const json_t *event = json_array_get(d.events, 0), *entry = json_array_get(json_object_get(answer, "Entries"), 0);

    EXPECT_INTEQ(200, status);
    EXPECT_INTEQ(0, json_integer_value(json_object_get(answer, "FailedEntryCount")));
    EXPECT_INTEQ(1, json_array_size(d.events));
    EXPECT(is_uuid(str_at(entry, "EventId")));
    EXPECT_INTEQ(9, json_object_size(event));
    EXPECT_STREQ("0", str_at(event, "version"));
    EXPECT_STREQ(str_at(entry, "EventId"), str_at(event, "id"));
    EXPECT_STREQ("Order Placed", str_at(event, "detail-type"));
    EXPECT_STREQ("com.example.app", str_at(event, "source"));
    EXPECT_STREQ("123456789012", str_at(event, "account"));
    EXPECT_STREQ("2023-11-14T22:13:20Z", str_at(event, "time"));
    EXPECT_STREQ("eu-west-1", str_at(event, "region"));
    EXPECT(equals_text(json_object_get(event, "resources"), "['arn:x']"));
    EXPECT(equals_text(json_object_get(event, "detail"), "{'id': 7, 'items': ['a']}"));
    json_decref(answer);
    json_array_clear(d.events);

    /* no Time: now; no Resources: [] */
    answer = put("{\"Entries\": [{\"Source\": \"s\", \"DetailType\": \"t\", \"Detail\": \"{}\"}]}", &status, &d);
    event = json_array_get(d.events, 0);
    EXPECT_INTEQ(200, status);
    EXPECT(str_at(event, "time") && strlen(str_at(event, "time")) == 20 && str_at(event, "time")[19] == 'Z');
    EXPECT(json_is_array(json_object_get(event, "resources")) && json_array_size(json_object_get(event, "resources")) == 0);
    json_decref(answer);
    json_decref(d.events);
}

static void put_events_fails_bad_entries_one_by_one(void)
{
    static const char body[] =
        "{\"Entries\": ["
        "{\"Source\": \"a\", \"DetailType\": \"t\", \"Detail\": \"{\\\"n\\\": 1}\"},"
        "{\"DetailType\": \"t\", \"Detail\": \"{}\"},"
        "{\"Source\": \"s\", \"Detail\": \"{}\"},"
        "{\"Source\": \"s\", \"DetailType\": \"t\"},"
        "{\"Source\": \"s\", \"DetailType\": \"t\", \"Detail\": \"{not json\"},"
        "{\"Source\": \"s\", \"DetailType\": \"t\", \"Detail\": \"[1, 2]\"},"
        "{\"Source\": \"\", \"DetailType\": \"t\", \"Detail\": \"{}\"},"
        "{\"Source\": \"b\", \"DetailType\": \"t\", \"Detail\": \"{\\\"n\\\": 2}\"}]}";
    static const char *const codes[] = { NULL, "InvalidArgument", "InvalidArgument", "InvalidArgument",
                                         "MalformedDetail", "MalformedDetail", "InvalidArgument", NULL };
    struct delivered d = { json_array() };
    int status;
    json_t *answer = put(body, &status, &d), *entries = json_object_get(answer, "Entries");

    EXPECT_INTEQ(200, status);
    EXPECT_INTEQ(6, json_integer_value(json_object_get(answer, "FailedEntryCount")));
    EXPECT_INTEQ(8, json_array_size(entries));
    for (size_t i = 0; i < 8; i++) {
        const json_t *entry = json_array_get(entries, i);

        if (codes[i]) {
            EXPECT_STREQ(codes[i], str_at(entry, "ErrorCode"));
            EXPECT(str_at(entry, "EventId") == NULL);
        } else {
            EXPECT(is_uuid(str_at(entry, "EventId")));
        }
    }
    EXPECT_STREQ("Parameter Source is not valid. Reason: Source is a required argument.",
                 str_at(json_array_get(entries, 1), "ErrorMessage"));
    EXPECT_STREQ("Parameter DetailType is not valid. Reason: DetailType is a required argument.",
                 str_at(json_array_get(entries, 2), "ErrorMessage"));
    EXPECT_STREQ("Parameter Detail is not valid. Reason: Detail is a required argument.",
                 str_at(json_array_get(entries, 3), "ErrorMessage"));
    EXPECT_STREQ("Detail is malformed.", str_at(json_array_get(entries, 4), "ErrorMessage"));
    EXPECT_INTEQ(2, json_array_size(d.events));                    /* the valid ones, in order */
    EXPECT_STREQ("a", str_at(json_array_get(d.events, 0), "source"));
    EXPECT_STREQ("b", str_at(json_array_get(d.events, 1), "source"));
    json_decref(answer);
    json_decref(d.events);
}

static void put_events_refuses_malformed_requests(void)
{
    static const struct {
        const char *body, *type, *message;
    } cases[] = {
        { "not json", "SerializationException", NULL },
        { "[]", "SerializationException", NULL },
        { "{}", "ValidationException", "Value null at 'entries' failed to satisfy constraint: Member must not be null" },
        { "{\"Entries\": []}", "ValidationException", "Member must have length greater than or equal to 1" },
        { "{\"Entries\": \"x\"}", "SerializationException", NULL },
        { "{\"Entries\": [{\"Source\": 1, \"DetailType\": \"t\", \"Detail\": \"{}\"}]}", "SerializationException", NULL },
        { "{\"Entries\": [{\"Source\": \"s\", \"DetailType\": \"t\", \"Detail\": \"{}\", \"Resources\": [1]}]}",
          "SerializationException", NULL },
        { "{\"Entries\": [{\"Source\": \"s\", \"DetailType\": \"t\", \"Detail\": \"{}\", \"Time\": \"now\"}]}",
          "SerializationException", NULL },
        { "{\"Entries\": [7]}", "SerializationException", NULL },
    };
    struct delivered d = { json_array() };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int status;
        json_t *answer = put(cases[i].body, &status, &d);

        EXPECT_INTEQ(400, status);
        EXPECT_STREQ(cases[i].type, str_at(answer, "__type"));
        EXPECT(str_at(answer, "message") != NULL);
        if (cases[i].message)
            EXPECT(strstr(str_at(answer, "message"), cases[i].message) != NULL);
        json_decref(answer);
    }
    EXPECT_INTEQ(0, json_array_size(d.events));
    json_decref(d.events);
}

static void put_events_bounds_count_and_size(void)
{
    struct delivered d = { json_array() };
    struct vp_buf body = VP_BUF_INIT(VP_BUF_UNBOUNDED);
    int status;
    json_t *answer;

    vp_buf_puts(&body, "{\"Entries\": [");
    for (int i = 0; i < 11; i++)
        vp_buf_printf(&body, "%s{\"Source\": \"s\", \"DetailType\": \"t\", \"Detail\": \"{}\"}", i ? "," : "");
    vp_buf_puts(&body, "]}");
    answer = put(body.data, &status, &d);
    EXPECT_INTEQ(400, status);
    EXPECT_STREQ("ValidationException", str_at(answer, "__type"));
    EXPECT(strstr(str_at(answer, "message"), "Member must have length less than or equal to 10") != NULL);
    json_decref(answer);

    /* 10 entries are fine */
    vp_buf_reset(&body);
    vp_buf_puts(&body, "{\"Entries\": [");
    for (int i = 0; i < 10; i++)
        vp_buf_printf(&body, "%s{\"Source\": \"s\", \"DetailType\": \"t\", \"Detail\": \"{}\"}", i ? "," : "");
    vp_buf_puts(&body, "]}");
    answer = put(body.data, &status, &d);
    EXPECT_INTEQ(200, status);
    EXPECT_INTEQ(10, json_array_size(d.events));
    json_decref(answer);

    /* two entries of 150 KB each: the request's entries add up to more than 256 KB */
    vp_buf_reset(&body);
    vp_buf_puts(&body, "{\"Entries\": [");
    for (int i = 0; i < 2; i++) {
        vp_buf_printf(&body, "%s{\"Source\": \"s\", \"DetailType\": \"t\", \"Detail\": \"{\\\"pad\\\": \\\"", i ? "," : "");
        for (int k = 0; k < 150 * 1024; k++)
            vp_buf_putc(&body, 'x');
        vp_buf_puts(&body, "\\\"}\"}");
    }
    vp_buf_puts(&body, "]}");
    json_array_clear(d.events);
    answer = put(body.data, &status, &d);
    EXPECT_INTEQ(400, status);
    EXPECT_STREQ("ValidationException", str_at(answer, "__type"));
    EXPECT_STREQ("Total size of the entries in the request is over the limit.", str_at(answer, "message"));
    EXPECT_INTEQ(0, json_array_size(d.events));
    json_decref(answer);
    vp_buf_release(&body);
    json_decref(d.events);
}

/* A MediaConvert stand-in's event put on the local bus reaches the package handler as it would in AWS. */
struct rule_target {
    json_t *pattern;
    int matched, parsed;
};

static void to_package(void *ctx, const json_t *event)
{
    struct rule_target *t = ctx;
    struct vp_job_event ev;
    struct vp_err err = { 0 };

    if (!vp_event_pattern_match(t->pattern, event))
        return;
    t->matched++;
    if (vp_package_parse_event(event, &ev, &err) == 0 && ev.state == VP_JOB_COMPLETE && ev.user_id &&
        strcmp(ev.user_id, "u1") == 0 && strcmp(ev.job_id, "1536964333549-opn151") == 0)
        t->parsed++;
}

static void a_put_job_event_reaches_the_package_handler(void)
{
    struct rule_target t = { J(job_events_pattern), 0, 0 };
    json_t *complete = job_event("mediaconvert-job-complete-hls.json", NULL, "dev"), *request;
    char *detail = json_dumps(json_object_get(complete, "detail"), JSON_COMPACT), *body, *answer = NULL;
    int status;

    request = json_pack("{s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}]}", "Entries",
                        "Source", "aws.mediaconvert", "DetailType", "MediaConvert Job State Change", "Detail", detail,
                        "Source", "aws.mediaconvert", "DetailType", "MediaConvert Job Queue Change", "Detail", detail);
    body = json_dumps(request, JSON_COMPACT);
    vp_events_put_handle(body, strlen(body), "111122223333", "us-west-2", to_package, &t, &status, &answer);
    EXPECT_INTEQ(200, status);
    EXPECT_INTEQ(1, t.matched);                                      /* the rule ignores the other type */
    EXPECT_INTEQ(1, t.parsed);
    free(answer);
    free(body);
    free(detail);
    json_decref(request);
    json_decref(complete);
    json_decref(t.pattern);
}

static void query_strings_decode_as_api_gateway_does(void)
{
    json_t *q = vp_apigw_query_parameters("token=a%2Eb.c&x=1&x=2&plus=a+b&empty=&bare&sp=%20");
    char *text = json_dumps(q, JSON_SORT_KEYS | JSON_COMPACT);

    /* a repeated key's values joined with ','; only percent-escapes are decoded ('+' stays '+') */
    EXPECT_STREQ("{\"bare\":\"\",\"empty\":\"\",\"plus\":\"a+b\",\"sp\":\" \",\"token\":\"a.b.c\",\"x\":\"1,2\"}", text);
    free(text);
    json_decref(q);
    q = vp_apigw_query_parameters("");
    EXPECT_INTEQ(0, json_object_size(q));
    json_decref(q);
}

int main(void)
{
    T_RUN(patterns_match_as_eventbridge_does);
    T_RUN(the_pipeline_rule_takes_its_finished_jobs);
    T_RUN(the_check_refuses_what_put_rule_refuses);
    T_RUN(keys_are_encoded_as_s3_encodes_them);
    T_RUN(a_record_has_the_shape_s3_sends);
    T_RUN(the_convert_handler_reads_the_key_back);
    T_RUN(sequencers_only_grow);
    T_RUN(notification_entries_select_by_event_and_key);
    T_RUN(put_events_delivers_what_eventbridge_delivers);
    T_RUN(put_events_fails_bad_entries_one_by_one);
    T_RUN(put_events_refuses_malformed_requests);
    T_RUN(put_events_bounds_count_and_size);
    T_RUN(a_put_job_event_reaches_the_package_handler);
    T_RUN(query_strings_decode_as_api_gateway_does);
    return t_done();
}

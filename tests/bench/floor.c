/* floor.c: the floor of a reconciler benchmark. It replays requests recorded by the fault proxy
 * (tests/fixtures/fault_proxy.py --record: one JSON object a line, {method, path, headers, body_b64}) through
 * libcurl's multi interface, PARALLELISM at a time on reused connections, and does nothing else: no signing
 * (the recorded headers, signature included, are sent as they are), no parsing of the answers. The time it
 * takes is what the same API calls cost at the same parallelism through the same proxy.
 *
 * Usage: floor BASE_URL RECORDING.jsonl [PARALLELISM]
 * Prints one JSON line: {"requests": N, "ok": N (2xx/3xx/404), "failed": N, "replay_ms": X}. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct request {
    char *url;
    char *method;
    unsigned char *body;
    size_t body_len;
    struct curl_slist *headers;
};

static size_t discard(char *data, size_t size, size_t n, void *user)
{
    (void)data;
    (void)user;
    return size * n;
}

static int b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static unsigned char *b64_decode(const char *in, size_t *out_len)
{
    size_t n = strlen(in), len = 0;
    unsigned char *out = malloc(n / 4 * 3 + 3);
    unsigned bits = 0;
    int have = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)in[i]);
        if (v < 0)
            continue;           /* '=' padding */
        bits = (bits << 6) | (unsigned)v;
        have += 6;
        if (have >= 8) {
            have -= 8;
            out[len++] = (unsigned char)(bits >> have);
        }
    }
    *out_len = len;
    return out;
}

/* Headers libcurl must compute itself for the body it sends; everything else goes as recorded. */
static int skip_header(const char *name)
{
    return strcasecmp(name, "Content-Length") == 0 || strcasecmp(name, "Connection") == 0 ||
           strcasecmp(name, "Transfer-Encoding") == 0 || strcasecmp(name, "Expect") == 0;
}

static int load(const char *base, const char *path, struct request **out, size_t *n_out)
{
    FILE *f = fopen(path, "r");
    char line[1 << 20];
    size_t n = 0, cap = 64;
    struct request *reqs = malloc(cap * sizeof(*reqs));

    if (!f || !reqs) {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr), *h;
        size_t i;
        if (!o)
            continue;
        if (n == cap)
            reqs = realloc(reqs, (cap *= 2) * sizeof(*reqs));
        struct request *r = &reqs[n++];
        const char *p = json_string_value(json_object_get(o, "path"));
        r->url = malloc(strlen(base) + strlen(p) + 1);
        strcpy(r->url, base);
        strcat(r->url, p);
        r->method = strdup(json_string_value(json_object_get(o, "method")));
        r->body = b64_decode(json_string_value(json_object_get(o, "body_b64")), &r->body_len);
        r->headers = curl_slist_append(NULL, "Expect:");
        json_array_foreach(json_object_get(o, "headers"), i, h) {
            const char *name = json_string_value(json_array_get(h, 0));
            const char *value = json_string_value(json_array_get(h, 1));
            char hdr[8192];
            if (skip_header(name))
                continue;
            snprintf(hdr, sizeof(hdr), "%s: %s", name, value);
            r->headers = curl_slist_append(r->headers, hdr);
        }
        json_decref(o);
    }
    fclose(f);
    *out = reqs;
    *n_out = n;
    return 0;
}

static void setup(CURL *e, struct request *r)
{
    curl_easy_reset(e);
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (strcmp(r->method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        return;
    }
    if (r->body_len || strcmp(r->method, "POST") == 0 || strcmp(r->method, "PUT") == 0) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)r->body_len);
    }
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    struct request *reqs;
    size_t n, next = 0, ok = 0, failed = 0;
    int parallelism = argc > 3 ? atoi(argv[3]) : 10, running = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: floor BASE_URL RECORDING.jsonl [PARALLELISM]\n");
        return 2;
    }
    if (parallelism < 1)
        parallelism = 1;
    if (load(argv[1], argv[2], &reqs, &n) < 0)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)parallelism);
    CURL **handles = calloc((size_t)parallelism, sizeof(*handles));

    double start = now_ms();
    for (int i = 0; i < parallelism && next < n; i++) {
        handles[i] = curl_easy_init();
        setup(handles[i], &reqs[next++]);
        curl_multi_add_handle(m, handles[i]);
    }
    do {
        CURLMsg *msg;
        int left, added = 0;
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left))) {
            long status = 0;
            CURL *e = msg->easy_handle;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
            if (msg->data.result == CURLE_OK && (status < 400 || status == 404))
                ok++;
            else
                failed++;
            curl_multi_remove_handle(m, e);
            if (next < n) {     /* the handle keeps its connection for the next request */
                setup(e, &reqs[next++]);
                curl_multi_add_handle(m, e);
                running++;
                added = 1;
            }
        }
        if (running && !added)  /* a handle just added needs curl_multi_perform first, not a wait */
            curl_multi_poll(m, NULL, 0, 1000, NULL);
    } while (running || next < n);
    double elapsed = now_ms() - start;

    printf("{\"requests\": %zu, \"ok\": %zu, \"failed\": %zu, \"replay_ms\": %.1f}\n", n, ok, failed, elapsed);
    for (int i = 0; i < parallelism; i++)
        if (handles[i])
            curl_easy_cleanup(handles[i]);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    return failed ? 1 : 0;
}

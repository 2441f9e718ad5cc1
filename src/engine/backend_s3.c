/* backend_s3.c: state in an S3 object, for teams. S3's conditional writes make it safe without any other
 * service: the lock is KEY.lock created with If-None-Match: * (exactly one creator wins), and the state is
 * written with If-Match on the ETag it was read with (a writer that lost an update is refused, never
 * silently overwrites). The previous version is kept as KEY.backup. */
#include "engine/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/proto.h"
#include "base/xalloc.h"

#define STATE_MAX_BYTES (256u << 20)
#define LOCK_POLL_MS 500

struct s3 {
    struct vp_backend base;
    struct vp_aws *aws;
    char *bucket, *key, *lock_key, *backup_key, *region;
    bool seen;
    char *etag;                         /* of the state as last read or written; NULL: there was none */
    struct vp_buf last;                 /* its bytes, for the backup */
    char lock_id[40];
};

static struct s3 *self(struct vp_backend *b) { return (struct s3 *)b; }

static void request(struct s3 *s, struct vp_request *req, const char *method, const char *key, const char *op)
{
    vp_request_init(req, &vp_svc_s3, method);
    req->bucket = s->bucket;
    req->region = s->region;
    req->operation = op;
    vp_request_path_add(req, key, true);
}

/* GETs an object: 0 with *found false on 404. */
static int get_object(struct s3 *s, const char *key, struct vp_response *resp, bool *found, struct vp_err *err)
{
    struct vp_request req;
    int rc;

    request(s, &req, "GET", key, "GetObject");
    vp_response_init(resp);
    resp->body.max = STATE_MAX_BYTES;
    rc = vp_rest_xml_call(s->aws, &req, resp, err);
    vp_request_release(&req);
    *found = rc == 0;
    if (rc < 0 && err->http_status == 404) {
        vp_err_clear(err);
        return 0;
    }
    return rc;
}

/* PUTs an object with one condition header (NULL: none); *etag (may be NULL) gets the new ETag. */
static int put_object(struct s3 *s, const char *key, const char *data, size_t len, const char *cond_name,
                      const char *cond_value, char **etag, struct vp_err *err)
{
    struct vp_request req;
    struct vp_response resp;
    int rc;

    request(s, &req, "PUT", key, "PutObject");
    vp_kv_add(&req.headers, "Content-Type", "application/json");
    if (cond_name)
        vp_kv_add(&req.headers, cond_name, cond_value);
    vp_buf_put(&req.body, data, len);
    vp_response_init(&resp);
    rc = vp_rest_xml_call(s->aws, &req, &resp, err);
    if (rc == 0 && etag) {
        const char *e = vp_kv_get(&resp.headers, "ETag");
        *etag = e ? vp_xstrdup(e) : NULL;
    }
    vp_response_release(&resp);
    vp_request_release(&req);
    return rc;
}

static int delete_object(struct s3 *s, const char *key, struct vp_err *err)
{
    struct vp_request req;
    struct vp_response resp;
    int rc;

    request(s, &req, "DELETE", key, "DeleteObject");
    vp_response_init(&resp);
    rc = vp_rest_xml_call(s->aws, &req, &resp, err);
    vp_response_release(&resp);
    vp_request_release(&req);
    return rc;
}

static bool precondition_failed(const struct vp_err *err)
{
    return err->http_status == 412 || err->http_status == 409;
}

static int s3_read(struct vp_backend *b, json_t **state, struct vp_err *err)
{
    struct s3 *s = self(b);
    struct vp_response resp;
    json_error_t jerr;
    bool found;
    const char *etag;

    *state = NULL;
    if (get_object(s, s->key, &resp, &found, err) < 0) {
        vp_response_release(&resp);
        return vp_err_prefix(err, "reading state %s", b->where);
    }
    free(s->etag);
    s->etag = NULL;
    vp_buf_reset(&s->last);
    s->seen = true;
    if (found) {
        etag = vp_kv_get(&resp.headers, "ETag");
        s->etag = vp_xstrdup(etag ? etag : "*");
        vp_buf_put(&s->last, resp.body.data, resp.body.len);
        if (!(*state = json_loadb(resp.body.data, resp.body.len, 0, &jerr))) {
            vp_response_release(&resp);
            return vp_fail(err, VP_E_STATE, "state %s is not valid JSON (line %d: %s); its previous version is in %s.backup",
                           b->where, jerr.line, jerr.text, b->where);
        }
        if (vp_state_check(*state, b->where, err) < 0) {
            json_decref(*state);
            *state = NULL;
            vp_response_release(&resp);
            return -1;
        }
    }
    vp_response_release(&resp);
    return 0;
}

static int s3_write(struct vp_backend *b, json_t *state, struct vp_err *err)
{
    struct s3 *s = self(b);
    char *doc, *etag = NULL;
    int rc;

    if (s->seen && s->etag && s->last.len &&
        put_object(s, s->backup_key, s->last.data, s->last.len, NULL, NULL, NULL, err) < 0)
        return vp_err_prefix(err, "writing the state's backup %s.backup", b->where);
    json_object_set_new(state, "serial", json_integer(json_integer_value(json_object_get(state, "serial")) + 1));
    doc = json_dumps(state, JSON_INDENT(2));
    /* If-Match on the ETag we read: refused when anyone wrote since. No state yet: If-None-Match. */
    rc = put_object(s, s->key, doc, strlen(doc), s->etag ? "If-Match" : "If-None-Match", s->etag ? s->etag : "*",
                    &etag, err);
    if (rc < 0) {
        json_object_set_new(state, "serial", json_integer(json_integer_value(json_object_get(state, "serial")) - 1));
        free(doc);
        if (precondition_failed(err))
            return vp_fail(err, VP_E_STATE, "state %s was changed by another run since it was read; rerun to plan again",
                           b->where);
        return vp_err_prefix(err, "writing state %s", b->where);
    }
    free(s->etag);
    s->etag = etag ? etag : vp_xstrdup("*");
    s->seen = true;
    vp_buf_reset(&s->last);
    vp_buf_puts(&s->last, doc);
    free(doc);
    return 0;
}

/* The lock's holder: 0 with *holder NULL when there is no lock. */
static int read_lock(struct s3 *s, json_t **holder, struct vp_err *err)
{
    struct vp_response resp;
    bool found;

    *holder = NULL;
    if (get_object(s, s->lock_key, &resp, &found, err) < 0) {
        vp_response_release(&resp);
        return vp_err_prefix(err, "reading the lock %s.lock", s->base.where);
    }
    if (found && !(*holder = json_loadb(resp.body.data, resp.body.len, 0, NULL)))
        *holder = json_object();        /* unreadable, but a lock all the same */
    vp_response_release(&resp);
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* One attempt: *taken when our lock object was created (or already is ours: a retried PUT that had
 * succeeded the first time is refused with 412 the second). */
static int try_lock(struct s3 *s, const struct vp_lock_info *info, bool *taken, json_t **holder, struct vp_err *err)
{
    json_t *doc = vp_lock_info_json(info);
    char *text = json_dumps(doc, JSON_INDENT(2));
    int rc = put_object(s, s->lock_key, text, strlen(text), "If-None-Match", "*", NULL, err);
    const char *held;

    json_decref(doc);
    free(text);
    *taken = rc == 0;
    *holder = NULL;
    if (rc == 0)
        return 0;
    if (!precondition_failed(err))
        return vp_err_prefix(err, "locking state %s", s->base.where);
    vp_err_clear(err);
    if (read_lock(s, holder, err) < 0)
        return -1;
    held = json_string_value(json_object_get(*holder, "id"));
    *taken = held && strcmp(held, info->id) == 0;
    return 0;
}

static int s3_lock(struct vp_backend *b, struct vp_lock_info *info, long timeout_ms, struct vp_err *err)
{
    struct s3 *s = self(b);
    long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

    snprintf(info->path, sizeof info->path, "%s", b->where);
    for (;;) {
        json_t *holder;
        bool taken;

        if (try_lock(s, info, &taken, &holder, err) < 0)
            return -1;
        if (taken) {
            json_decref(holder);
            snprintf(s->lock_id, sizeof s->lock_id, "%s", info->id);
            return 0;
        }
        if (now_ms() >= deadline) {
            vp_lock_held_error(err, b->where, holder);
            json_decref(holder);
            return -1;
        }
        json_decref(holder);
        usleep(LOCK_POLL_MS * 1000);
    }
}

static int remove_lock_if(struct s3 *s, const char *id, bool forced, struct vp_err *err)
{
    json_t *holder;
    const char *held;
    int rc;

    if (read_lock(s, &holder, err) < 0)
        return -1;
    held = json_string_value(json_object_get(holder, "id"));
    if (!holder)
        rc = forced ? vp_fail(err, VP_E_STATE, "state '%s' is not locked", s->base.where)
                    : vp_fail(err, VP_E_STATE, "the lock on state '%s' is gone: someone force-unlocked it", s->base.where);
    else if (!held || strcmp(held, id) != 0)
        rc = forced ? vp_fail(err, VP_E_STATE, "the lock on state '%s' has id %s, not %s; nothing was unlocked",
                              s->base.where, held ? held : "?", id)
                    : vp_fail(err, VP_E_STATE, "the lock on state '%s' was taken over by %s", s->base.where, held ? held : "?");
    else
        rc = delete_object(s, s->lock_key, err) < 0 ? vp_err_prefix(err, "unlocking state %s", s->base.where) : 0;
    json_decref(holder);
    return rc;
}

static int s3_unlock(struct vp_backend *b, struct vp_err *err)
{
    struct s3 *s = self(b);
    int rc = remove_lock_if(s, s->lock_id, false, err);
    s->lock_id[0] = '\0';
    return rc;
}

static int s3_force_unlock(struct vp_backend *b, const char *lock_id, struct vp_err *err)
{
    return remove_lock_if(self(b), lock_id, true, err);
}

static void s3_free(struct vp_backend *b)
{
    struct s3 *s = self(b);

    if (!s)
        return;
    free(s->bucket);
    free(s->key);
    free(s->lock_key);
    free(s->backup_key);
    free(s->region);
    free(s->etag);
    vp_buf_release(&s->last);
    free(s->base.where);
    free(s);
}

struct vp_backend *vp_backend_s3_new(struct vp_aws *aws, const char *bucket, const char *key, const char *region)
{
    struct s3 *s = vp_xcalloc(1, sizeof *s);

    s->aws = aws;
    s->bucket = vp_xstrdup(bucket);
    s->key = vp_xstrdup(key);
    s->lock_key = vp_xasprintf("%s.lock", key);
    s->backup_key = vp_xasprintf("%s.backup", key);
    s->region = region ? vp_xstrdup(region) : NULL;
    vp_buf_init(&s->last, 0);
    s->base.kind = "s3";
    s->base.where = vp_xasprintf("s3://%s/%s", bucket, key);
    s->base.read = s3_read;
    s->base.write = s3_write;
    s->base.lock = s3_lock;
    s->base.unlock = s3_unlock;
    s->base.force_unlock = s3_force_unlock;
    s->base.free = s3_free;
    return &s->base;
}

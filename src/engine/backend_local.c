/* backend_local.c: state in a local file. A write never leaves a torn file behind: the new document goes to
 * a temporary file in the same folder, is fsynced and renamed over the old one (the folder fsynced too), and
 * the previous version is kept as FILE.backup. The lock is FILE.lock, made complete in a temporary file and
 * then hard-linked into place, which either wholly succeeds or fails with EEXIST: a reader never sees a half
 * written lock. */
#include "engine/state.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xalloc.h"

#define STATE_MAX_BYTES (256u << 20)
#define LOCK_POLL_MS 200

struct local {
    struct vp_backend base;
    char *path, *lock_path, *backup_path;
    bool seen;                          /* read (or written) at least once */
    bool existed;                       /* the file existed when last seen */
    char lineage[40];
    long long serial;                   /* as last seen */
    char lock_id[40];                   /* ours, while we hold the lock */
    /* What this process last wrote, and the file it renamed into place: while the file is still that one
     * (same device, inode, size and modification time; another writer renames a new file in, as we do), the
     * next write skips reading and parsing it again. An apply writes after every operation, and parsing the
     * whole state each time made a long apply quadratic. */
    struct vp_buf last;
    struct stat last_st;
    bool have_last;
};

static struct local *self(struct vp_backend *b) { return (struct local *)b; }

static int mkdir_parents(const char *path, struct vp_err *err)
{
    char *copy = vp_xstrdup(path);
    int rc = 0;

    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST)
            rc = vp_fail(err, VP_E_STATE_IO, "cannot create folder '%s': %s", copy, strerror(errno));
        *p = '/';
        if (rc < 0)
            break;
    }
    free(copy);
    return rc;
}

static void fsync_dir_of(const char *path)
{
    char *copy = vp_xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

/* Writes data to path atomically: temporary file, fsync, rename, fsync of the folder. */
static int write_atomic(const char *path, const char *data, size_t len, struct vp_err *err)
{
    char *tmp = vp_xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    size_t done = 0;

    if (fd < 0) {
        vp_fail(err, VP_E_STATE_IO, "cannot write '%s': %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    if (done < len || fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
        vp_fail(err, VP_E_STATE_IO, "cannot write '%s': %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    fsync_dir_of(path);
    free(tmp);
    return 0;
}

/* Reads the file: 0 with *text (NULL when there is no file) or -1. */
static int read_text(const char *path, struct vp_buf *text, bool *exists, struct vp_err *err)
{
    vp_buf_init(text, STATE_MAX_BYTES);
    if (access(path, F_OK) < 0 && errno == ENOENT) {
        *exists = false;
        return 0;
    }
    *exists = true;
    if (vp_buf_read_file(text, path, err) < 0)
        return vp_err_prefix(err, "reading state");
    return 0;
}

static int parse_state(const struct vp_buf *text, const char *where, json_t **state, struct vp_err *err)
{
    json_error_t jerr;

    *state = json_loadb(text->data, text->len, 0, &jerr);
    if (!*state)
        return vp_fail(err, VP_E_STATE, "state %s is not valid JSON (line %d: %s); its previous version is in %s.backup",
                       where, jerr.line, jerr.text, where);
    if (vp_state_check(*state, where, err) < 0) {
        json_decref(*state);
        *state = NULL;
        return -1;
    }
    return 0;
}

static void remember(struct local *l, const json_t *state)
{
    l->seen = true;
    l->existed = state != NULL;
    snprintf(l->lineage, sizeof l->lineage, "%s", state ? json_string_value(json_object_get(state, "lineage")) : "");
    l->serial = state ? json_integer_value(json_object_get(state, "serial")) : -1;
}

static int local_read(struct vp_backend *b, json_t **state, struct vp_err *err)
{
    struct local *l = self(b);
    struct vp_buf text;
    bool exists;
    int rc;

    *state = NULL;
    if (read_text(l->path, &text, &exists, err) < 0)
        return -1;
    rc = exists ? parse_state(&text, l->path, state, err) : 0;
    vp_buf_release(&text);
    if (rc == 0)
        remember(l, *state);
    return rc;
}

/* The stored state must be the one we last saw: anything else means another writer. */
static int check_unmoved(struct local *l, const struct vp_buf *text, bool exists, struct vp_err *err)
{
    json_t *now = NULL;
    int rc = 0;

    if (!l->seen)
        return 0;
    if (exists != l->existed)
        return vp_fail(err, VP_E_STATE, "state %s was changed by another run since it was read (it was %s); rerun to plan again",
                       l->path, exists ? "created" : "deleted");
    if (!exists)
        return 0;
    if (parse_state(text, l->path, &now, err) < 0)
        return -1;
    if (strcmp(json_string_value(json_object_get(now, "lineage")), l->lineage) != 0 ||
        json_integer_value(json_object_get(now, "serial")) != l->serial)
        rc = vp_fail(err, VP_E_STATE, "state %s was changed by another run since it was read (serial %lld, now %lld); "
                     "rerun to plan again", l->path, l->serial, (long long)json_integer_value(json_object_get(now, "serial")));
    json_decref(now);
    return rc;
}

/* Writers in one folder take turns from the check to the rename (flock on the folder), so two writers that
 * read the same version cannot both replace it: the second sees the first's serial and is refused. */
static int lock_dir_of(const char *path)
{
    char *copy = vp_xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    free(copy);
    if (fd >= 0)
        flock(fd, LOCK_EX);
    return fd;
}

static void unlock_dir(int fd)
{
    if (fd >= 0)
        close(fd);          /* closing drops the flock */
}

static int write_checked(struct local *l, json_t *state, struct vp_err *err);

static int local_write(struct vp_backend *b, json_t *state, struct vp_err *err)
{
    struct local *l = self(b);
    int fd, rc;

    if (mkdir_parents(l->path, err) < 0)
        return -1;
    fd = lock_dir_of(l->path);
    rc = write_checked(l, state, err);
    unlock_dir(fd);
    return rc;
}

/* The file is the one this process last wrote. */
static bool still_ours(const struct local *l)
{
    struct stat st;

    return l->have_last && stat(l->path, &st) == 0 && st.st_dev == l->last_st.st_dev &&
           st.st_ino == l->last_st.st_ino && st.st_size == l->last_st.st_size &&
           st.st_mtim.tv_sec == l->last_st.st_mtim.tv_sec && st.st_mtim.tv_nsec == l->last_st.st_mtim.tv_nsec;
}

static void keep_last(struct local *l, struct vp_buf *text)
{
    vp_buf_release(&l->last);
    l->last = *text;                    /* taken */
    vp_buf_init(text, 0);
    l->have_last = stat(l->path, &l->last_st) == 0;
}

static int write_checked(struct local *l, json_t *state, struct vp_err *err)
{
    struct vp_buf old;
    bool exists;
    char *doc;
    int rc = -1;

    if (still_ours(l)) {
        vp_buf_init(&old, STATE_MAX_BYTES);
        vp_buf_put(&old, l->last.data, l->last.len);
        exists = true;
    } else {
        if (read_text(l->path, &old, &exists, err) < 0)
            return -1;
        if (check_unmoved(l, &old, exists, err) < 0)
            goto out;
    }
    json_object_set_new(state, "serial", json_integer(json_integer_value(json_object_get(state, "serial")) + 1));
    doc = json_dumps(state, JSON_INDENT(2));
    if (exists && write_atomic(l->backup_path, old.data, old.len, err) < 0) {
        free(doc);
        goto out;
    }
    {
        struct vp_buf text = VP_BUF_INIT(0);
        vp_buf_puts(&text, doc);
        vp_buf_putc(&text, '\n');
        rc = write_atomic(l->path, text.data, text.len, err);
        if (rc == 0)
            keep_last(l, &text);
        vp_buf_release(&text);
    }
    free(doc);
    if (rc == 0)
        remember(l, state);
out:
    vp_buf_release(&old);
    return rc;
}

static json_t *read_lock(const char *lock_path)
{
    return json_load_file(lock_path, 0, NULL);
}

/* Makes the lock file whole in a temporary file, then links it into place: EEXIST means someone holds it. */
static int try_lock(struct local *l, const struct vp_lock_info *info, bool *taken, struct vp_err *err)
{
    char *tmp = vp_xasprintf("%s.%s.tmp", l->lock_path, info->id);
    json_t *doc = vp_lock_info_json(info);
    char *text = json_dumps(doc, JSON_INDENT(2));
    int rc = write_atomic(tmp, text, strlen(text), err);

    json_decref(doc);
    free(text);
    *taken = false;
    if (rc == 0) {
        if (link(tmp, l->lock_path) == 0) {
            snprintf(l->lock_id, sizeof l->lock_id, "%s", info->id);
            *taken = true;
        } else if (errno != EEXIST) {
            rc = vp_fail(err, VP_E_STATE_IO, "cannot create lock '%s': %s", l->lock_path, strerror(errno));
        }
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int local_lock(struct vp_backend *b, struct vp_lock_info *info, long timeout_ms, struct vp_err *err)
{
    struct local *l = self(b);
    long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    bool taken;

    snprintf(info->path, sizeof info->path, "%s", l->path);
    if (mkdir_parents(l->lock_path, err) < 0)
        return -1;
    for (;;) {
        if (try_lock(l, info, &taken, err) < 0)
            return -1;
        if (taken)
            return 0;
        if (now_ms() >= deadline) {
            json_t *holder = read_lock(l->lock_path);
            vp_lock_held_error(err, l->path, holder);
            json_decref(holder);
            return -1;
        }
        usleep(LOCK_POLL_MS * 1000);
    }
}

static int remove_lock_if(struct local *l, const char *id, bool forced, struct vp_err *err)
{
    json_t *holder = read_lock(l->lock_path);
    const char *held = json_string_value(json_object_get(holder, "id"));
    int rc = 0;

    if (!holder)
        rc = forced ? vp_fail(err, VP_E_STATE, "state '%s' is not locked", l->path)
                    : vp_fail(err, VP_E_STATE, "the lock on state '%s' is gone: someone force-unlocked it", l->path);
    else if (!held || strcmp(held, id) != 0)
        rc = forced ? vp_fail(err, VP_E_STATE, "the lock on state '%s' has id %s, not %s; nothing was unlocked",
                              l->path, held ? held : "?", id)
                    : vp_fail(err, VP_E_STATE, "the lock on state '%s' was taken over by %s", l->path, held ? held : "?");
    else if (unlink(l->lock_path) < 0)
        rc = vp_fail(err, VP_E_STATE_IO, "cannot remove lock '%s': %s", l->lock_path, strerror(errno));
    json_decref(holder);
    return rc;
}

static int local_unlock(struct vp_backend *b, struct vp_err *err)
{
    struct local *l = self(b);
    int rc = remove_lock_if(l, l->lock_id, false, err);
    l->lock_id[0] = '\0';
    return rc;
}

static int local_force_unlock(struct vp_backend *b, const char *lock_id, struct vp_err *err)
{
    return remove_lock_if(self(b), lock_id, true, err);
}

static void local_free(struct vp_backend *b)
{
    struct local *l = self(b);

    if (!l)
        return;
    free(l->path);
    free(l->lock_path);
    free(l->backup_path);
    free(l->base.where);
    vp_buf_release(&l->last);
    free(l);
}

struct vp_backend *vp_backend_local_new(const char *path)
{
    struct local *l = vp_xcalloc(1, sizeof *l);

    l->path = vp_xstrdup(path);
    l->lock_path = vp_xasprintf("%s.lock", path);
    l->backup_path = vp_xasprintf("%s.backup", path);
    l->serial = -1;
    l->base.kind = "local";
    l->base.where = vp_xstrdup(path);
    l->base.read = local_read;
    l->base.write = local_write;
    l->base.lock = local_lock;
    l->base.unlock = local_unlock;
    l->base.force_unlock = local_force_unlock;
    l->base.free = local_free;
    return &l->base;
}

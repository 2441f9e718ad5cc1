/* test_state.c: the state document and the local backend: atomic writes with a backup, serial and lineage,
 * refusal of a writer that lost a race, and an exclusive lock that names its holder. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/state.h"
#include "t.h"

static char dir[256];

static void fresh_dir(void)
{
    char cmd[300];

    snprintf(dir, sizeof dir, "/tmp/vp-test-state-%ld", (long)getpid());
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    EXPECT(system(cmd) == 0);
}

static char *path_in(const char *name)
{
    static char p[320];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void new_state_has_lineage_and_serial_zero(void)
{
    json_t *a = vp_state_new("dev"), *b = vp_state_new("dev");
    struct vp_err err = { 0 };

    EXPECT_INTEQ(0, vp_state_check(a, "a", &err));
    EXPECT_INTEQ(0, json_integer_value(json_object_get(a, "serial")));
    EXPECT_INTEQ(36, strlen(json_string_value(json_object_get(a, "lineage"))));
    EXPECT(strcmp(json_string_value(json_object_get(a, "lineage")), json_string_value(json_object_get(b, "lineage"))) != 0);
    json_decref(a);
    json_decref(b);
}

static void put_replaces_and_remove_forgets(void)
{
    json_t *s = vp_state_new("dev"), *attrs = json_pack("{s:s}", "name", "x");

    vp_state_put(s, "s3_bucket.a", "s3_bucket", "a", "x", "creating", attrs, NULL);
    vp_state_put(s, "s3_bucket.a", "s3_bucket", "a", "x", "ready", attrs, NULL);
    EXPECT_INTEQ(1, json_array_size(json_object_get(s, "resources")));
    EXPECT_STREQ("ready", json_string_value(json_object_get(vp_state_resource(s, "s3_bucket.a"), "status")));
    json_object_set_new(attrs, "name", json_string("changed"));   /* the record holds a copy */
    EXPECT_STREQ("x", json_string_value(json_object_get(json_object_get(vp_state_resource(s, "s3_bucket.a"), "attributes"), "name")));
    EXPECT_INTEQ(0, vp_state_remove(s, "s3_bucket.a"));
    EXPECT_INTEQ(-1, vp_state_remove(s, "s3_bucket.a"));
    EXPECT(vp_state_resource(s, "s3_bucket.a") == NULL);
    json_decref(attrs);
    json_decref(s);
}

static void check_refuses_foreign_and_newer_documents(void)
{
    struct vp_err err = { 0 };
    json_t *s = json_pack("{s:i}", "serial", 1);

    EXPECT_INTEQ(-1, vp_state_check(s, "x.json", &err));
    EXPECT(strstr(err.msg, "format_version") != NULL);
    json_decref(s);
    s = vp_state_new("dev");
    json_object_set_new(s, "format_version", json_integer(99));
    EXPECT_INTEQ(-1, vp_state_check(s, "x.json", &err));
    EXPECT(strstr(err.msg, "newer") != NULL);
    json_decref(s);
}

static int count_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)))
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void local_writes_atomically_with_backup(void)
{
    struct vp_err err = { 0 };
    struct vp_backend *b;
    json_t *s, *back;
    struct stat st;

    fresh_dir();
    b = vp_backend_local_new(path_in("nested/dev.json"));
    EXPECT_INTEQ(0, b->read(b, &s, &err));
    EXPECT(s == NULL);
    s = vp_state_new("dev");
    EXPECT_INTEQ(0, b->write(b, s, &err));
    EXPECT_INTEQ(1, json_integer_value(json_object_get(s, "serial")));
    EXPECT_INTEQ(0, stat(path_in("nested/dev.json"), &st));
    EXPECT_INTEQ(0600, st.st_mode & 0777);
    EXPECT_INTEQ(0, b->write(b, s, &err));
    back = json_load_file(path_in("nested/dev.json.backup"), 0, NULL);
    EXPECT_INTEQ(1, json_integer_value(json_object_get(back, "serial")));
    json_decref(back);
    json_decref(s);
    EXPECT_INTEQ(0, b->read(b, &s, &err));
    EXPECT_INTEQ(2, json_integer_value(json_object_get(s, "serial")));
    snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/nested");
    EXPECT_INTEQ(2, count_files());     /* dev.json and its backup: no temporary left behind */
    json_decref(s);
    b->free(b);
}

static void local_refuses_a_writer_that_lost_the_race(void)
{
    struct vp_err err = { 0 };
    struct vp_backend *a, *b;
    json_t *sa, *sb;

    fresh_dir();
    a = vp_backend_local_new(path_in("dev.json"));
    b = vp_backend_local_new(path_in("dev.json"));
    sa = vp_state_new("dev");
    EXPECT_INTEQ(0, a->write(a, sa, &err));
    json_decref(sa);
    EXPECT_INTEQ(0, a->read(a, &sa, &err));
    EXPECT_INTEQ(0, b->read(b, &sb, &err));
    EXPECT_INTEQ(0, a->write(a, sa, &err));
    EXPECT_INTEQ(-1, b->write(b, sb, &err));
    EXPECT_INTEQ(VP_E_STATE, err.code);
    EXPECT(strstr(err.msg, "changed by another run") != NULL);
    json_decref(sa);
    json_decref(sb);
    a->free(a);
    b->free(b);
}

static void local_refuses_garbage(void)
{
    struct vp_err err = { 0 };
    struct vp_backend *b;
    json_t *s;
    FILE *f;

    fresh_dir();
    mkdir(dir, 0700);
    f = fopen(path_in("dev.json"), "w");
    fputs("{\"format_version\": 1, \"serial\": ", f);
    fclose(f);
    b = vp_backend_local_new(path_in("dev.json"));
    EXPECT_INTEQ(-1, b->read(b, &s, &err));
    EXPECT(strstr(err.msg, "not valid JSON") != NULL);
    b->free(b);
}

struct holder { struct vp_backend *b; long hold_ms; };

static void *release_later(void *arg)
{
    struct holder *h = arg;
    struct vp_err err = { 0 };

    usleep((useconds_t)h->hold_ms * 1000);
    h->b->unlock(h->b, &err);
    return NULL;
}

static void local_lock_is_exclusive_and_names_its_holder(void)
{
    struct vp_err err = { 0 };
    struct vp_backend *a, *b;
    struct vp_lock_info ia, ib;
    struct holder h;
    pthread_t t;

    fresh_dir();
    a = vp_backend_local_new(path_in("dev.json"));
    b = vp_backend_local_new(path_in("dev.json"));
    vp_lock_info_init(&ia, "apply");
    vp_lock_info_init(&ib, "destroy");
    EXPECT_INTEQ(0, a->lock(a, &ia, 0, &err));
    EXPECT_INTEQ(-1, b->lock(b, &ib, 0, &err));
    EXPECT_INTEQ(VP_E_STATE_LOCKED, err.code);
    EXPECT(strstr(err.msg, ia.id) != NULL);
    EXPECT(strstr(err.msg, "(apply by ") != NULL);
    EXPECT(strstr(err.msg, "force-unlock") != NULL);
    /* With a timeout, the second waits for the first to let go. */
    h.b = a;
    h.hold_ms = 300;
    pthread_create(&t, NULL, release_later, &h);
    EXPECT_INTEQ(0, b->lock(b, &ib, 5000, &err));
    pthread_join(t, NULL);
    EXPECT_INTEQ(-1, a->force_unlock(a, "not-the-id", &err));
    EXPECT(strstr(err.msg, "nothing was unlocked") != NULL);
    EXPECT_INTEQ(0, a->force_unlock(a, ib.id, &err));
    EXPECT_INTEQ(-1, a->force_unlock(a, ib.id, &err));
    EXPECT(strstr(err.msg, "not locked") != NULL);
    a->free(a);
    b->free(b);
}

int main(void)
{
    T_RUN(new_state_has_lineage_and_serial_zero);
    T_RUN(put_replaces_and_remove_forgets);
    T_RUN(check_refuses_foreign_and_newer_documents);
    T_RUN(local_writes_atomically_with_backup);
    T_RUN(local_refuses_a_writer_that_lost_the_race);
    T_RUN(local_refuses_garbage);
    T_RUN(local_lock_is_exclusive_and_names_its_holder);
    fresh_dir();
    return t_done();
}

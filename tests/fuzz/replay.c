/* replay.c: main() for a fuzz target without libFuzzer. Each argument is a file or a folder of files; every
 * file is fed once to LLVMFuzzerTestOneInput, as libFuzzer would. Built with the normal compiler (and with
 * the sanitizers under `make asan`), it replays the committed corpus and every crash ever found
 * (tests/fuzz/regressions/<target>/) in `make check`. Prints "replayed N inputs"; a crash aborts. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "fuzz.h"

#define REPLAY_MAX_BYTES (16u << 20)

static int replay_file(const char *path, size_t *count)
{
    struct vp_buf buf = VP_BUF_INIT(REPLAY_MAX_BYTES);
    struct vp_err err = { 0 };

    if (vp_buf_read_file(&buf, path, &err) < 0) {
        fprintf(stderr, "replay: %s\n", err.msg);
        vp_buf_release(&buf);
        return -1;
    }
    /* libFuzzer's input is a copy of exactly size bytes: a heap copy lets ASan see any read past the end. */
    size_t len = buf.len;
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    if (len)
        memcpy(copy, buf.data, len);
    vp_buf_release(&buf);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    (*count)++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder's regular files in name order (so a failure names the same file every run). */
static int replay_path(const char *path, size_t *count)
{
    struct stat st;
    DIR *dir;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    if (stat(path, &st) < 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path, count);
    if (!(dir = opendir(path))) {
        perror(path);
        return -1;
    }
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof(*names));
            if (!grown)
                abort();
            names = grown;
        }
        size_t len = strlen(path) + strlen(de->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n++], len, "%s/%s", path, de->d_name);
    }
    closedir(dir);
    if (n)
        qsort(names, n, sizeof(*names), compare_names);
    for (size_t i = 0; i < n; i++) {
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) && replay_file(names[i], count) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (replay_path(argv[i], &count) < 0)
            rc = 1;
    printf("replayed %zu inputs\n", count);
    return rc;
}

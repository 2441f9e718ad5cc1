/* mkzip.c: `mkzip OUT.zip DIR` zips the files under DIR, reproducibly, and prints the zip's size. Lambda
 * compares a zip's SHA-256 with the deployed CodeSha256, so two builds of the same code must give the same
 * bytes: entries sorted by name, one fixed time (SOURCE_DATE_EPOCH, else 1980-01-01 00:00, the earliest a
 * zip can hold), Unix modes 0755 for files with an execute bit and 0644 for the rest, deflate level 6 (9
 * takes three times as long for 0.5% less), no directory entries and nothing else from the file system.
 * Used by the Makefile for build/handlers/. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zip.h>

struct names {
    char **v;
    size_t n, cap;
};

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "mkzip: %s: %s\n", what, detail);
    exit(1);
}

static void *must(void *p)
{
    if (!p)
        die("out of memory", "allocation failed");
    return p;
}

static void add_name(struct names *names, const char *name)
{
    if (names->n == names->cap) {
        names->cap = names->cap ? names->cap * 2 : 64;
        names->v = must(realloc(names->v, names->cap * sizeof(*names->v)));
    }
    names->v[names->n++] = must(strdup(name));
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = must(malloc(n));

    snprintf(p, n, "%s%s%s", a, *a ? "/" : "", b);
    return p;
}

/* Adds the regular files under root/rel to names, as paths relative to root. */
static void collect(const char *root, const char *rel, struct names *names)
{
    char *dir_path = *rel ? join(root, rel) : must(strdup(root));
    DIR *dir = opendir(dir_path);
    struct dirent *de;

    if (!dir)
        die(dir_path, strerror(errno));
    while ((de = readdir(dir))) {
        char *name, *path;
        struct stat st;

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        name = join(rel, de->d_name);
        path = join(root, name);
        if (lstat(path, &st) < 0)
            die(path, strerror(errno));
        if (S_ISDIR(st.st_mode))
            collect(root, name, names);
        else if (S_ISREG(st.st_mode))
            add_name(names, name);
        else
            die(path, "not a regular file or a folder (copy symbolic links' targets instead)");
        free(path);
        free(name);
    }
    closedir(dir);
    free(dir_path);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fixed entry time in MS-DOS form. */
static void dos_time(zip_uint16_t *dtime, zip_uint16_t *ddate)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    time_t t = epoch && *epoch ? (time_t)strtoll(epoch, NULL, 10) : 0;
    struct tm tm;

    if (t < 315532800 || !gmtime_r(&t, &tm)) {     /* before 1980-01-01 UTC: the earliest DOS date */
        *dtime = 0;
        *ddate = (0 << 9) | (1 << 5) | 1;
        return;
    }
    *dtime = (zip_uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    *ddate = (zip_uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

static void add_entry(zip_t *za, const char *root, const char *name, zip_uint16_t dtime, zip_uint16_t ddate)
{
    char *path = join(root, name);
    struct stat st;
    zip_source_t *src;
    zip_int64_t idx;
    zip_uint32_t mode;

    if (stat(path, &st) < 0)
        die(path, strerror(errno));
    mode = (st.st_mode & 0111) ? 0755 : 0644;
    src = zip_source_file(za, path, 0, -1);
    if (!src || (idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8)) < 0)
        die(path, zip_strerror(za));
    if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6) < 0 ||
        zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) < 0 ||
        zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX, (S_IFREG | mode) << 16) < 0)
        die(path, zip_strerror(za));
    free(path);
}

int main(int argc, char **argv)
{
    struct names names = { 0 };
    zip_uint16_t dtime, ddate;
    char tmp[4096];
    struct stat st;
    int zerr;
    zip_t *za;

    if (argc != 3)
        die("usage", "mkzip OUT.zip DIR");
    collect(argv[2], "", &names);
    qsort(names.v, names.n, sizeof(*names.v), by_name);
    dos_time(&dtime, &ddate);
    snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
    remove(tmp);
    if (!(za = zip_open(tmp, ZIP_CREATE | ZIP_EXCL, &zerr)))
        die(tmp, "cannot create the zip");
    for (size_t i = 0; i < names.n; i++)
        add_entry(za, argv[2], names.v[i], dtime, ddate);
    if (zip_close(za) < 0)
        die(tmp, zip_strerror(za));
    if (rename(tmp, argv[1]) < 0 || stat(argv[1], &st) < 0)
        die(argv[1], strerror(errno));
    printf("%s: %.1f MiB\n", argv[1], (double)st.st_size / (1024.0 * 1024.0));
    for (size_t i = 0; i < names.n; i++)
        free(names.v[i]);
    free(names.v);
    return 0;
}

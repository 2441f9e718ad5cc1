/* unzip.c: unpacking a function's zip into its task folder with libzip, modes kept (bootstrap must stay
 * executable), and removing that folder afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "base/xalloc.h"
#include "local/function_run.h"

/* A name safe to create under the task folder: relative, no "." or ".." component, no empty one inside. */
static bool safe_name(const char *name)
{
    const char *p = name;

    if (!*name || *name == '/')
        return false;
    while (*p) {
        size_t n = strcspn(p, "/");
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        if (n == 0 && p[1] != '\0')     /* "a//b" */
            return false;
        p += n;
        if (*p == '/')
            p++;
    }
    return true;
}

/* Creates every folder of path's parents under dir. */
static int make_parents(const char *dir, const char *name, struct vp_err *err)
{
    char *path = vp_xasprintf("%s/%s", dir, name);
    char *p = path + strlen(dir) + 1;

    for (; (p = strchr(p, '/')); p++) {
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            vp_fail(err, VP_E_IO, "cannot create '%s': %s", path, strerror(errno));
            free(path);
            return -1;
        }
        *p = '/';
    }
    free(path);
    return 0;
}

/* The entry's Unix mode (made by a Unix zip tool), or 0 when the zip does not carry one. */
static mode_t entry_mode(zip_t *z, zip_uint64_t i)
{
    zip_uint8_t opsys;
    zip_uint32_t attr;

    if (zip_file_get_external_attributes(z, i, 0, &opsys, &attr) != 0 || opsys != ZIP_OPSYS_UNIX)
        return 0;
    return (mode_t)(attr >> 16);
}

static int extract_file(zip_t *z, zip_uint64_t i, const char *path, mode_t mode, bool link, struct vp_err *err)
{
    zip_file_t *zf = zip_fopen_index(z, i, 0);
    char chunk[65536], target[4096];
    size_t tlen = 0;
    zip_int64_t n;
    int fd = -1, ret = 0;

    if (!zf)
        return vp_fail(err, VP_E_IO, "cannot read '%s' in the zip: %s", path, zip_strerror(z));
    if (!link && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777)) < 0) {
        zip_fclose(zf);
        return vp_fail(err, VP_E_IO, "cannot create '%s': %s", path, strerror(errno));
    }
    while ((n = zip_fread(zf, chunk, sizeof(chunk))) > 0) {
        if (link) {
            if (tlen + (size_t)n >= sizeof(target)) {
                ret = vp_fail(err, VP_E_PARSE, "symbolic link '%s' in the zip is too long", path);
                break;
            }
            memcpy(target + tlen, chunk, (size_t)n);
            tlen += (size_t)n;
        } else if (write(fd, chunk, (size_t)n) != n) {
            ret = vp_fail(err, VP_E_IO, "cannot write '%s': %s", path, strerror(errno));
            break;
        }
    }
    if (ret == 0 && n < 0)
        ret = vp_fail(err, VP_E_IO, "cannot read '%s' in the zip: %s", path, zip_file_strerror(zf));
    zip_fclose(zf);
    if (fd >= 0) {
        if (close(fd) != 0 && ret == 0)
            ret = vp_fail(err, VP_E_IO, "cannot write '%s': %s", path, strerror(errno));
        if (ret == 0 && mode && fchmodat(AT_FDCWD, path, mode & 0777, 0) != 0)
            ret = vp_fail(err, VP_E_IO, "cannot set the mode of '%s': %s", path, strerror(errno));
    }
    if (ret == 0 && link) {
        target[tlen] = '\0';
        if (target[0] == '/' || strstr(target, ".."))
            return vp_fail(err, VP_E_PARSE, "symbolic link '%s' in the zip points outside it ('%s')", path, target);
        if (symlink(target, path) != 0)
            return vp_fail(err, VP_E_IO, "cannot create link '%s': %s", path, strerror(errno));
    }
    return ret;
}

/* Two passes: folders and files first, symbolic links last, so no file is ever written through a link. */
int vp_unzip_to(const char *zip_path, const char *dir, struct vp_err *err)
{
    int zerr = 0;
    zip_t *z = zip_open(zip_path, ZIP_RDONLY, &zerr);
    zip_int64_t n;
    zip_uint64_t total = 0;
    int ret = 0;

    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        vp_fail(err, VP_E_IO, "cannot open zip '%s': %s", zip_path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return -1;
    }
    n = zip_get_num_entries(z, 0);
    for (int pass = 0; pass < 2 && ret == 0; pass++) {
        for (zip_int64_t i = 0; i < n && ret == 0; i++) {
            zip_stat_t st;
            mode_t mode = entry_mode(z, (zip_uint64_t)i);
            bool link = S_ISLNK(mode), is_dir;
            char *path;

            if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
                ret = vp_fail(err, VP_E_PARSE, "zip '%s': unreadable entry %lld", zip_path, (long long)i);
                break;
            }
            if (!safe_name(st.name)) {
                ret = vp_fail(err, VP_E_PARSE, "zip '%s': refusing entry '%s' (absolute, or with '..')", zip_path,
                              st.name);
                break;
            }
            if ((pass == 0) == link)
                continue;
            is_dir = st.name[strlen(st.name) - 1] == '/';
            if (pass == 0 && (st.valid & ZIP_STAT_SIZE)) {
                total += st.size;
                if (total > VP_LAMBDA_MAX_UNZIPPED_BYTES) {
                    ret = vp_fail(err, VP_E_LIMIT, "zip '%s' unpacks to more than %u bytes, Lambda's quota", zip_path,
                                  VP_LAMBDA_MAX_UNZIPPED_BYTES);
                    break;
                }
            }
            if ((ret = make_parents(dir, st.name, err)) < 0)
                break;
            path = vp_xasprintf("%s/%s", dir, st.name);
            if (is_dir) {
                if (mkdir(path, mode ? (mode & 0777) | 0700 : 0755) != 0 && errno != EEXIST)
                    ret = vp_fail(err, VP_E_IO, "cannot create '%s': %s", path, strerror(errno));
            } else {
                ret = extract_file(z, (zip_uint64_t)i, path, mode ? mode : 0644, link, err);
            }
            free(path);
        }
    }
    zip_discard(z);
    return ret;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)ftw;
    if (flag == FTW_DP || flag == FTW_D)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void vp_remove_tree(const char *dir)
{
    if (dir && *dir)
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

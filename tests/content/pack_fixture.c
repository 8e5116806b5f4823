/*
 * pack_fixture.c - temporary copies of fixture packs (see pack_fixture.h).
 */
#include "pack_fixture.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fixture_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/minifab-content-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(buf))
        return NULL;
    return strdup(buf);
}

char *fixture_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int fixture_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

static int copy_file(const char *src, const char *dst)
{
    size_t len;
    char *data = fixture_read(src, &len);
    if (!data)
        return -1;
    int rc = fixture_write(dst, data, len);
    free(data);
    return rc;
}

static int copy_tree_except(const char *src, const char *dst, int skip_case_files)
{
    DIR *d = opendir(src);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (skip_case_files && (!strcmp(e->d_name, "expected.txt") ||
                                !strcmp(e->d_name, "DELETE") || !strcmp(e->d_name, ".keep")))
            continue;
        char s[4096], t[4096];
        snprintf(s, sizeof s, "%s/%s", src, e->d_name);
        snprintf(t, sizeof t, "%s/%s", dst, e->d_name);
        struct stat st;
        if (stat(s, &st) != 0) {
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (mkdir(t, 0755) != 0 && access(t, F_OK) != 0)
                rc = -1;
            else
                rc = copy_tree_except(s, t, 0);
        } else {
            rc = copy_file(s, t);
        }
    }
    closedir(d);
    return rc;
}

int fixture_copy_tree(const char *src, const char *dst)
{
    return copy_tree_except(src, dst, 0);
}

int fixture_overlay(const char *case_dir, const char *dst)
{
    if (copy_tree_except(case_dir, dst, 1) != 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/DELETE", case_dir);
    char *list = fixture_read(path, NULL);
    if (!list)
        return 0;
    for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
        snprintf(path, sizeof path, "%s/%s", dst, line);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            fixture_rm_tree(path);
        else
            unlink(path);
    }
    free(list);
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

void fixture_rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * content_media.c - the size of a picture without decoding it, for the
 * content validator (mf_core cannot link SDL_image). Reads only headers:
 *   PNG   the IHDR chunk right after the 8-byte signature (width, height BE32)
 *   JPEG  the first SOFn marker segment (height, width BE16)
 *   SVG   the width/height attributes of <svg>, else its viewBox
 * Enough to catch a missing file, a wrong format or a thumbnail-sized picture.
 * Likewise the length of an MP4 video, from the movie header box ('mvhd'
 * inside 'moov', ISO/IEC 14496-12), to hold captions to the real video, its
 * picture size (the track headers, 'tkhd'), and whether it is complete.
 *
 * The bounds on media (content.h, CONTENT_*_MAX_*) are judged here, in one
 * place, for the validator and for every loader (app/ui, app/video) before it
 * decodes anything: content_file_check, content_picture_check,
 * content_video_check.
 */
#include "content.h"

#include "mf_error.h"

#include <errno.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* An SVG's root element is near its start; comments and a doctype may precede it. */
#define CONTENT_SVG_HEAD_MAX 65536

static unsigned be16(const unsigned char *b)
{
    return (unsigned)b[0] << 8 | b[1];
}

static unsigned long be32(const unsigned char *b)
{
    return (unsigned long)b[0] << 24 | (unsigned long)b[1] << 16 | (unsigned long)b[2] << 8 | b[3];
}

static int png_size(FILE *f, int *w, int *h)
{
    unsigned char b[24];
    if (fread(b, 1, sizeof b, f) != sizeof b || memcmp(b + 12, "IHDR", 4) != 0)
        return MF_EMEDIA;
    unsigned long pw = be32(b + 16), ph = be32(b + 20);
    if (pw == 0 || ph == 0 || pw > INT32_MAX || ph > INT32_MAX)
        return MF_EMEDIA;
    *w = (int)pw;
    *h = (int)ph;
    return MF_OK;
}

static int jpeg_size(FILE *f, int *w, int *h)
{
    unsigned char b[8];
    if (fseek(f, 2, SEEK_SET) != 0)
        return MF_EMEDIA;
    for (int guard = 0; guard < 1000; guard++) {
        int c = fgetc(f);
        if (c != 0xFF)
            return MF_EMEDIA;
        int marker;
        do {
            marker = fgetc(f);
        } while (marker == 0xFF);
        if (marker == EOF)
            return MF_EMEDIA;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue; /* standalone markers carry no length */
        if (marker == 0xD9 || marker == 0xDA)
            return MF_EMEDIA; /* image data before any frame header */
        if (fread(b, 1, 2, f) != 2)
            return MF_EMEDIA;
        unsigned len = be16(b);
        if (len < 2)
            return MF_EMEDIA;
        bool sof =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (len < 7 || fread(b, 1, 5, f) != 5)
                return MF_EMEDIA;
            *h = (int)be16(b + 1);
            *w = (int)be16(b + 3);
            return *w > 0 && *h > 0 ? MF_OK : MF_EMEDIA;
        }
        if (fseek(f, (long)len - 2, SEEK_CUR) != 0)
            return MF_EMEDIA;
    }
    return MF_EMEDIA;
}

/* Value of attribute NAME inside the tag [TAG, END), copied to OUT. */
static bool svg_attr(const char *tag, const char *end, const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    for (const char *p = tag; p + n + 2 < end; p++) {
        if ((p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t' || p[-1] == '\r') &&
            !strncmp(p, name, n)) {
            const char *q = p + n;
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            if (q >= end || *q != '=')
                continue;
            q++;
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            if (q >= end || (*q != '"' && *q != '\''))
                continue;
            char quote = *q++;
            const char *close = memchr(q, quote, (size_t)(end - q));
            if (!close || (size_t)(close - q) >= size)
                return false;
            memcpy(out, q, (size_t)(close - q));
            out[close - q] = '\0';
            return true;
        }
    }
    return false;
}

/* A length in user units or px; false for %, em and the like. */
static bool svg_length(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || !(v > 0))
        return false;
    while (*end == ' ')
        end++;
    if (*end && strcmp(end, "px") != 0)
        return false;
    *out = v;
    return true;
}

static int svg_size(FILE *f, int *w, int *h)
{
    char *buf = malloc(CONTENT_SVG_HEAD_MAX + 1);
    if (!buf)
        return MF_ENOMEM;
    size_t n = fread(buf, 1, CONTENT_SVG_HEAD_MAX, f);
    buf[n] = '\0';
    int rc = MF_EMEDIA;
    char *tag = strstr(buf, "<svg");
    char *end = tag ? strchr(tag, '>') : NULL;
    if (end && (tag[4] == ' ' || tag[4] == '\n' || tag[4] == '\t' || tag[4] == '\r')) {
        char val[128];
        double dw = 0, dh = 0;
        bool have = svg_attr(tag + 4, end, "width", val, sizeof val) && svg_length(val, &dw) &&
                    svg_attr(tag + 4, end, "height", val, sizeof val) && svg_length(val, &dh);
        if (!have && svg_attr(tag + 4, end, "viewBox", val, sizeof val)) {
            double x, y;
            have = sscanf(val, "%lf%*[ ,]%lf%*[ ,]%lf%*[ ,]%lf", &x, &y, &dw, &dh) == 4 && dw > 0 &&
                   dh > 0;
        }
        if (have) { /* a size beyond any bound is still a size: the bounds judge it */
            *w = dw >= INT32_MAX ? INT32_MAX : (int)(dw + 0.5);
            *h = dh >= INT32_MAX ? INT32_MAX : (int)(dh + 0.5);
            rc = *w > 0 && *h > 0 ? MF_OK : MF_EMEDIA;
        }
    }
    free(buf);
    return rc;
}

/* Reads a box header at the current position: its type, the size of its
 * body (to the end of the file for a size-0 box) and the header's length.
 * false at the end of the file or on a malformed header. */
static bool mp4_box(FILE *f, uint64_t left, char type[5], uint64_t *body)
{
    unsigned char b[8];
    if (left < 8 || fread(b, 1, 8, f) != 8)
        return false;
    uint64_t size = be32(b);
    memcpy(type, b + 4, 4);
    type[4] = '\0';
    uint64_t header = 8;
    if (size == 1) {
        if (left < 16 || fread(b, 1, 8, f) != 8)
            return false;
        size = (uint64_t)be32(b) << 32 | be32(b + 4);
        header = 16;
    } else if (size == 0) {
        size = left; /* "to the end of the file" */
    }
    if (size < header)
        return false;
    *body = size - header;
    return true;
}

typedef struct {
    int64_t duration_ms; /* -1 = no movie header */
    int w, h;            /* the largest visual track's size, 0 = none seen */
    bool truncated;      /* a box claims more bytes than the file has */
    uint64_t claimed;    /* how many bytes the boxes claim (when truncated) */
} mp4_info_t;

static void mp4_mvhd(FILE *f, uint64_t body, mp4_info_t *info)
{
    unsigned char b[32];
    uint64_t scale, duration;
    if (body < 20 || fread(b, 1, 4, f) != 4)
        return;
    if (b[0] == 1) {
        if (body < 32 || fread(b, 1, 28, f) != 28)
            return;
        scale = be32(b + 16);
        duration = (uint64_t)be32(b + 20) << 32 | be32(b + 24);
    } else {
        if (fread(b, 1, 16, f) != 16)
            return;
        scale = be32(b + 8);
        duration = be32(b + 12);
    }
    if (scale > 0 && duration != UINT32_MAX && duration < UINT64_MAX / 1000)
        info->duration_ms = (int64_t)(duration * 1000 / scale);
}

/* Track header (ISO/IEC 14496-12 8.3.2): width and height in 16.16 fixed
 * point at its end; audio tracks have 0. */
static void mp4_tkhd(FILE *f, uint64_t body, mp4_info_t *info)
{
    unsigned char b[96];
    if (body < 84 || fread(b, 1, 84, f) != 84)
        return;
    size_t at = 76;
    if (b[0] == 1) {
        if (body < 96 || fread(b + 84, 1, 12, f) != 12)
            return;
        at = 88;
    }
    unsigned long tw = be32(b + at) >> 16, th = be32(b + at + 4) >> 16;
    if (tw > (unsigned long)info->w)
        info->w = tw > INT32_MAX ? INT32_MAX : (int)tw;
    if (th > (unsigned long)info->h)
        info->h = th > INT32_MAX ? INT32_MAX : (int)th;
}

/* Walks the boxes in [start, start + len): descends into moov and trak,
 * reads mvhd and tkhd, and notes a box that runs past the end of the file. A
 * bounded walk (GUARD boxes at most). */
static void mp4_walk(FILE *f, uint64_t start, uint64_t len, uint64_t file_size, int depth,
                     int *guard, mp4_info_t *info)
{
    uint64_t pos = start, end = start + len;
    char type[5];
    uint64_t body;
    while (pos < end && (*guard)-- > 0) {
        if (fseeko(f, (off_t)pos, SEEK_SET) != 0 || !mp4_box(f, end - pos, type, &body))
            return;
        uint64_t header = (uint64_t)ftello(f) - pos;
        uint64_t box_end = pos + header + body;
        if (box_end > file_size || box_end > end) {
            info->truncated = true;
            if (box_end > info->claimed)
                info->claimed = box_end;
            body = (file_size < end ? file_size : end) - pos - header;
        }
        if (depth < 4 && (!strcmp(type, "moov") || !strcmp(type, "trak")))
            mp4_walk(f, pos + header, body, file_size, depth + 1, guard, info);
        else if (!strcmp(type, "mvhd"))
            mp4_mvhd(f, body, info);
        else if (!strcmp(type, "tkhd"))
            mp4_tkhd(f, body, info);
        pos += header + body;
    }
}

static int mp4_probe(const char *path, mp4_info_t *info)
{
    memset(info, 0, sizeof *info);
    info->duration_ms = -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return MF_ENOENT;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return MF_EMEDIA;
    }
    int guard = 4096;
    mp4_walk(f, 0, (uint64_t)st.st_size, (uint64_t)st.st_size, 0, &guard, info);
    fclose(f);
    return MF_OK;
}

int content_video_duration(const char *path, int64_t *ms)
{
    *ms = 0;
    mp4_info_t info;
    int rc = mp4_probe(path, &info);
    if (rc != MF_OK)
        return rc;
    if (info.duration_ms < 0)
        return MF_EMEDIA;
    *ms = info.duration_ms;
    return MF_OK;
}

int content_image_size(const char *path, int *w, int *h)
{
    *w = *h = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return MF_ENOENT;
    unsigned char sig[8] = {0};
    size_t n = fread(sig, 1, sizeof sig, f);
    int rc = MF_EMEDIA;
    if (n == 8 && !memcmp(sig, "\x89PNG\r\n\x1a\n", 8)) {
        rewind(f);
        rc = png_size(f, w, h);
    } else if (n >= 3 && sig[0] == 0xFF && sig[1] == 0xD8 && sig[2] == 0xFF) {
        rc = jpeg_size(f, w, h);
    } else {
        size_t len = strlen(path);
        if (len > 4 && !strcasecmp(path + len - 4, ".svg")) {
            rewind(f);
            rc = svg_size(f, w, h);
        }
    }
    fclose(f);
    return rc;
}

/* ---- Bounds, for the validator and the loaders --------------------------- */

int content_file_check(const char *path, long long max_bytes, long long *size, char *why,
                       size_t why_len)
{
    struct stat st;
    if (size)
        *size = 0;
    if (stat(path, &st) != 0) {
        int e = errno;
        if (e == ELOOP) {
            snprintf(why, why_len, "is a loop of symbolic links, not a file");
            return MF_EINVAL;
        }
        if (e == ENOENT || e == ENOTDIR) {
            snprintf(why, why_len, "does not exist");
            return MF_ENOENT;
        }
        snprintf(why, why_len, "cannot be read: %s", strerror(e));
        return MF_EIO;
    }
    const char *kind = S_ISDIR(st.st_mode)                          ? "a directory"
                       : S_ISFIFO(st.st_mode)                       ? "a named pipe (FIFO)"
                       : S_ISSOCK(st.st_mode)                       ? "a socket"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                       : S_ISREG(st.st_mode)                        ? NULL
                                                                    : "not a regular file";
    if (kind) {
        snprintf(why, why_len, "is %s, not a file", kind);
        return MF_EINVAL;
    }
    if (size)
        *size = (long long)st.st_size;
    if (st.st_size == 0) {
        snprintf(why, why_len, "is empty (0 bytes)");
        return MF_EMEDIA;
    }
    if (max_bytes > 0 && (long long)st.st_size > max_bytes) {
        snprintf(why, why_len, "is too large: %lld MB, at most %lld MB",
                 (long long)st.st_size / 1000000, max_bytes / 1000000);
        return MF_ETOOBIG;
    }
    if (access(path, R_OK) != 0) {
        snprintf(why, why_len, "cannot be read: %s", strerror(errno));
        return MF_EIO;
    }
    return MF_OK;
}

/* Whether W x H fits MAX_SIDE and MAX_PIXELS; WHY says the bound otherwise. */
static int dims_check(long long w, long long h, long long max_side, long long max_pixels,
                      const char *what, char *why, size_t why_len)
{
    if (w > max_side || h > max_side || w * h > max_pixels) {
        snprintf(why, why_len,
                 "is %lldx%lld pixels: too large for the kiosk to decode (a %s may be at most "
                 "%lld pixels a side and %.1f million pixels in all; make it smaller)",
                 w, h, what, max_side, (double)max_pixels / 1e6);
        return MF_ETOOBIG;
    }
    return MF_OK;
}

int content_video_dims_check(int w, int h, char *why, size_t why_len)
{
    return dims_check(w, h, CONTENT_VIDEO_MAX_SIDE, CONTENT_VIDEO_MAX_PIXELS, "video", why,
                      why_len);
}

int content_picture_check(const char *path, int *w, int *h, char *why, size_t why_len)
{
    *w = *h = 0;
    int rc = content_file_check(path, CONTENT_PICTURE_MAX_BYTES, NULL, why, why_len);
    if (rc != MF_OK)
        return rc;
    rc = content_image_size(path, w, h);
    if (rc == MF_ENOENT) {
        snprintf(why, why_len, "cannot be opened");
        return rc;
    }
    if (rc != MF_OK) {
        size_t len = strlen(path);
        if (len > 4 && !strcasecmp(path + len - 4, ".svg"))
            snprintf(why, why_len,
                     "has no size: give its <svg> element a viewBox, or a width "
                     "and height in pixels");
        else
            snprintf(why, why_len, "is not a readable PNG, JPEG or SVG image");
        return MF_EMEDIA;
    }
    return dims_check(*w, *h, CONTENT_PICTURE_MAX_SIDE, CONTENT_PICTURE_MAX_PIXELS, "picture", why,
                      why_len);
}

int content_video_check(const char *path, int *w, int *h, char *why, size_t why_len)
{
    *w = *h = 0;
    long long size = 0;
    int rc = content_file_check(path, CONTENT_VIDEO_MAX_BYTES, &size, why, why_len);
    if (rc != MF_OK)
        return rc;
    unsigned char head[12] = {0};
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    if (n == sizeof head && !memcmp(head + 4, "ftyp", 4)) {
        mp4_info_t info;
        if (mp4_probe(path, &info) == MF_OK) {
            if (info.truncated) {
                snprintf(why, why_len,
                         "is incomplete: %lld bytes, but its contents need %llu (cut short "
                         "while copying?)",
                         size, (unsigned long long)info.claimed);
                return MF_ETRUNCATED;
            }
            *w = info.w;
            *h = info.h;
            if (info.w > 0 && info.h > 0)
                return content_video_dims_check(info.w, info.h, why, why_len);
        }
        return MF_OK;
    }
    if (n >= 4 && !memcmp(head, "\x1a\x45\xdf\xa3", 4))
        return MF_OK; /* WebM: the player checks the size when it opens the stream */
    snprintf(why, why_len, "is not an MP4 or WebM file");
    return MF_EMEDIA;
}

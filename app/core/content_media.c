/*
 * content_media.c - the size of a picture without decoding it, for the
 * content validator (mf_core cannot link SDL_image). Reads only headers:
 *   PNG   the IHDR chunk right after the 8-byte signature (width, height BE32)
 *   JPEG  the first SOFn marker segment (height, width BE16)
 *   SVG   the width/height attributes of <svg>, else its viewBox
 * Enough to catch a missing file, a wrong format or a thumbnail-sized picture.
 * Likewise the length of an MP4 video, from the movie header box ('mvhd'
 * inside 'moov', ISO/IEC 14496-12), to hold captions to the real video.
 */
#include "content.h"

#include "mf_error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    if (pw == 0 || ph == 0 || pw > 100000 || ph > 100000)
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
        if (have && dw < 100000 && dh < 100000) {
            *w = (int)(dw + 0.5);
            *h = (int)(dh + 0.5);
            rc = *w > 0 && *h > 0 ? MF_OK : MF_EMEDIA;
        }
    }
    free(buf);
    return rc;
}

/* Reads a box header at the current position: its type and the size of its
 * body. false at the end of the file or on a malformed header. */
static bool mp4_box(FILE *f, char type[5], uint64_t *body)
{
    unsigned char b[8];
    if (fread(b, 1, 8, f) != 8)
        return false;
    uint64_t size = be32(b);
    memcpy(type, b + 4, 4);
    type[4] = '\0';
    uint64_t header = 8;
    if (size == 1) {
        if (fread(b, 1, 8, f) != 8)
            return false;
        size = (uint64_t)be32(b) << 32 | be32(b + 4);
        header = 16;
    } else if (size == 0) {
        return false; /* "to the end of the file": no movie header after it */
    }
    if (size < header)
        return false;
    *body = size - header;
    return true;
}

int content_video_duration(const char *path, int64_t *ms)
{
    *ms = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return MF_ENOENT;
    int rc = MF_EMEDIA;
    char type[5];
    uint64_t body;
    /* Top-level boxes, then the children of 'moov'; a bounded walk. */
    for (int guard = 0; guard < 4096 && mp4_box(f, type, &body); guard++) {
        if (!strcmp(type, "moov"))
            continue; /* descend: its children follow */
        if (strcmp(type, "mvhd") != 0) {
            if (body > (uint64_t)INT32_MAX || fseek(f, (long)body, SEEK_CUR) != 0)
                break;
            continue;
        }
        unsigned char b[32];
        if (body < 20 || fread(b, 1, 4, f) != 4)
            break;
        uint64_t scale, duration;
        if (b[0] == 1) {
            if (body < 32 || fread(b, 1, 28, f) != 28)
                break;
            scale = be32(b + 16);
            duration = (uint64_t)be32(b + 20) << 32 | be32(b + 24);
        } else {
            if (fread(b, 1, 16, f) != 16)
                break;
            scale = be32(b + 8);
            duration = be32(b + 12);
        }
        if (scale > 0 && duration != UINT32_MAX && duration < UINT64_MAX / 1000) {
            *ms = (int64_t)(duration * 1000 / scale);
            rc = MF_OK;
        }
        break;
    }
    fclose(f);
    return rc;
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

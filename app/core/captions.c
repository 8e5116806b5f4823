/*
 * captions.c - SubRip and WebVTT cue parsing (see captions.h). A small line
 * reader over the whole file in memory: both formats are blocks of lines
 * separated by blank lines, each cue block holding one "A --> B" timing line.
 */
#include "captions.h"

#include "mf_error.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A caption file larger than this is not a caption file. */
#define CAPTIONS_FILE_MAX (4u * 1024u * 1024u)

typedef struct {
    const char *p, *end;
    int line; /* 1-based number of the line last returned */
} line_reader_t;

/* Next line without its "\n" / "\r\n"; false at the end of the text. */
static bool next_line(line_reader_t *r, const char **s, size_t *n)
{
    if (r->p >= r->end)
        return false;
    const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
    const char *stop = nl ? nl : r->end;
    // cppcheck-suppress knownConditionTrueFalse ; false positive: an empty line has stop == p
    if (stop > r->p && stop[-1] == '\r')
        stop--;
    *s = r->p;
    *n = (size_t)(stop - r->p);
    r->p = nl ? nl + 1 : r->end;
    r->line++;
    return true;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isspace((unsigned char)s[i]))
            return false;
    }
    return true;
}

static bool starts_with(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    return n >= w && memcmp(s, word, w) == 0 && (n == w || isspace((unsigned char)s[w]));
}

static const char *find_arrow(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++) {
        if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
            return s + i;
    }
    return NULL;
}

/* Reads up to 9 digits at *I; -1 when there is none. */
static long read_num(const char *s, size_t n, size_t *i, int *digits)
{
    long v = 0;
    *digits = 0;
    while (*i < n && isdigit((unsigned char)s[*i]) && *digits < 9) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        (*digits)++;
    }
    return *digits ? v : -1;
}

/* "[HH:]MM:SS(,|.)mmm" from *I; returns milliseconds or -1. */
static int64_t read_time(const char *s, size_t n, size_t *i)
{
    long part[3];
    int count = 0, digits;
    while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
    for (;;) {
        long v = read_num(s, n, i, &digits);
        if (v < 0)
            return -1;
        part[count++] = v;
        if (*i < n && s[*i] == ':' && count < 3) {
            (*i)++;
            continue;
        }
        break;
    }
    if (count < 2 || *i >= n || (s[*i] != ',' && s[*i] != '.'))
        return -1;
    (*i)++;
    long ms = read_num(s, n, i, &digits);
    if (ms < 0 || digits != 3)
        return -1;
    long h = count == 3 ? part[0] : 0, m = part[count - 2], sec = part[count - 1];
    if (m > 59 || sec > 59)
        return -1;
    return ((int64_t)h * 3600 + m * 60 + sec) * 1000 + ms;
}

static int add_cue(captions_t *caps, size_t *cap, int64_t start, int64_t end, int line)
{
    if (caps->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        captions_cue_t *n = realloc(caps->cues, ncap * sizeof *n);
        if (!n)
            return MF_ENOMEM;
        caps->cues = n;
        *cap = ncap;
    }
    captions_cue_t *c = &caps->cues[caps->count];
    c->start_ms = start;
    c->end_ms = end;
    c->line = line;
    c->text = calloc(1, 1);
    if (!c->text)
        return MF_ENOMEM;
    caps->count++;
    return MF_OK;
}

static int append_text(captions_cue_t *c, const char *s, size_t n)
{
    size_t old = strlen(c->text);
    char *t = realloc(c->text, old + n + 2);
    if (!t)
        return MF_ENOMEM;
    if (old)
        t[old++] = '\n';
    memcpy(t + old, s, n);
    t[old + n] = '\0';
    c->text = t;
    return MF_OK;
}

int captions_parse(const char *name, const char *text, size_t len, captions_t *out,
                   yamldoc_errors_t *errs)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    int rc = MF_OK;
    line_reader_t r = {text, text + len, 0};
    const char *s;
    size_t n;
    bool vtt = false;

    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        r.p += 3;
    if (memchr(text, '\0', len)) {
        yamldoc_errors_add(errs, name, 0, 0, "not a text file (contains NUL bytes)");
        return MF_EPARSE;
    }
    /* A file saved as Latin-1 or ANSI would show "pi?ces de m?tal" on screen. */
    if (!yamldoc_check_utf8(name, text, len, errs))
        return MF_EPARSE;
    if ((size_t)(r.end - r.p) >= 6 && memcmp(r.p, "WEBVTT", 6) == 0) {
        vtt = true;
        /* The header: the WEBVTT line and what follows up to the first blank. */
        while (next_line(&r, &s, &n) && !is_blank(s, n)) {
        }
    }

    while (next_line(&r, &s, &n)) {
        if (is_blank(s, n))
            continue;
        int block_line = r.line;
        if (vtt && (starts_with(s, n, "NOTE") || starts_with(s, n, "STYLE") ||
                    starts_with(s, n, "REGION"))) {
            while (next_line(&r, &s, &n) && !is_blank(s, n)) {
            }
            continue;
        }
        if (!find_arrow(s, n)) {
            /* A cue number (SRT) or identifier (WebVTT) precedes the timing line. */
            if (!vtt) {
                size_t i = 0;
                int digits;
                if (read_num(s, n, &i, &digits) < 0 || !is_blank(s + i, n - i)) {
                    yamldoc_errors_add(errs, name, block_line, 1,
                                       "expected a cue number or a timing line "
                                       "'00:00:01,000 --> 00:00:04,000'");
                    rc = MF_EPARSE;
                    while (next_line(&r, &s, &n) && !is_blank(s, n)) {
                    }
                    continue;
                }
            }
            if (!next_line(&r, &s, &n) || !find_arrow(s, n)) {
                yamldoc_errors_add(errs, name, r.line, 1,
                                   "expected a timing line '00:00:01,000 --> 00:00:04,000'");
                rc = MF_EPARSE;
                while (!is_blank(s, n) && next_line(&r, &s, &n)) {
                }
                continue;
            }
        }
        int timing_line = r.line;
        const char *arrow = find_arrow(s, n);
        size_t i = 0;
        int64_t start = read_time(s, (size_t)(arrow - s), &i);
        bool ok = start >= 0 && is_blank(s + i, (size_t)(arrow - s) - i);
        size_t j = (size_t)(arrow - s) + 3;
        int64_t end = ok ? read_time(s, n, &j) : -1;
        if (end < 0) {
            ok = false;
        } else if (!vtt && !is_blank(s + j, n - j)) {
            ok = false;
        } else if (vtt && j < n && s[j] != ' ' && s[j] != '\t') {
            ok = false; /* WebVTT allows cue settings after a space */
        }
        if (!ok) {
            yamldoc_errors_add(errs, name, timing_line, 1,
                               vtt ? "bad timing line: expected 'MM:SS.mmm --> MM:SS.mmm' "
                                     "(hours optional)"
                                   : "bad timing line: expected 'HH:MM:SS,mmm --> HH:MM:SS,mmm'");
            rc = MF_EPARSE;
            while (next_line(&r, &s, &n) && !is_blank(s, n)) {
            }
            continue;
        }
        if (add_cue(out, &cap, start, end, timing_line) != MF_OK)
            return MF_ENOMEM;
        captions_cue_t *cue = &out->cues[out->count - 1];
        while (next_line(&r, &s, &n) && !is_blank(s, n)) {
            if (append_text(cue, s, n) != MF_OK)
                return MF_ENOMEM;
        }
    }
    return rc;
}

int captions_load_file(const char *path, captions_t *out, yamldoc_errors_t *errs)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        yamldoc_errors_add(errs, path, 0, 0, "cannot open the caption file");
        return MF_ENOENT;
    }
    char *buf = malloc(CAPTIONS_FILE_MAX);
    if (!buf) {
        fclose(f);
        return MF_ENOMEM;
    }
    size_t len = fread(buf, 1, CAPTIONS_FILE_MAX, f);
    int rc;
    if (ferror(f)) {
        yamldoc_errors_add(errs, path, 0, 0, "cannot read the caption file");
        rc = MF_EIO;
    } else if (len == CAPTIONS_FILE_MAX) {
        yamldoc_errors_add(errs, path, 0, 0, "caption file is too large (over 4 MiB)");
        rc = MF_ERANGE;
    } else {
        rc = captions_parse(path, buf, len, out, errs);
    }
    free(buf);
    fclose(f);
    return rc;
}

void captions_deinit(captions_t *caps)
{
    for (size_t i = 0; i < caps->count; i++)
        free(caps->cues[i].text);
    free(caps->cues);
    memset(caps, 0, sizeof *caps);
}

static void fmt_time(char *buf, size_t size, int64_t ms)
{
    snprintf(buf, size, "%02lld:%02lld:%02lld,%03lld", (long long)(ms / 3600000),
             (long long)(ms / 60000 % 60), (long long)(ms / 1000 % 60), (long long)(ms % 1000));
}

int captions_validate(const captions_t *caps, const char *name, int64_t duration_ms,
                      yamldoc_errors_t *errs)
{
    int rc = MF_OK;
    char a[32], b[32];
    if (caps->count == 0) {
        yamldoc_errors_add(errs, name, 0, 0, "no caption cue in the file");
        return MF_ERANGE;
    }
    for (size_t i = 0; i < caps->count; i++) {
        const captions_cue_t *c = &caps->cues[i];
        if (c->end_ms <= c->start_ms) {
            fmt_time(a, sizeof a, c->start_ms);
            fmt_time(b, sizeof b, c->end_ms);
            yamldoc_errors_add(errs, name, c->line, 1,
                               "cue must end after it starts (starts %s, ends %s)", a, b);
            rc = MF_ERANGE;
        }
        if (i > 0 && c->start_ms < caps->cues[i - 1].start_ms) {
            yamldoc_errors_add(errs, name, c->line, 1,
                               "cue is out of order: it starts before the previous cue");
            rc = MF_ERANGE;
        } else if (i > 0 && c->start_ms < caps->cues[i - 1].end_ms) {
            fmt_time(a, sizeof a, c->start_ms);
            fmt_time(b, sizeof b, caps->cues[i - 1].end_ms);
            yamldoc_errors_add(errs, name, c->line, 1,
                               "cue starts at %s, before the previous cue ends (%s)", a, b);
            rc = MF_ERANGE;
        }
        if (c->end_ms > duration_ms) {
            fmt_time(a, sizeof a, c->end_ms);
            fmt_time(b, sizeof b, duration_ms);
            yamldoc_errors_add(errs, name, c->line, 1,
                               "cue ends at %s, after the end of the video (%s)", a, b);
            rc = MF_ERANGE;
        }
        if (is_blank(c->text, strlen(c->text))) {
            yamldoc_errors_add(errs, name, c->line, 1, "cue has no text");
            rc = MF_ERANGE;
        }
    }
    return rc;
}

const captions_cue_t *captions_at(const captions_t *caps, int64_t t_ms)
{
    size_t lo = 0, hi = caps->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (caps->cues[mid].end_ms <= t_ms)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < caps->count && caps->cues[lo].start_ms <= t_ms && t_ms < caps->cues[lo].end_ms)
        return &caps->cues[lo];
    return NULL;
}

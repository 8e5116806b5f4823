/*
 * script.c - parser of the kiosk's test scripts (format in script.h).
 * Every error names the file and the line and says what was expected.
 */
#include "script.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *p; /* cursor in the current line */
    const char *name;
    int line;
    char *err;
    size_t err_size;
} script_lexer_t;

static bool fail(script_lexer_t *lx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(script_lexer_t *lx, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(lx->err, lx->err_size, "%s:%d: %s", lx->name, lx->line, msg);
    return false;
}

static void skip_space(script_lexer_t *lx)
{
    while (*lx->p == ' ' || *lx->p == '\t')
        lx->p++;
}

static bool at_end(script_lexer_t *lx)
{
    skip_space(lx);
    return *lx->p == '\0' || *lx->p == '#';
}

/* A bare word: letters, digits and punctuation other than quotes and '#'. */
static bool read_word(script_lexer_t *lx, char *out, size_t size)
{
    skip_space(lx);
    size_t n = 0;
    while (*lx->p && !isspace((unsigned char)*lx->p) && *lx->p != '"') {
        if (n + 1 < size)
            out[n++] = *lx->p;
        lx->p++;
    }
    out[n] = '\0';
    return n > 0;
}

static bool read_string(script_lexer_t *lx, char *out, size_t size, const char *what)
{
    skip_space(lx);
    if (*lx->p != '"')
        return fail(lx, "expected %s in double quotes", what);
    lx->p++;
    size_t n = 0;
    while (*lx->p && *lx->p != '"') {
        char c = *lx->p++;
        if (c == '\\' && (*lx->p == '"' || *lx->p == '\\'))
            c = *lx->p++;
        if (n + 1 >= size)
            return fail(lx, "%s is longer than %zu bytes", what, size - 1);
        out[n++] = c;
    }
    if (*lx->p != '"')
        return fail(lx, "missing closing quote after %s", what);
    lx->p++;
    out[n] = '\0';
    return true;
}

static bool read_number(script_lexer_t *lx, float *out, const char *what)
{
    char word[64];
    if (!read_word(lx, word, sizeof word))
        return fail(lx, "expected %s (a number)", what);
    char *end = NULL;
    errno = 0;
    double v = strtod(word, &end);
    if (*end || errno || v < 0.0 || v > 100000.0)
        return fail(lx, "expected %s (a number from 0 to 100000), got '%s'", what, word);
    *out = (float)v;
    return true;
}

static bool read_ms(script_lexer_t *lx, long *out)
{
    char word[64];
    if (!read_word(lx, word, sizeof word))
        return fail(lx, "expected a duration in milliseconds");
    char *end = NULL;
    errno = 0;
    long v = strtol(word, &end, 10);
    if (*end || errno || v < 0 || v > 86400000L)
        return fail(lx, "expected a duration in milliseconds (0 to 86400000), got '%s'", word);
    *out = v;
    return true;
}

static bool read_target(script_lexer_t *lx, script_target_t *t)
{
    skip_space(lx);
    if (*lx->p == '"') {
        t->kind = SCRIPT_TARGET_LABEL;
        return read_string(lx, t->text, sizeof t->text, "a label");
    }
    if (*lx->p == '#') {
        lx->p++;
        t->kind = SCRIPT_TARGET_ID;
        if (!read_word(lx, t->text, sizeof t->text))
            return fail(lx, "expected a widget id after '#'");
        return true;
    }
    if (at_end(lx))
        return fail(lx, "expected a target: X Y, \"label\" or #id");
    t->kind = SCRIPT_TARGET_POINT;
    return read_number(lx, &t->x, "X") && read_number(lx, &t->y, "Y");
}

static bool parse_line(script_lexer_t *lx, script_cmd_t *c, bool *empty)
{
    char verb[32];
    *empty = false;
    if (at_end(lx)) {
        *empty = true;
        return true;
    }
    if (!read_word(lx, verb, sizeof verb))
        return fail(lx, "expected a command");
    memset(c, 0, sizeof *c);
    c->line = lx->line;
    if (!strcmp(verb, "tap")) {
        c->op = SCRIPT_TAP;
        if (!read_target(lx, &c->target))
            return false;
    } else if (!strcmp(verb, "longpress")) {
        c->op = SCRIPT_LONGPRESS;
        if (!read_target(lx, &c->target) || !read_ms(lx, &c->ms))
            return false;
    } else if (!strcmp(verb, "swipe")) {
        c->op = SCRIPT_SWIPE;
        if (!read_number(lx, &c->x1, "X1") || !read_number(lx, &c->y1, "Y1") ||
            !read_number(lx, &c->x2, "X2") || !read_number(lx, &c->y2, "Y2"))
            return false;
    } else if (!strcmp(verb, "type")) {
        c->op = SCRIPT_TYPE;
        if (!read_string(lx, c->arg, sizeof c->arg, "the text to type"))
            return false;
    } else if (!strcmp(verb, "key")) {
        c->op = SCRIPT_KEY;
        if (!read_word(lx, c->arg, sizeof c->arg))
            return fail(lx, "expected a key name (Escape, Return, F11...)");
    } else if (!strcmp(verb, "advance") || !strcmp(verb, "wait")) {
        c->op = verb[0] == 'a' ? SCRIPT_ADVANCE : SCRIPT_WAIT;
        if (!read_ms(lx, &c->ms))
            return false;
    } else if (!strcmp(verb, "shot")) {
        c->op = SCRIPT_SHOT;
        if (!read_word(lx, c->arg, sizeof c->arg))
            return fail(lx, "expected a screenshot name");
        if (strchr(c->arg, '/') || c->arg[0] == '.')
            return fail(lx, "a screenshot name is a plain file name, without '/' or a leading '.'");
    } else if (!strcmp(verb, "dump")) {
        c->op = SCRIPT_DUMP;
    } else if (!strcmp(verb, "sim")) {
        c->op = SCRIPT_SIM;
        if (!read_string(lx, c->arg, sizeof c->arg, "a simulator command"))
            return false;
    } else if (!strcmp(verb, "expect")) {
        char what[32];
        if (!read_word(lx, what, sizeof what))
            return fail(lx, "expected 'screen', 'text' or 'no' after expect");
        if (!strcmp(what, "no")) {
            c->negate = true;
            if (!read_word(lx, what, sizeof what))
                return fail(lx, "expected 'screen' or 'text' after 'expect no'");
        }
        if (!strcmp(what, "screen")) {
            c->op = SCRIPT_EXPECT_SCREEN;
            if (!read_word(lx, c->arg, sizeof c->arg))
                return fail(lx, "expected a screen id");
        } else if (!strcmp(what, "text")) {
            c->op = SCRIPT_EXPECT_TEXT;
            if (!read_string(lx, c->arg, sizeof c->arg, "the expected text"))
                return false;
        } else {
            return fail(lx, "expected 'screen' or 'text' after expect, got '%s'", what);
        }
    } else {
        return fail(lx,
                    "unknown command '%s' (tap, longpress, swipe, type, key, advance, wait, "
                    "shot, expect, dump)",
                    verb);
    }
    if (!at_end(lx))
        return fail(lx, "unexpected '%s' at the end of the line", lx->p);
    return true;
}

script_t *script_parse(const char *name, const char *text, char *err, size_t err_size)
{
    script_t *s = calloc(1, sizeof *s);
    char *line = NULL;
    size_t cap = 0;
    if (!s)
        goto nomem;
    snprintf(s->name, sizeof s->name, "%s", name);
    script_lexer_t lx = {NULL, s->name, 0, err, err_size};
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *buf = malloc(len + 1);
        if (!buf)
            goto nomem;
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (len && buf[len - 1] == '\r')
            buf[len - 1] = '\0';
        lx.line++;
        lx.p = buf;
        script_cmd_t cmd;
        bool empty;
        bool ok = parse_line(&lx, &cmd, &empty);
        free(buf);
        if (!ok)
            goto fail;
        if (!empty) {
            if (s->count == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                script_cmd_t *n = realloc(s->cmds, ncap * sizeof *n);
                if (!n)
                    goto nomem;
                s->cmds = n;
                cap = ncap;
            }
            s->cmds[s->count++] = cmd;
        }
        p = eol ? eol + 1 : p + len;
    }
    free(line);
    return s;
nomem:
    snprintf(err, err_size, "%s: out of memory", name);
fail:
    free(line);
    script_destroy(s);
    return NULL;
}

/* What a path that is not a regular file is, for the message. */
static const char *script_file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a named pipe (FIFO)";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

/* A script that cannot be read, or that holds no command, is an error: a
 * test that never ran must never pass (a directory opens, and reads as
 * nothing, on Linux). */
script_t *script_load(const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_size, "%s: cannot read it as a script: it is %s", path,
                 fstat(fileno(f), &st) == 0 ? script_file_kind(st.st_mode) : strerror(errno));
        fclose(f);
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    char chunk[4096];
    size_t n;
    while (mem && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, mem);
    int read_errno = ferror(f) ? errno : 0;
    fclose(f);
    if (!mem) {
        snprintf(err, err_size, "%s: out of memory", path);
        return NULL;
    }
    fclose(mem);
    script_t *s = NULL;
    if (!text)
        snprintf(err, err_size, "%s: out of memory", path);
    else if (read_errno)
        snprintf(err, err_size, "%s: cannot read: %s", path, strerror(read_errno));
    else
        s = script_parse(path, text, err, err_size);
    if (s && s->count == 0) {
        snprintf(err, err_size,
                 "%s: no command in the script (a test that does nothing proves "
                 "nothing)",
                 path);
        script_destroy(s);
        s = NULL;
    }
    free(text);
    return s;
}

void script_destroy(script_t *s)
{
    if (!s)
        return;
    free(s->cmds);
    free(s);
}

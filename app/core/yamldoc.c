/*
 * yamldoc.c - libfyaml behind yamldoc.h: collects the parser's diagnostics
 * instead of letting it print, and turns node tokens into line:column.
 */
#include "yamldoc.h"

#include "mf_error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void yamldoc_errors_init(yamldoc_errors_t *errs)
{
    memset(errs, 0, sizeof *errs);
}

void yamldoc_errors_deinit(yamldoc_errors_t *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        free(errs->items[i]);
    free(errs->items);
    memset(errs, 0, sizeof *errs);
}

static void errors_vadd(yamldoc_errors_t *errs, const char *file, int line, int col,
                        const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void errors_vadd(yamldoc_errors_t *errs, const char *file, int line, int col,
                        const char *fmt, va_list ap)
{
    char msg[768];
    char full[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (line > 0)
        snprintf(full, sizeof full, "%s:%d:%d: %s", file, line, col > 0 ? col : 1, msg);
    else
        snprintf(full, sizeof full, "%s: %s", file, msg);
    if (errs->count == errs->cap) {
        size_t ncap = errs->cap ? errs->cap * 2 : 8;
        char **n = realloc(errs->items, ncap * sizeof *n);
        if (!n)
            return; /* out of memory: the message is lost, the caller still fails */
        errs->items = n;
        errs->cap = ncap;
    }
    char *copy = strdup(full);
    if (copy)
        errs->items[errs->count++] = copy;
}

void yamldoc_errors_add(yamldoc_errors_t *errs, const char *file, int line, int col,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errors_vadd(errs, file, line, col, fmt, ap);
    va_end(ap);
}

void yamldoc_errors_at(yamldoc_errors_t *errs, const char *file, struct fy_node *node,
                       const char *fmt, ...)
{
    int line = 0, col = 0;
    va_list ap;
    yamldoc_node_pos(node, &line, &col);
    va_start(ap, fmt);
    errors_vadd(errs, file, line, col, fmt, ap);
    va_end(ap);
}

/* Position of a scalar's own token. */
static bool scalar_pos(struct fy_node *node, int *line, int *col)
{
    struct fy_token *tok = fy_node_get_scalar_token(node);
    const struct fy_mark *m = tok ? fy_token_start_mark(tok) : NULL;
    if (!m)
        return false;
    *line = m->line + 1;
    *col = m->column + 1;
    return true;
}

/* A collection is placed at its first scalar (its first key or item): asking
 * libfyaml for a collection's token (fy_node_token) allocates a token this
 * version gives no way to release, which leaked on every call. An empty
 * collection is placed at the key that names it, else at its parent. */
static bool node_pos(struct fy_node *node, int depth, int *line, int *col)
{
    if (!node || depth > 64)
        return false;
    if (fy_node_is_scalar(node))
        return scalar_pos(node, line, col);
    void *it = NULL;
    if (fy_node_is_mapping(node)) {
        struct fy_node_pair *pair = fy_node_mapping_iterate(node, &it);
        if (pair)
            return node_pos(fy_node_pair_key(pair), depth + 1, line, col) ||
                   node_pos(fy_node_pair_value(pair), depth + 1, line, col);
    } else {
        struct fy_node *item = fy_node_sequence_iterate(node, &it);
        if (item)
            return node_pos(item, depth + 1, line, col);
    }
    struct fy_node *parent = fy_node_get_parent(node);
    if (!parent)
        return false;
    if (fy_node_is_mapping(parent)) {
        it = NULL;
        struct fy_node_pair *pair;
        while ((pair = fy_node_mapping_iterate(parent, &it)) != NULL) {
            if (fy_node_pair_value(pair) == node)
                return node_pos(fy_node_pair_key(pair), depth + 1, line, col);
        }
    }
    return node_pos(parent, depth + 1, line, col);
}

void yamldoc_node_pos(struct fy_node *node, int *line, int *col)
{
    *line = 0;
    *col = 0;
    node_pos(node, 0, line, col);
}

const char *yamldoc_scalar(struct fy_node *node)
{
    if (!node || !fy_node_is_scalar(node))
        return NULL;
    return fy_node_get_scalar0(node);
}

static void diag_silent(struct fy_diag *diag, void *user, const char *buf, size_t len) {}

static struct fy_document *load_common(const char *name, const char *path, const char *text,
                                       size_t len, yamldoc_errors_t *errs)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = diag_silent;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag) {
        yamldoc_errors_add(errs, name, 0, 0, "%s", mf_strerror(MF_ENOMEM));
        return NULL;
    }
    fy_diag_set_collect_errors(diag, true);

    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG;
    cfg.diag = diag;
    struct fy_document *doc = path ? fy_document_build_from_file(&cfg, path)
                                   : fy_document_build_from_string(&cfg, text, len);
    if (!doc) {
        void *it = NULL;
        struct fy_diag_error *e;
        int any = 0;
        while ((e = fy_diag_errors_iterate(diag, &it)) != NULL) {
            /* Collected errors carry 1-based positions already (their
             * token's 0-based mark plus one). */
            yamldoc_errors_add(errs, name, e->line, e->column, "%s", e->msg);
            any = 1;
        }
        if (!any)
            yamldoc_errors_add(errs, name, 0, 0, "cannot read the file (missing or unreadable)");
    }
    fy_diag_destroy(diag);
    return doc;
}

/* Files staff edit are small; anything bigger is not one of them. */
#define YAMLDOC_FILE_MAX (16u * 1024u * 1024u)

/* True when TEXT is UTF-8; else the 1-based line and column (in characters)
 * of the first bad byte. Checked before parsing: a file saved as Latin-1
 * deserves a clear message, and libfyaml 0.7 loops forever on some invalid
 * bytes (a 0xFF in a "%" directive line, found by tests/content's fuzzer). */
static bool utf8_valid(const unsigned char *s, size_t n, int *line, int *col)
{
    *line = 1;
    *col = 1;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 0;
        if (len == 0 || i + len > n || (len == 2 && c < 0xC2) || (len == 4 && c > 0xF4))
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        }
        if ((len == 3 && c == 0xE0 && s[i + 1] < 0xA0) ||  /* overlong */
            (len == 3 && c == 0xED && s[i + 1] >= 0xA0) || /* surrogate */
            (len == 4 && c == 0xF0 && s[i + 1] < 0x90) ||  /* overlong */
            (len == 4 && c == 0xF4 && s[i + 1] >= 0x90))   /* above U+10FFFF */
            return false;
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
        i += len;
    }
    return true;
}

static bool check_encoding(const char *name, const char *text, size_t len, yamldoc_errors_t *errs)
{
    int line, col;
    if (utf8_valid((const unsigned char *)text, len, &line, &col))
        return true;
    yamldoc_errors_add(errs, name, line, col,
                       "the file is not UTF-8 text (save it with the UTF-8 encoding)");
    return false;
}

bool yamldoc_check_utf8(const char *name, const char *text, size_t len, yamldoc_errors_t *errs)
{
    return check_encoding(name, text, len, errs);
}

struct fy_document *yamldoc_load_file(const char *path, yamldoc_errors_t *errs)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        yamldoc_errors_add(errs, path, 0, 0, "cannot open the file");
        return NULL;
    }
    char *buf = malloc(YAMLDOC_FILE_MAX);
    size_t len = buf ? fread(buf, 1, YAMLDOC_FILE_MAX, f) : 0;
    bool read_error = ferror(f) != 0;
    fclose(f);
    bool ok = false;
    if (!buf)
        yamldoc_errors_add(errs, path, 0, 0, "%s", mf_strerror(MF_ENOMEM));
    else if (read_error)
        yamldoc_errors_add(errs, path, 0, 0, "cannot read the file");
    else if (len == YAMLDOC_FILE_MAX)
        yamldoc_errors_add(errs, path, 0, 0, "the file is too large (over 16 MiB)");
    else
        ok = check_encoding(path, buf, len, errs);
    free(buf);
    return ok ? load_common(path, path, NULL, 0, errs) : NULL;
}

struct fy_document *yamldoc_load_string(const char *name, const char *text, size_t len,
                                        yamldoc_errors_t *errs)
{
    if (!check_encoding(name, text, len, errs))
        return NULL;
    return load_common(name, NULL, text, len, errs);
}

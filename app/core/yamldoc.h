/*
 * yamldoc.h - loading YAML files (libfyaml) with errors that name the place.
 *
 * Shared by the configuration and the content pack: both are files staff edit
 * by hand, so every problem is reported as "FILE:LINE:COL: message" (1-based),
 * collected in a list rather than printed, so the caller decides where they go
 * (stderr for `minifab content check`, a staff-readable screen in the kiosk).
 */
#ifndef MF_YAMLDOC_H
#define MF_YAMLDOC_H

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

/* A growing list of problem messages; caller-owned (init/deinit). */
typedef struct {
    char **items;
    size_t count;
    size_t cap;
} yamldoc_errors_t;

void yamldoc_errors_init(yamldoc_errors_t *errs);
void yamldoc_errors_deinit(yamldoc_errors_t *errs);
/* Appends "FILE:LINE:COL: message" (line/col 1-based; 0 omits them). */
void yamldoc_errors_add(yamldoc_errors_t *errs, const char *file, int line, int col,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Appends a message positioned at a node of a parsed document. */
void yamldoc_errors_at(yamldoc_errors_t *errs, const char *file, struct fy_node *node,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parses PATH. Returns the document (caller destroys it with
 * fy_document_destroy) or NULL with the parser's messages added to ERRS. */
struct fy_document *yamldoc_load_file(const char *path, yamldoc_errors_t *errs);
/* Same, from memory (NAME is used in messages). */
struct fy_document *yamldoc_load_string(const char *name, const char *text, size_t len,
                                        yamldoc_errors_t *errs);

/* True when TEXT (LEN bytes) is UTF-8; else adds "NAME:LINE:COL: the file
 * is not UTF-8 text (save it with the UTF-8 encoding)" at the first bad
 * byte. Used for YAML files and caption files alike. */
bool yamldoc_check_utf8(const char *name, const char *text, size_t len, yamldoc_errors_t *errs);

/* 1-based line and column of a node (a scalar's own token, or for other nodes
 * the best position libfyaml keeps); 0 when unknown. */
void yamldoc_node_pos(struct fy_node *node, int *line, int *col);

/* The scalar text of NODE, NUL-terminated, or NULL when NODE is not a scalar. */
const char *yamldoc_scalar(struct fy_node *node);

#endif

/*
 * pack_fixture.h - helpers shared by the content tests and the fuzz harness:
 * copy a fixture pack to a fresh temporary folder, lay a broken case over it,
 * remove it afterwards, read a whole file.
 */
#ifndef MF_PACK_FIXTURE_H
#define MF_PACK_FIXTURE_H

#include <stddef.h>

/* The tests' fixture folder (tests/content/fixtures) in the source tree. */
#define FIXTURE_DIR MINIFAB_SOURCE_DIR "/tests/content/fixtures"

/* A new empty folder under $TMPDIR (or /tmp); caller frees the string and
 * removes the folder with fixture_rm_tree. NULL on failure. */
char *fixture_tmpdir(void);
/* Copies the tree SRC into the existing folder DST. 0 or -1. */
int fixture_copy_tree(const char *src, const char *dst);
/* Copies CASE_DIR over DST, except its expected.txt and DELETE files, then
 * removes from DST every path listed in CASE_DIR/DELETE (one a line). */
int fixture_overlay(const char *case_dir, const char *dst);
void fixture_rm_tree(const char *dir);
/* The whole file, NUL-terminated (caller frees), or NULL. */
char *fixture_read(const char *path, size_t *len);
/* Writes LEN bytes to PATH. 0 or -1. */
int fixture_write(const char *path, const void *data, size_t len);

#endif

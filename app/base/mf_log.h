/*
 * mf_log.h - levelled logging to stderr and to a size-capped file.
 *
 * One process-wide logger (the only mutable state shared by every module, kept
 * behind this small API and a mutex so driver threads may log). The file, when
 * set, lives in the data directory; when it grows past its cap it is renamed to
 * NAME.1 (one generation kept) and a new one is started, so a kiosk that runs
 * for a whole tour never fills its disk.
 */
#ifndef MF_LOG_H
#define MF_LOG_H

#include <stddef.h>

typedef enum {
    MF_LOG_DEBUG = 0,
    MF_LOG_INFO,
    MF_LOG_WARN,
    MF_LOG_ERROR,
    MF_LOG_OFF
} mf_log_level_t;

/* Sets the least level written to stderr and to the file. Default: INFO. */
void mf_log_set_level(mf_log_level_t level);
mf_log_level_t mf_log_get_level(void);

/* Parses "debug", "info", "warn", "error", "off". Returns 0 or MF_EINVAL. */
int mf_log_level_parse(const char *text, mf_log_level_t *out);

/* Also writes to PATH (appended), rotated when it exceeds cap_bytes.
 * NULL closes the file. Returns 0 or a negative mf_error code. */
int mf_log_open_file(const char *path, size_t cap_bytes);

/* Silences stderr output (tests and --quiet); the file still receives lines. */
void mf_log_set_stderr(int enabled);

void mf_log_write(mf_log_level_t level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define mf_log_debug(module, ...) mf_log_write(MF_LOG_DEBUG, module, __VA_ARGS__)
#define mf_log_info(module, ...) mf_log_write(MF_LOG_INFO, module, __VA_ARGS__)
#define mf_log_warn(module, ...) mf_log_write(MF_LOG_WARN, module, __VA_ARGS__)
#define mf_log_error(module, ...) mf_log_write(MF_LOG_ERROR, module, __VA_ARGS__)

#endif

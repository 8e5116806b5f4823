/*
 * mf_log.c - the logger behind mf_log.h: one line per message,
 * "2026-11-26T10:00:00.123 WARN  line: message", to stderr and the capped file.
 * Logging reads the wall clock for the timestamp only; no logic depends on it.
 */
#include "mf_log.h"

#include "mf_error.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

typedef struct {
    pthread_mutex_t lock;
    mf_log_level_t level;
    int to_stderr;
    FILE *file;
    char path[512];
    size_t cap;
    size_t written;
} mf_logger_t;

static mf_logger_t logger = {PTHREAD_MUTEX_INITIALIZER, MF_LOG_INFO, 1, NULL, "", 0, 0};

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};

void mf_log_set_level(mf_log_level_t level)
{
    pthread_mutex_lock(&logger.lock);
    logger.level = level;
    pthread_mutex_unlock(&logger.lock);
}

mf_log_level_t mf_log_get_level(void)
{
    pthread_mutex_lock(&logger.lock);
    mf_log_level_t level = logger.level;
    pthread_mutex_unlock(&logger.lock);
    return level;
}

int mf_log_level_parse(const char *text, mf_log_level_t *out)
{
    for (int i = 0; i <= MF_LOG_OFF; i++) {
        if (text && strcasecmp(text, level_names[i]) == 0) {
            *out = (mf_log_level_t)i;
            return MF_OK;
        }
    }
    if (text && strcasecmp(text, "warning") == 0) {
        *out = MF_LOG_WARN;
        return MF_OK;
    }
    return MF_EINVAL;
}

void mf_log_set_stderr(int enabled)
{
    pthread_mutex_lock(&logger.lock);
    logger.to_stderr = enabled;
    pthread_mutex_unlock(&logger.lock);
}

int mf_log_open_file(const char *path, size_t cap_bytes)
{
    int rc = MF_OK;
    pthread_mutex_lock(&logger.lock);
    if (logger.file) {
        fclose(logger.file);
        logger.file = NULL;
    }
    if (path) {
        if (strlen(path) >= sizeof logger.path) {
            rc = MF_ERANGE;
            goto done;
        }
        logger.file = fopen(path, "a");
        if (!logger.file) {
            rc = mf_error_from_errno(errno);
            goto done;
        }
        struct stat st;
        logger.written = (fstat(fileno(logger.file), &st) == 0) ? (size_t)st.st_size : 0;
        snprintf(logger.path, sizeof logger.path, "%s", path);
        logger.cap = cap_bytes;
    }
done:
    pthread_mutex_unlock(&logger.lock);
    return rc;
}

/* Called with the lock held: keeps one old generation, NAME.1. */
static void rotate_locked(void)
{
    char old[600];
    fclose(logger.file);
    snprintf(old, sizeof old, "%s.1", logger.path);
    rename(logger.path, old);
    logger.file = fopen(logger.path, "w");
    logger.written = 0;
}

void mf_log_write(mf_log_level_t level, const char *module, const char *fmt, ...)
{
    char msg[1024];
    char stamp[40];
    va_list ap;
    struct timespec ts;
    struct tm tm;

    if (level >= MF_LOG_OFF)
        return;
    pthread_mutex_lock(&logger.lock);
    if (level < logger.level) {
        pthread_mutex_unlock(&logger.lock);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp + n, sizeof stamp - n, ".%03ld", ts.tv_nsec / 1000000L);

    if (logger.to_stderr)
        fprintf(stderr, "%s %-5s %s: %s\n", stamp, level_names[level], module, msg);
    if (logger.file) {
        int w = fprintf(logger.file, "%s %-5s %s: %s\n", stamp, level_names[level], module, msg);
        fflush(logger.file);
        if (w > 0)
            logger.written += (size_t)w;
        if (logger.cap > 0 && logger.written > logger.cap)
            rotate_locked();
    }
    pthread_mutex_unlock(&logger.lock);
}

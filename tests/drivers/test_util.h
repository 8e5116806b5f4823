/*
 * test_util.h - helpers shared by the driver tests (tests/drivers): waiting
 * for a condition with a deadline, and counting open file descriptors to
 * catch leaks.
 */
#ifndef MF_TEST_DRV_UTIL_H
#define MF_TEST_DRV_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <time.h>

static inline long long tu_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void tu_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Evaluates COND every 5 ms until true or TIMEOUT_MS passed; yields its value. */
#define TU_WAIT(cond, timeout_ms)                                                                  \
    ({                                                                                             \
        long long tu_deadline_ = tu_now_ms() + (timeout_ms);                                       \
        bool tu_ok_ = false;                                                                       \
        while (!(tu_ok_ = (cond)) && tu_now_ms() < tu_deadline_)                                   \
            tu_sleep_ms(5);                                                                        \
        tu_ok_;                                                                                    \
    })

static inline int tu_count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

#endif

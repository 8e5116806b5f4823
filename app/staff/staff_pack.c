/*
 * staff_pack.c - reloading the content pack from the staff console (see
 * staff_pack.h): validated first, the pack in use stays on any problem.
 */
#include "staff_pack.h"

#include "kiosk_pack.h"
#include "mf_error.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The first line of the validator's messages. */
static void first_problem(const kiosk_pack_t *kp, char *msg, size_t size)
{
    const char *p = kiosk_pack_problem(kp);
    size_t n = strcspn(p, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(msg, p, n);
    msg[n] = '\0';
}

int staff_pack_reload(void *ctx, kiosk_t *k, const char *dir, int64_t now, char *msg, size_t size)
{
    (void)now;
    msg[0] = '\0';
    if (dir) {
        struct stat sb;
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return MF_ENOENT;
        kiosk_pack_t *kp = kiosk_pack_create(dir);
        if (!kp)
            return MF_ENOMEM;
        int rc = kiosk_pack_load(kp);
        if (rc != MF_OK)
            first_problem(kp, msg, size);
        else
            snprintf(msg, size, "%s", dir);
        kiosk_pack_destroy(kp);
        return rc == MF_OK ? MF_EUNSUPPORTED : rc;
    }
    kiosk_pack_t *kp = ctx;
    int rc = kiosk_pack_load(kp);
    if (rc != MF_OK) {
        first_problem(kp, msg, size);
        return rc;
    }
    int count = 0;
    const kiosk_station_t *st = kiosk_pack_stations(kp, &count);
    kiosk_set_text(k, kiosk_pack_text, kp);
    kiosk_set_stations(k, st, count);
    return MF_OK;
}

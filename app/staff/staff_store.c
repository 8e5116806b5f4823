/*
 * staff_store.c - staff PINs as Argon2id hashes and the lockout's counters,
 * in the data directory (see staff_store.h). libsodium is used here only.
 */
#include "staff_store.h"

#include "mf_error.h"
#include "mf_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct staff_store {
    char dir[PATH_MAX];
    char pins[PATH_MAX];
    char lockout[PATH_MAX];
};

/* The hashes of each role, as read from the file ("" = no PIN). */
typedef struct {
    char hash[STAFF_ROLE_COUNT][crypto_pwhash_STRBYTES];
} staff_pins_t;

static int mkdir_p(const char *dir)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
        return MF_ERANGE;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
            return mf_error_from_errno(errno);
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
        return mf_error_from_errno(errno);
    return MF_OK;
}

staff_store_t *staff_store_create(const char *data_dir)
{
    if (sodium_init() < 0) {
        mf_log_error("staff", "libsodium cannot start");
        return NULL;
    }
    if (!data_dir || !data_dir[0] || mkdir_p(data_dir) != MF_OK) {
        mf_log_error("staff", "cannot create the data directory %s", data_dir ? data_dir : "");
        return NULL;
    }
    staff_store_t *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    snprintf(st->dir, sizeof st->dir, "%s", data_dir);
    if (snprintf(st->pins, sizeof st->pins, "%s/%s", data_dir, STAFF_PIN_FILE) >=
            (int)sizeof st->pins ||
        snprintf(st->lockout, sizeof st->lockout, "%s/%s", data_dir, STAFF_LOCKOUT_FILE) >=
            (int)sizeof st->lockout) {
        free(st);
        return NULL;
    }
    return st;
}

void staff_store_destroy(staff_store_t *st)
{
    free(st);
}

int staff_write_file_atomic(const char *path, const void *data, size_t size, unsigned mode)
{
    char tmp[PATH_MAX + 16];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return MF_ERANGE;
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
    if (fd < 0)
        return mf_error_from_errno(errno);
    int rc = MF_OK;
    const char *p = data;
    size_t left = size;
    if (fchmod(fd, (mode_t)mode) != 0) /* whatever the umask */
        rc = mf_error_from_errno(errno);
    while (rc == MF_OK && left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? mf_error_from_errno(errno) : MF_EIO;
            break;
        }
        p += n;
        left -= (size_t)n;
    }
    if (rc == MF_OK && fsync(fd) != 0)
        rc = mf_error_from_errno(errno);
    if (close(fd) != 0 && rc == MF_OK)
        rc = mf_error_from_errno(errno);
    if (rc == MF_OK && rename(tmp, path) != 0)
        rc = mf_error_from_errno(errno);
    if (rc != MF_OK) {
        unlink(tmp);
        return rc;
    }
    /* the rename itself survives a power cut once the folder is synced */
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        int dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    return MF_OK;
}

static void pins_read(const staff_store_t *st, staff_pins_t *pins)
{
    memset(pins, 0, sizeof *pins);
    FILE *f = fopen(st->pins, "re");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        /* (the width is the buffer's: a longer token in a damaged file is
         * cut there, then refused below as not a hash of ours) */
        char role[32], hash[crypto_pwhash_STRBYTES + 8];
        _Static_assert(crypto_pwhash_STRBYTES + 8 == 136, "the sscanf width below");
        if (line[0] == '#' || sscanf(line, "%31s %135s", role, hash) != 2)
            continue;
        staff_role_t r = staff_role_from_name(role);
        size_t n = strlen(hash);
        if (r != STAFF_ROLE_NONE && n < sizeof pins->hash[r])
            memcpy(pins->hash[r], hash, n + 1);
    }
    fclose(f);
}

static int pins_write(const staff_store_t *st, const staff_pins_t *pins)
{
    char buf[128 + STAFF_ROLE_COUNT * (crypto_pwhash_STRBYTES + 32)];
    size_t n = (size_t)snprintf(buf, sizeof buf,
                                "# minifab staff PINs: Argon2id hashes only. "
                                "Set with: minifab staff set-pin --role ROLE\n");
    for (int r = STAFF_ROLE_OPERATOR; r < STAFF_ROLE_COUNT; r++)
        if (pins->hash[r][0])
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %s\n",
                                  staff_role_name((staff_role_t)r), pins->hash[r]);
    return staff_write_file_atomic(st->pins, buf, n, 0600);
}

static bool pin_matches(const char *hash, const char *pin)
{
    return hash[0] && crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}

int staff_store_set_pin(staff_store_t *st, staff_role_t role, const char *pin)
{
    if (role != STAFF_ROLE_OPERATOR && role != STAFF_ROLE_ORGANISER)
        return MF_EINVAL;
    if (!staff_pin_valid(pin))
        return MF_EINVAL;
    staff_pins_t pins;
    pins_read(st, &pins);
    staff_role_t other = role == STAFF_ROLE_OPERATOR ? STAFF_ROLE_ORGANISER : STAFF_ROLE_OPERATOR;
    if (pin_matches(pins.hash[other], pin))
        return MF_EEXPECT;
    /* crypto_pwhash_str: Argon2id (libsodium's default), random salt, the
     * parameters encoded in the string; interactive limits, the lockout is
     * what stops guessing */
    if (crypto_pwhash_str(pins.hash[role], pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return MF_ENOMEM;
    int rc = pins_write(st, &pins);
    sodium_memzero(&pins, sizeof pins);
    return rc;
}

bool staff_store_has_pin(staff_store_t *st, staff_role_t role)
{
    staff_pins_t pins;
    pins_read(st, &pins);
    if (role != STAFF_ROLE_NONE)
        return pins.hash[role][0] != '\0';
    for (int r = STAFF_ROLE_OPERATOR; r < STAFF_ROLE_COUNT; r++)
        if (pins.hash[r][0])
            return true;
    return false;
}

void staff_store_lockout(staff_store_t *st, staff_lockout_t *out)
{
    staff_lockout_init(out);
    FILE *f = fopen(st->lockout, "re");
    if (!f)
        return;
    char line[128];
    if (fgets(line, sizeof line, f) && staff_lockout_parse(out, line) != MF_OK) {
        mf_log_warn("staff", "%s is not readable: lockout counters start again", st->lockout);
        staff_lockout_init(out);
    }
    fclose(f);
}

static int lockout_save(staff_store_t *st, const staff_lockout_t *l)
{
    char buf[96];
    staff_lockout_format(l, buf, sizeof buf);
    int rc = staff_write_file_atomic(st->lockout, buf, strlen(buf), 0600);
    if (rc != MF_OK)
        mf_log_error("staff", "cannot write %s: %s", st->lockout, mf_strerror(rc));
    return rc;
}

int staff_store_check(staff_store_t *st, const char *pin, int64_t now_ms, staff_role_t *role,
                      int64_t *locked_ms)
{
    *role = STAFF_ROLE_NONE;
    *locked_ms = 0;
    staff_pins_t pins;
    pins_read(st, &pins);
    if (!pins.hash[STAFF_ROLE_OPERATOR][0] && !pins.hash[STAFF_ROLE_ORGANISER][0])
        return MF_ENOENT;
    staff_lockout_t l;
    staff_store_lockout(st, &l);
    int64_t left = staff_lockout_remaining(&l, now_ms);
    if (left > 0) {
        *locked_ms = left;
        return MF_ELOCKED;
    }
    /* the organiser first: set_pin keeps the two PINs apart */
    for (int r = STAFF_ROLE_ORGANISER; r >= STAFF_ROLE_OPERATOR; r--) {
        if (pin && pin_matches(pins.hash[r], pin)) {
            *role = (staff_role_t)r;
            if (l.failures || l.lockouts || l.locked_until) {
                staff_lockout_success(&l);
                lockout_save(st, &l);
            }
            return MF_OK;
        }
    }
    *locked_ms = staff_lockout_fail(&l, now_ms);
    lockout_save(st, &l);
    return MF_EPERM;
}

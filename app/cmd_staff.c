/*
 * cmd_staff.c - `minifab staff`: the trainers' PINs from a terminal.
 *
 *   minifab staff set-pin --role operator|organiser   asks twice (no echo) on a
 *                                                     terminal, else reads two lines
 *   minifab staff status                              which roles have a PIN, lockout
 *
 * The PINs are stored as Argon2id hashes in the data directory
 * (app/staff/staff_store.h); the data directory comes from the same
 * configuration as `minifab run` (file, environment, --data-dir).
 */
#include "commands.h"

#include "config.h"
#include "mf_error.h"
#include "staff.h"
#include "staff_store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void staff_usage(FILE *out)
{
    fprintf(out,
            "usage: minifab staff set-pin --role operator|organiser [OPTIONS]\n"
            "       minifab staff status [OPTIONS]\n\n"
            "set-pin  sets the PIN (4 to 12 digits) of a role of the staff console. On a\n"
            "         terminal it asks twice without showing the digits; otherwise it reads\n"
            "         the PIN twice from standard input, one line each.\n"
            "status   says which roles have a PIN and whether the PIN pad is locked.\n\n"
            "Roles: operator (the line, the devices, the stop and the group) and organiser\n"
            "(all that, plus the figures, exports and the content pack).\n\n"
            "options:\n"
            "  --role ROLE       operator or organiser (set-pin)\n"
            "  --config FILE     the kiosk's configuration file (else $MINIFAB_CONFIG)\n"
            "  --data-dir DIR    where the PINs are kept (default: the kiosk's data directory)\n"
            "  -h, --help        this help\n");
}

static const char *env_get(const char *name)
{
    return getenv(name);
}

/* One line from IN without its newline; false at the end of input. With
 * ECHO_OFF the terminal does not show what is typed. */
static bool read_line(FILE *in, bool echo_off, char *buf, size_t size)
{
    struct termios old, quiet;
    bool restore = false;
    if (echo_off && tcgetattr(fileno(in), &old) == 0) {
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        restore = tcsetattr(fileno(in), TCSAFLUSH, &quiet) == 0;
    }
    bool ok = fgets(buf, (int)size, in) != NULL;
    if (restore) {
        tcsetattr(fileno(in), TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (ok)
        buf[strcspn(buf, "\r\n")] = '\0';
    return ok;
}

static int set_pin(const char *data_dir, staff_role_t role)
{
    bool tty = isatty(STDIN_FILENO);
    char pin[64] = "", again[64] = "";
    int status = 1;
    if (tty)
        fprintf(stderr, "New PIN for the %s (4 to 12 digits): ", staff_role_name(role));
    if (!read_line(stdin, tty, pin, sizeof pin)) {
        fprintf(stderr, "minifab staff: no PIN given\n");
        goto done;
    }
    if (!staff_pin_valid(pin)) {
        fprintf(stderr, "minifab staff: a PIN is 4 to 12 digits, nothing else\n");
        goto done;
    }
    if (tty)
        fprintf(stderr, "The same PIN again: ");
    if (!read_line(stdin, tty, again, sizeof again)) {
        fprintf(stderr, "minifab staff: the PIN must be given twice\n");
        goto done;
    }
    if (strcmp(pin, again) != 0) {
        fprintf(stderr, "minifab staff: the two PINs differ; nothing was changed\n");
        goto done;
    }
    staff_store_t *st = staff_store_create(data_dir);
    if (!st) {
        fprintf(stderr, "minifab staff: cannot use the data directory %s\n", data_dir);
        goto done;
    }
    int rc = staff_store_set_pin(st, role, pin);
    staff_store_destroy(st);
    if (rc == MF_EEXPECT) {
        fprintf(stderr, "minifab staff: this PIN is already the %s's; choose another one\n",
                staff_role_name(role == STAFF_ROLE_OPERATOR ? STAFF_ROLE_ORGANISER
                                                            : STAFF_ROLE_OPERATOR));
    } else if (rc != MF_OK) {
        fprintf(stderr, "minifab staff: cannot save the PIN in %s: %s\n", data_dir,
                mf_strerror(rc));
    } else {
        printf("The %s's PIN is set (stored as an Argon2id hash in %s/%s).\n",
               staff_role_name(role), data_dir, STAFF_PIN_FILE);
        status = 0;
    }
done:
    memset(pin, 0, sizeof pin);
    memset(again, 0, sizeof again);
    return status;
}

static int show_status(const char *data_dir)
{
    staff_store_t *st = staff_store_create(data_dir);
    if (!st) {
        fprintf(stderr, "minifab staff: cannot use the data directory %s\n", data_dir);
        return 1;
    }
    for (int r = STAFF_ROLE_OPERATOR; r < STAFF_ROLE_COUNT; r++)
        printf("%-10s %s\n", staff_role_name((staff_role_t)r),
               staff_store_has_pin(st, (staff_role_t)r) ? "PIN set" : "no PIN");
    staff_lockout_t l;
    staff_store_lockout(st, &l);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t left = staff_lockout_remaining(&l, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    if (left > 0) {
        char cd[32];
        staff_format_countdown(left, cd, sizeof cd);
        printf("PIN pad    locked for %s more (lockout %d)\n", cd, l.lockouts);
    } else {
        printf("PIN pad    open (%d wrong PIN%s in a row)\n", l.failures,
               l.failures == 1 ? "" : "s");
    }
    staff_store_destroy(st);
    return 0;
}

int cmd_staff(int argc, char **argv)
{
    enum { OPT_ROLE = 1, OPT_CONFIG, OPT_DATA_DIR, OPT_HELP };
    static const struct option opts[] = {
        {"role", required_argument, NULL, OPT_ROLE},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        staff_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *action = argv[1];
    const char *role_name = NULL, *data_dir = NULL;
    const char *config_path = getenv("MINIFAB_CONFIG");
    optind = 1;
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_ROLE:
            role_name = optarg;
            break;
        case OPT_CONFIG:
            config_path = optarg;
            break;
        case OPT_DATA_DIR:
            data_dir = optarg;
            break;
        case OPT_HELP:
        case 'h':
            staff_usage(stdout);
            return 0;
        default:
            fprintf(stderr, "minifab staff: see 'minifab staff --help'\n");
            return 2;
        }
    }
    if (optind < argc - 1) {
        fprintf(stderr, "minifab staff: unexpected argument '%s'\n", argv[optind + 1]);
        return 2;
    }

    config_t cfg;
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    config_init(&cfg);
    int rc = config_path && config_path[0] ? config_load_file(&cfg, config_path, &errs) : MF_OK;
    if (rc == MF_OK)
        rc = config_apply_env(&cfg, env_get, &errs);
    if (rc == MF_OK && data_dir)
        rc = config_apply_flag(&cfg, "data-dir", data_dir, &errs);
    for (size_t i = 0; i < errs.count; i++)
        fprintf(stderr, "%s\n", errs.items[i]);
    yamldoc_errors_deinit(&errs);
    if (rc != MF_OK)
        return 1;

    if (strcmp(action, "set-pin") == 0) {
        staff_role_t role = staff_role_from_name(role_name);
        if (role == STAFF_ROLE_NONE) {
            fprintf(stderr, "minifab staff set-pin: --role operator or --role organiser\n");
            return 2;
        }
        return set_pin(cfg.data_dir, role);
    }
    if (strcmp(action, "status") == 0)
        return show_status(cfg.data_dir);
    fprintf(stderr, "minifab staff: unknown action '%s' (set-pin, status)\n", action);
    return 2;
}

/*
 * control.c - the simulator's control socket (--control PATH): a Unix stream
 * socket for tests, demos and staff training. One command a line; the answer
 * is zero or more lines of data, then one line "ok" or "error: REASON".
 * The command list is control_help below (also in `minifab-sim --help` and
 * firmware-sim/README.md). The scanner is played from here too: `scan CODE`
 * writes CODE and CR LF to the scanner's pty, as a USB scanner in serial mode.
 */
#include "sim.h"
#include "sim_pty.h"

#include "mf_error.h"
#include "mf_log.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_MAX_CLIENTS 8
#define CTL_LINE_MAX 512
#define CTL_OUT_MAX 8192

static const char control_help[] =
    "help                           this list\n"
    "status                         the whole state, one 'key value' a line\n"
    "estop press|release            the emergency-stop chain (I/O input and PLC abort)\n"
    "button press|release|click     the physical start button\n"
    "fault jam|sensor STATION       raise an abort fault at station 2..7\n"
    "fault robot                    robot fault (station 5)\n"
    "fault magazine COLOUR          empty the magazine of colour 1..6\n"
    "fault engraver N               GRBL raises ALARM:N (1 hard limit, 2 soft limit, ...)\n"
    "clear jam|sensor STATION       the fault's cause goes (then ack and reset)\n"
    "clear robot\n"
    "refill [COLOUR]                refill one magazine, or all\n"
    "scan CODE                      the scanner reads a ticket (CODE + CR LF on its port)\n"
    "drop plc|io|engraver|scanner SECONDS [mute|close]\n"
    "                               off the bus for SECONDS: mute = stop answering\n"
    "                               (default); close = the PLC closes its sockets,\n"
    "                               a serial device is unplugged (pty and link gone,\n"
    "                               a new pty behind the same link afterwards)\n"
    "delay plc|io MS                every answer comes MS milliseconds later (0 = off)\n"
    "corrupt io N                   the next N answers of the I/O module have a bad CRC\n"
    "speed X                        line speed factor (1 = real time)\n"
    "reject N                       the next N pieces fail quality control\n"
    "refuse N                       the next N orders are refused (BAD_STATE)\n"
    "order COLOUR [engrave]         submit an order as a kiosk would; prints its id\n"
    "engrave-done ORDER [failed]    report the engraving of ORDER\n"
    "plc start|stop|reset|ack       a staff command\n"
    "plc ack CODE                   acknowledge the alarms of one code only (0 = all)\n"
    "plc cancel ORDER               cancel a queued order (one on the line is not)\n"
    "plc mode auto|maintenance|manual\n"
    "plc map-version N              publish map version N in IR 0 (play a PLC the kiosk\n"
    "                               must refuse; 1 = this map)\n"
    "engraver svg PATH              write the burned path as SVG\n"
    "engraver clear                 forget the burned path\n"
    "engraver drop-ok [SKIP]        the ok after SKIP more (default 0) is lost on the link\n"
    "engraver hold|resume           the machine's feed-hold / cycle-start button\n"
    "engraver homing SECONDS [answer]\n"
    "                               a homing cycle lasts at least SECONDS; like GRBL,\n"
    "                               '?' is answered only when it ends, unless 'answer'\n"
    "engraver homing-fail N         the next homing cycle ends in ALARM:N (6..9)\n"
    "engraver set N VALUE           GRBL setting $N=VALUE (e.g. 22 1: homing on)\n"
    "quit                           stop the simulator\n";

const char *control_help_text(void)
{
    return control_help;
}

typedef struct {
    int fd;
    char buf[CTL_LINE_MAX];
    size_t len;
} ctl_client_t;

typedef struct {
    char text[CTL_OUT_MAX];
    size_t len;
} ctl_out_t;

__attribute__((format(printf, 2, 3))) static void out(ctl_out_t *o, const char *fmt, ...)
{
    if (o->len >= sizeof o->text - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->text + o->len, sizeof o->text - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n < sizeof o->text - o->len ? (size_t)n : sizeof o->text - o->len - 1;
}

int control_prepare(sim_world_t *w)
{
    const char *path = w->opt.control_path;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        return MF_EINVAL;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return mf_error_from_errno(errno);
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
        close(probe);
        close(fd);
        mf_log_error("control", "%s is in use by a running simulator", path);
        return MF_EBUSY;
    }
    if (probe >= 0)
        close(probe);
    unlink(path); /* a socket left by a killed simulator */
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0) {
        int err = errno;
        mf_log_error("control", "cannot listen on %s: %s", path, strerror(err));
        close(fd);
        return mf_error_from_errno(err);
    }
    w->control_fd = fd;
    return 0;
}

static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return 0;
    *out = (unsigned)v;
    return 1;
}

static int colour_arg(const char *s, unsigned *out)
{
    static const char *names[] = {"", "red", "blue", "green", "yellow", "black", "silver"};
    for (unsigned c = 1; c <= MF_COLOUR_COUNT; c++) {
        if (s && strcmp(s, names[c]) == 0) {
            *out = c;
            return 1;
        }
    }
    return parse_uint(s, 1, MF_COLOUR_COUNT, out);
}

static const char *result_text(int r)
{
    static const char *names[] = {"pending",
                                  "ok",
                                  "bad command",
                                  "bad argument",
                                  "queue full",
                                  "bad state",
                                  "no such order waiting",
                                  "emergency stop open",
                                  "in production, cannot be cancelled"};
    return r >= 0 && r <= MF_PLC_RES_MAX ? names[r] : "?";
}

static void io_status(const sim_world_t *w, ctl_out_t *o)
{
    const sim_io_t *io = &w->io;
    out(o, "io.light green=%d orange=%d red=%d buzzer=%d\n", io->coils[MF_IO_CO_GREEN],
        io->coils[MF_IO_CO_ORANGE], io->coils[MF_IO_CO_RED], io->coils[MF_IO_CO_BUZZER]);
    out(o, "io.start_button %d\nio.estop_ok %d\nio.start_count %u\nio.estop_count %u\n",
        io->start_button, io->estop_ok, io->start_count, io->estop_count);
}

static int plc_cmd(sim_world_t *w, ctl_out_t *o, mf_plc_cmd_t cmd, const uint16_t args[4],
                   uint64_t now)
{
    uint32_t id = 0;
    int r = plc_model_command(w->plc, cmd, args, now, &id);
    if (r != MF_PLC_RES_OK) {
        out(o, "error: %s\n", result_text(r));
        return -1;
    }
    if (cmd == MF_PLC_CMD_SUBMIT_ORDER)
        out(o, "order %u\n", id);
    return 0;
}

/* Runs one command line; fills o with the whole answer. Returns 1 on quit. */
static int control_execute(sim_world_t *w, char *line, ctl_out_t *o)
{
    char *argv[8];
    int argc = 0;
    for (char *tok = strtok(line, " \t\r"); tok && argc < 8; tok = strtok(NULL, " \t\r"))
        argv[argc++] = tok;
    if (argc == 0) {
        out(o, "ok\n");
        return 0;
    }
    const char *cmd = argv[0];
    const char *a1 = argc > 1 ? argv[1] : NULL;
    const char *a2 = argc > 2 ? argv[2] : NULL;
    uint64_t now = sim_now_ms();
    unsigned u = 0, v = 0;
    int quit = 0;
    const char *err = NULL;
    size_t mark = o->len;

    pthread_mutex_lock(&w->lock);
    if (strcmp(cmd, "help") == 0) {
        out(o, "%s", control_help);
    } else if (strcmp(cmd, "status") == 0) {
        char buf[4096];
        plc_model_format_status(w->plc, buf, sizeof buf);
        out(o, "%s", buf);
        io_status(w, o);
        if (w->grbl) {
            grbl_sim_format_status(w->grbl, buf, sizeof buf);
            out(o, "%s", buf);
        }
        static const char *devs[] = {"plc", "io", "engraver", "scanner"};
        for (int d = 0; d < SIM_DEV_COUNT; d++) {
            sim_drop_mode_t m = sim_dropped(w, (sim_dev_t)d, now);
            out(o, "bus.%s %s\n", devs[d],
                m == SIM_DROP_NONE   ? "on"
                : m == SIM_DROP_MUTE ? "muted"
                                     : "closed");
        }
        out(o, "sim.plc_port %d\n", w->opt.plc_port);
    } else if (strcmp(cmd, "estop") == 0 && a1 &&
               (strcmp(a1, "press") == 0 || strcmp(a1, "release") == 0)) {
        sim_set_estop(w, strcmp(a1, "press") == 0, now);
    } else if (strcmp(cmd, "button") == 0 && a1) {
        if (strcmp(a1, "press") == 0) {
            if (!w->io.start_button)
                w->io.start_count++;
            w->io.start_button = 1;
        } else if (strcmp(a1, "release") == 0) {
            w->io.start_button = 0;
        } else if (strcmp(a1, "click") == 0) {
            w->io.start_count++; /* the press counter shows it; too short for a poll to see */
            w->io.start_button = 0;
        } else {
            err = "button press|release|click";
        }
    } else if ((strcmp(cmd, "fault") == 0 || strcmp(cmd, "clear") == 0) && a1) {
        int active = strcmp(cmd, "fault") == 0;
        if (strcmp(a1, "jam") == 0 || strcmp(a1, "sensor") == 0) {
            if (!parse_uint(a2, MF_STATION_FIRST, MF_STATION_LAST, &u))
                err = "station 2..7 expected";
            else
                plc_model_set_fault(w->plc,
                                    strcmp(a1, "jam") == 0 ? MF_ALARM_JAM : MF_ALARM_SENSOR_FAULT,
                                    u, active, now);
        } else if (strcmp(a1, "robot") == 0) {
            plc_model_set_fault(w->plc, MF_ALARM_ROBOT_FAULT, MF_STATION_ROBOT, active, now);
        } else if (active && strcmp(a1, "magazine") == 0) {
            if (!colour_arg(a2, &u))
                err = "colour 1..6 expected";
            else
                plc_model_set_magazine(w->plc, u, 0);
        } else if (active && strcmp(a1, "engraver") == 0) {
            if (!w->grbl)
                err = "no engraver played";
            else if (!parse_uint(a2, 1, 10, &u))
                err = "alarm code 1..10 expected";
            else
                grbl_sim_raise_alarm(w->grbl, u, sim_now_us());
        } else {
            err = "unknown fault";
        }
    } else if ((strcmp(cmd, "reject") == 0 || strcmp(cmd, "refuse") == 0) && a1) {
        char *end;
        long n = strtol(a1, &end, 10);
        if (*end || n < 0 || n > 1000)
            err = "a count 0..1000 expected";
        else if (cmd[2] == 'j')
            plc_model_force_rejects(w->plc, (unsigned)n);
        else
            plc_model_force_refusals(w->plc, (unsigned)n);
    } else if (strcmp(cmd, "refill") == 0) {
        uint16_t args[4] = {0, 0, 0, 0};
        if (a1 && !colour_arg(a1, &u))
            err = "colour 1..6 expected";
        else {
            args[0] = (uint16_t)(a1 ? u : 0);
            plc_cmd(w, o, MF_PLC_CMD_REFILL, args, now);
        }
    } else if (strcmp(cmd, "scan") == 0 && a1) {
        size_t n = strlen(a1);
        for (size_t i = 0; i < n; i++) {
            if (!isgraph((unsigned char)a1[i]))
                err = "printable code expected";
        }
        if (n > 64)
            err = "code longer than 64 characters";
        else if (!w->opt.scanner_pty)
            err = "no scanner played";
        else if (w->scanner_master < 0)
            out(o, "scanner is unplugged: code lost\n");
        else if (sim_dropped(w, SIM_DEV_SCANNER, now) != SIM_DROP_NONE)
            out(o, "scanner is off the bus: code lost\n");
        else if (!err && sim_pty_peer_open(w->scanner_master) != 1)
            err = "nobody has the scanner port open";
        else if (!err) {
            char buf[80];
            int len = snprintf(buf, sizeof buf, "%s\r\n", a1);
            if (write(w->scanner_master, buf, (size_t)len) != len)
                err = "scanner port write failed";
        }
    } else if (strcmp(cmd, "drop") == 0 && a1 && a2) {
        static const char *devs[] = {"plc", "io", "engraver", "scanner"};
        int dev = -1;
        for (int d = 0; d < SIM_DEV_COUNT; d++) {
            if (strcmp(a1, devs[d]) == 0)
                dev = d;
        }
        const char *mode = argc > 3 ? argv[3] : "mute";
        if (dev < 0)
            err = "device plc|io|engraver|scanner expected";
        else if (!parse_uint(a2, 0, 3600, &u))
            err = "seconds 0..3600 expected";
        else if (strcmp(mode, "mute") != 0 && strcmp(mode, "close") != 0)
            err = "mode mute or close expected";
        else {
            w->drop[dev].mode = strcmp(mode, "close") == 0 ? SIM_DROP_CLOSE : SIM_DROP_MUTE;
            w->drop[dev].until_ms = now + (uint64_t)u * 1000u;
            mf_log_info("control", "%s off the bus (%s) for %u s", a1, mode, u);
            if (dev == SIM_DEV_SCANNER && w->drop[dev].mode == SIM_DROP_CLOSE &&
                w->scanner_master >= 0) {
                /* The scanner has no thread: it is unplugged here and
                 * plugged back by control_thread's timer. */
                sim_pty_unlink(w->opt.scanner_pty);
                close(w->scanner_master);
                w->scanner_master = -1;
                mf_log_info("scanner", "unplugged: %s removed", w->opt.scanner_pty);
            }
        }
    } else if (strcmp(cmd, "delay") == 0 && a1 && a2) {
        int dev = strcmp(a1, "plc") == 0 ? SIM_DEV_PLC : strcmp(a1, "io") == 0 ? SIM_DEV_IO : -1;
        if (dev < 0)
            err = "device plc|io expected";
        else if (!parse_uint(a2, 0, 10000, &u))
            err = "milliseconds 0..10000 expected";
        else
            w->delay_ms[dev] = u;
    } else if (strcmp(cmd, "corrupt") == 0 && a1 && a2) {
        if (strcmp(a1, "io") != 0)
            err = "device io expected";
        else if (!parse_uint(a2, 0, 1000000, &u))
            err = "a count expected";
        else
            w->corrupt_left[SIM_DEV_IO] = u;
    } else if (strcmp(cmd, "speed") == 0 && a1) {
        char *end;
        double x = strtod(a1, &end);
        if (*end || plc_model_set_speed(w->plc, x, now) != 0)
            err = "speed factor in (0, 1000] expected";
    } else if (strcmp(cmd, "order") == 0 && a1) {
        uint16_t args[4] = {0, 0, 0, 0};
        if (!colour_arg(a1, &u))
            err = "colour 1..6 expected";
        else {
            args[0] = (uint16_t)u;
            args[1] = a2 && strcmp(a2, "engrave") == 0;
            plc_cmd(w, o, MF_PLC_CMD_SUBMIT_ORDER, args, now);
        }
    } else if (strcmp(cmd, "engrave-done") == 0 && a1) {
        if (!parse_uint(a1, 1, 0xFFFFFFFFu, &v))
            err = "order id expected";
        else {
            uint16_t args[4] = {(uint16_t)(v >> 16), (uint16_t)(v & 0xFFFF),
                                (uint16_t)(a2 && strcmp(a2, "failed") == 0 ? MF_PLC_ENGRAVE_FAILED
                                                                           : MF_PLC_ENGRAVE_OK),
                                0};
            plc_cmd(w, o, MF_PLC_CMD_ENGRAVE_DONE, args, now);
        }
    } else if (strcmp(cmd, "plc") == 0 && a1) {
        uint16_t args[4] = {0, 0, 0, 0};
        if (strcmp(a1, "start") == 0)
            plc_cmd(w, o, MF_PLC_CMD_START, args, now);
        else if (strcmp(a1, "stop") == 0)
            plc_cmd(w, o, MF_PLC_CMD_STOP, args, now);
        else if (strcmp(a1, "reset") == 0)
            plc_cmd(w, o, MF_PLC_CMD_RESET, args, now);
        else if (strcmp(a1, "ack") == 0) {
            if (a2 && !parse_uint(a2, 0, MF_ALARM_CODE_MAX, &u))
                err = "plc ack [CODE], CODE 0..7 (0 = all)";
            else {
                args[0] = (uint16_t)(a2 ? u : 0);
                plc_cmd(w, o, MF_PLC_CMD_ACK, args, now);
            }
        } else if (strcmp(a1, "cancel") == 0 && a2) {
            if (!parse_uint(a2, 1, 0xFFFFFFFFu, &v))
                err = "plc cancel ORDER, the order id";
            else {
                args[0] = (uint16_t)(v >> 16);
                args[1] = (uint16_t)(v & 0xFFFF);
                plc_cmd(w, o, MF_PLC_CMD_CANCEL, args, now);
            }
        } else if (strcmp(a1, "map-version") == 0 && a2) {
            if (!parse_uint(a2, 0, 65535, &u))
                err = "map-version 0..65535 expected";
            else
                plc_model_set_map_version(w->plc, (uint16_t)u);
        } else if (strcmp(a1, "mode") == 0 && a2) {
            static const char *modes[] = {"", "auto", "maintenance", "manual"};
            for (unsigned m = 1; m <= MF_MODE_MAX; m++) {
                if (strcmp(a2, modes[m]) == 0)
                    args[0] = (uint16_t)m;
            }
            plc_cmd(w, o, MF_PLC_CMD_SET_MODE, args, now);
        } else
            err = "plc start|stop|reset|ack [CODE]|cancel ORDER|mode M|map-version N";
    } else if (strcmp(cmd, "engraver") == 0 && a1 && w->grbl) {
        if (strcmp(a1, "svg") == 0 && a2) {
            if (grbl_sim_write_svg(w->grbl, a2) != 0)
                err = "cannot write the SVG";
        } else if (strcmp(a1, "clear") == 0) {
            grbl_sim_clear_burns(w->grbl);
        } else if (strcmp(a1, "drop-ok") == 0) {
            if (a2 && !parse_uint(a2, 0, 100000, &u))
                err = "engraver drop-ok [SKIP], SKIP 0..100000";
            else
                grbl_sim_drop_ok(w->grbl, a2 ? u : 0);
        } else if (strcmp(a1, "hold") == 0 || strcmp(a1, "resume") == 0) {
            grbl_sim_machine_hold(w->grbl, strcmp(a1, "hold") == 0, sim_now_us());
        } else if (strcmp(a1, "homing") == 0) {
            const char *a3 = argc > 3 ? argv[3] : NULL;
            if (!parse_uint(a2, 0, 600, &u) || (a3 && strcmp(a3, "answer") != 0))
                err = "engraver homing SECONDS (0..600) [answer]";
            else
                grbl_sim_set_homing(w->grbl, (double)u, a3 != NULL);
        } else if (strcmp(a1, "homing-fail") == 0) {
            if (!parse_uint(a2, 0, 9, &u) || grbl_sim_fail_homing(w->grbl, u) != 0)
                err = "engraver homing-fail N (6..9, 0 = succeed)";
        } else if (strcmp(a1, "set") == 0) {
            const char *a3 = argc > 3 ? argv[3] : NULL;
            char *end = NULL;
            double val = a3 ? strtod(a3, &end) : -1;
            if (!parse_uint(a2, 0, 1000, &u) || !a3 || *end ||
                grbl_sim_set_setting(w->grbl, u, val) != 0)
                err = "engraver set N VALUE (a setting of this board, VALUE >= 0)";
        } else {
            err = "engraver svg PATH|clear|drop-ok|hold|resume|homing|homing-fail|set";
        }
    } else if (strcmp(cmd, "quit") == 0) {
        quit = 1;
    } else {
        err = "unknown command (try help)";
    }
    w->changes++;
    pthread_mutex_unlock(&w->lock);

    /* plc_cmd may already have written "error: ..." as the last line. */
    if (o->len > mark && strncmp(o->text + o->len - 1, "\n", 1) == 0) {
        const char *last = o->text + o->len - 1;
        while (last > o->text + mark && last[-1] != '\n')
            last--;
        if (strncmp(last, "error:", 6) == 0)
            return quit;
    }
    if (err)
        out(o, "error: %s\n", err);
    else
        out(o, "ok\n");
    return quit;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

void *control_thread(void *arg)
{
    sim_world_t *w = arg;
    int lfd = w->control_fd;
    ctl_client_t clients[CTL_MAX_CLIENTS];
    unsigned n = 0;
    mf_log_info("control", "control socket %s", w->opt.control_path);
    for (;;) {
        struct pollfd pfd[CTL_MAX_CLIENTS + 2];
        pfd[0] = (struct pollfd){.fd = w->stop_fd, .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = lfd, .events = POLLIN};
        for (unsigned i = 0; i < n; i++)
            pfd[2 + i] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
        pthread_mutex_lock(&w->lock);
        int scanner_out = w->opt.scanner_pty && w->scanner_master < 0;
        if (scanner_out && sim_dropped(w, SIM_DEV_SCANNER, sim_now_ms()) != SIM_DROP_CLOSE) {
            int fd = sim_pty_create(w->opt.scanner_pty);
            if (fd >= 0) {
                w->scanner_master = fd;
                mf_log_info("scanner", "plugged back in");
            }
        }
        scanner_out = w->opt.scanner_pty && w->scanner_master < 0;
        pthread_mutex_unlock(&w->lock);
        int rc = poll(pfd, 2 + n, scanner_out ? 50 : -1);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        if (pfd[0].revents)
            break;
        for (unsigned i = n; i-- > 0;) {
            if (!pfd[2 + i].revents)
                continue;
            ctl_client_t *c = &clients[i];
            ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, 0);
            int drop = r <= 0;
            int quit = 0;
            if (r > 0) {
                c->len += (size_t)r;
                char *nl;
                while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
                    *nl = '\0';
                    ctl_out_t *o = malloc(sizeof *o);
                    if (!o)
                        break;
                    o->len = 0;
                    quit |= control_execute(w, c->buf, o);
                    send_all(c->fd, o->text, o->len);
                    free(o);
                    size_t used = (size_t)(nl - c->buf) + 1;
                    memmove(c->buf, c->buf + used, c->len - used);
                    c->len -= used;
                }
                if (c->len == sizeof c->buf - 1) {
                    send_all(c->fd, "error: line too long\n", 21);
                    drop = 1;
                }
            }
            if (drop) {
                close(c->fd);
                clients[i] = clients[--n];
            }
            if (quit) {
                mf_log_info("control", "quit asked");
                sim_request_stop(w);
            }
        }
        if (pfd[1].revents & POLLIN) {
            int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0 && n < CTL_MAX_CLIENTS)
                clients[n++] = (ctl_client_t){.fd = fd};
            else if (fd >= 0)
                close(fd);
        }
    }
    for (unsigned i = 0; i < n; i++)
        close(clients[i].fd);
    close(lfd);
    unlink(w->opt.control_path);
    return NULL;
}

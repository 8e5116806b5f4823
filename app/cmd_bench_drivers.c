/*
 * cmd_bench_drivers.c - `minifab bench line` and `minifab bench engrave`:
 * the drivers' figures for docs/BENCHMARKS.md, measured against
 * firmware-sim (started as a child unless an address is given).
 *
 *   bench line     Modbus TCP round trips of the line driver's reads, median
 *                  and p99, beside mbpoll reading the same 125 registers in
 *                  the same run;
 *   bench engrave  one engraving job streamed with character counting and
 *                  with send-and-wait, wall time of each.
 * Programs that print figures, never pass/fail tests.
 */
#include "commands.h"

#include "gcode_text.h"
#include "grbl_drv.h"
#include "line_regmap.h"
#include "mb_link.h"
#include "mf_error.h"
#include "mf_log.h"
#include "sim_child.h"

#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Median and p99 of N samples (sorted in place), in microseconds. */
static void stats(long long *v, int n, double *median, double *p99)
{
    if (n <= 0) {
        *median = *p99 = 0;
        return;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_ll);
    *median = n ? (double)v[n / 2] : 0;
    int i = (int)((double)n * 0.99);
    *p99 = n ? (double)v[i < n ? i : n - 1] : 0;
}

/* Runs mbpoll once (one read of 125 input registers); wall time in us, or -1. */
static long long mbpoll_once(const char *host, int port)
{
    char p[16];
    snprintf(p, sizeof p, "%d", port);
    long long t0 = now_us();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execlp("mbpoll", "mbpoll", "-m", "tcp", "-a", "1", "-0", "-t", "3", "-r", "0", "-c", "125",
               "-1", "-p", p, host, (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return now_us() - t0;
}

/* Runs mbpoll polling every PERIOD_MS for about SECONDS and returns the
 * intervals between polls minus the period (its per-poll cost) in V. */
static int mbpoll_cycles(const char *host, int port, int period_ms, int seconds, long long *v,
                         int cap)
{
    char p[16], l[16];
    snprintf(p, sizeof p, "%d", port);
    snprintf(l, sizeof l, "%d", period_ms);
    int pfd[2];
    if (pipe(pfd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        /* Line-buffered, so each poll reaches the pipe when it is printed. */
        execlp("stdbuf", "stdbuf", "-oL", "mbpoll", "-m", "tcp", "-a", "1", "-0", "-t", "3", "-r",
               "0", "-c", "125", "-l", l, "-p", p, host, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    int n = 0;
    long long prev = 0, end = now_us() + (long long)seconds * 1000000;
    char buf[8192];
    while (now_us() < end) {
        struct pollfd pf = {.fd = pfd[0], .events = POLLIN};
        if (poll(&pf, 1, 100) <= 0)
            continue;
        ssize_t r = read(pfd[0], buf, sizeof buf);
        if (r <= 0)
            break;
        /* Each poll prints one "-- Polling slave" header. */
        long long t = now_us();
        for (char *s = buf; (s = memmem(s, (size_t)(buf + r - s), "-- Polling", 10)); s += 10) {
            if (prev && n < cap)
                v[n++] = t - prev - (long long)period_ms * 1000;
            prev = t;
        }
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    close(pfd[0]);
    return n;
}

static int bench_line(int argc, char **argv)
{
    static const struct option opts[] = {{"plc", required_argument, 0, 'p'},
                                         {"count", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *plc = NULL;
    int count = 2000, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            plc = optarg;
            break;
        case 'n':
            count = atoi(optarg);
            break;
        case 'h':
            printf("usage: minifab bench line [--plc URI] [--count N]\n\n"
                   "Round trips of the line driver's Modbus TCP reads (median, p99) beside mbpoll\n"
                   "reading the same 125 input registers. Without --plc, minifab-sim is started\n"
                   "on a free port (next to this binary, or in $MINIFAB_BIN_DIR).\n");
            return 0;
        default:
            return 2;
        }
    }
    if (count < 10)
        count = 10;
    mf_log_set_level(MF_LOG_ERROR);
    sim_child_t sim = {.pid = -1, .out_fd = -1};
    char host[128] = "127.0.0.1";
    int port = 0;
    if (plc) {
        if (mb_parse_tcp_uri(plc, host, sizeof host, &port, 502) != 0) {
            fprintf(stderr, "minifab bench line: bad --plc '%s'\n", plc);
            return 2;
        }
    } else {
        int rc = sim_child_start(&sim, NULL, 0, "none", "none", "none", "none", NULL, 5000);
        if (rc) {
            fprintf(stderr, "minifab bench line: cannot start minifab-sim: %s\n", mf_strerror(rc));
            return 1;
        }
        port = sim.plc_port;
    }
    long long *v = calloc((size_t)count, sizeof *v);
    mb_link_t link;
    int rc = 1;
    if (!v || mb_link_tcp_init(&link, host, port, MF_PLC_UNIT_ID, MB_DEFAULT_TIMEOUT_MS) != 0)
        goto out;
    if (link.ops->connect(link.ctx) != 0) {
        fprintf(stderr, "minifab bench line: cannot connect to %s:%d\n", host, port);
        mb_link_deinit(&link);
        goto out;
    }
    uint16_t regs[MF_PLC_IR_COUNT];
    uint8_t bits[MF_PLC_DI_COUNT];
    double med1, p991, med2, p992;
    int fails = 0;
    for (int i = 0; i < count; i++) {
        long long t0 = now_us();
        fails += link.ops->read_regs(link.ctx, MB_INPUT, 0, 125, regs) != 0;
        v[i] = now_us() - t0;
    }
    stats(v, count, &med1, &p991);
    for (int i = 0; i < count; i++) {
        long long t0 = now_us();
        for (int a = 0; a < MF_PLC_IR_COUNT; a += 125)
            fails += link.ops->read_regs(link.ctx, MB_INPUT, a,
                                         MF_PLC_IR_COUNT - a < 125 ? MF_PLC_IR_COUNT - a : 125,
                                         &regs[a]) != 0;
        fails += link.ops->read_bits(link.ctx, MB_DISCRETE_INPUTS, 0, MF_PLC_DI_COUNT, bits) != 0;
        v[i] = now_us() - t0;
    }
    stats(v, count, &med2, &p992);
    mb_link_deinit(&link);

    int once_n = 0;
    long long once[60] = {0};
    for (int i = 0; i < 60; i++) {
        long long t = mbpoll_once(host, port);
        if (t > 0)
            once[once_n++] = t;
    }
    double med3 = 0, p993 = 0, med4 = 0, p994 = 0;
    stats(once, once_n, &med3, &p993);
    long long cyc[1000];
    int cyc_n = mbpoll_cycles(host, port, 20, 4, cyc, 1000);
    if (cyc_n > 0)
        stats(cyc, cyc_n, &med4, &p994);

    printf("PLC %s:%d%s, %d samples each, %d failed reads\n\n", host, port,
           plc ? "" : " (minifab-sim started for this run)", count, fails);
    printf("| what | median | p99 |\n|---|---|---|\n");
    printf("| driver: one FC04 read of 125 input registers | %.0f us | %.0f us |\n", med1, p991);
    printf(
        "| driver: one full poll (3 x FC04 = 360 registers + FC02 32 bits) | %.0f us | %.0f us |\n",
        med2, p992);
    if (once_n)
        printf("| mbpoll -1: whole process, same 125 registers (%d runs) | %.0f us | %.0f us |\n",
               once_n, med3, p993);
    else
        printf("| mbpoll -1 | not run (mbpoll missing?) | |\n");
    if (cyc_n > 0)
        printf("| mbpoll -l 20: poll interval minus 20 ms, same 125 registers (%d polls) | %.0f us "
               "| %.0f us |\n",
               cyc_n, med4, p994);
    rc = 0;
out:
    free(v);
    sim_child_stop(&sim, 0);
    return rc;
}

static double run_job(const char *port, grbl_stream_mode_t mode, const char *program, int *lines,
                      int *max_in_flight, char *err, size_t err_len)
{
    grbl_opts_t o;
    grbl_opts_default(&o);
    o.mode = mode;
    grbl_drv_t *d = grbl_drv_create(port, &o);
    if (!d) {
        snprintf(err, err_len, "bad port");
        return -1;
    }
    double secs = -1;
    grbl_event_t ev;
    long long end = now_us() + 5000000;
    int ready = 0;
    while (!ready && now_us() < end) {
        while (grbl_drv_poll_event(d, &ev))
            ready |= ev.kind == GRBL_EV_READY;
        usleep(5000);
    }
    uint32_t job;
    if (!ready || grbl_stream_start(d, program, &job) != 0) {
        snprintf(err, err_len, "engraver not ready");
        goto done;
    }
    end = now_us() + 600000000LL;
    while (now_us() < end) {
        if (grbl_drv_poll_event(d, &ev)) {
            if (ev.kind == GRBL_EV_JOB_DONE && ev.job == job) {
                if (ev.ok)
                    secs = ev.seconds;
                else
                    snprintf(err, err_len, "%s", ev.text);
                break;
            }
            continue;
        }
        usleep(2000);
    }
    grbl_snapshot_t s;
    grbl_drv_snapshot(d, &s);
    *lines = s.lines_total;
    *max_in_flight = s.max_bytes_in_flight;
done:
    grbl_drv_destroy(d);
    return secs;
}

static int bench_engrave(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, 0, 'p'},  {"text", required_argument, 0, 't'},
        {"feed", required_argument, 0, 'F'},  {"latency-us", required_argument, 0, 'L'},
        {"gcode", required_argument, 0, 'g'}, {"spiral", no_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *port = NULL, *text = "Fabrique 4.0", *latency = NULL, *gfile = NULL;
    int c, feed = 0, spiral = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            port = optarg;
            break;
        case 't':
            text = optarg;
            break;
        case 'F':
            feed = atoi(optarg);
            break;
        case 'L':
            latency = optarg;
            break;
        case 'g':
            gfile = optarg;
            break;
        case 's':
            spiral = 1;
            break;
        case 'h':
            printf(
                "usage: minifab bench engrave [--port ADDRESS] [--text TEXT | --gcode FILE | "
                "--spiral]\n"
                "                             [--feed F]\n"
                "                             [--latency-us US]\n\n"
                "Engraves TEXT (default \"Fabrique 4.0\") twice on the GRBL engraver: character\n"
                "counting, then send-and-wait; prints both wall times. Without --port,\n"
                "minifab-sim is started and its simulated GRBL is used, with --latency-us as its\n"
                "one-way USB-serial latency (its default otherwise). --feed overrides the\n"
                "burning feed of the text-to-G-code defaults (mm/min). --gcode streams a G-code\n"
                "file instead of a text; --spiral a built-in job of 600 chords of 0.1 mm at\n"
                "F3000 (short segments, where the difference shows).\n");
            return 0;
        default:
            return 2;
        }
    }
    mf_log_set_level(MF_LOG_ERROR);
    gcode_text_cfg_t cfg;
    gcode_text_cfg_default(&cfg);
    if (feed > 0)
        cfg.feed = feed;
    gcode_font_t *font = gcode_font_load(cfg.font);
    gcode_program_t prog;
    gcode_text_check_t chk;
    memset(&prog, 0, sizeof prog);
    if (spiral) {
        size_t cap = 64 * 610;
        prog.text = malloc(cap);
        if (!prog.text) {
            gcode_font_destroy(font);
            return 1;
        }
        size_t n = (size_t)snprintf(prog.text, cap, "G21\nG90\nM4 S300\n");
        for (int i = 0; i < 600; i++) {
            double a = i * 0.05, r = 2 + i * 0.002;
            n += (size_t)snprintf(prog.text + n, cap - n, "G1 X%.3f Y%.3f F3000\n", 10 + r * cos(a),
                                  10 + r * sin(a));
        }
        n += (size_t)snprintf(prog.text + n, cap - n, "M5\n");
        prog.len = n;
        prog.lines = 604;
        text = "spiral, 600 chords of 0.1 mm at F3000";
    } else if (gfile) {
        FILE *f = fopen(gfile, "r");
        size_t cap = 0;
        if (!f || getdelim(&prog.text, &cap, '\0', f) < 0) {
            if (f)
                fclose(f);
            gcode_font_destroy(font);
            fprintf(stderr, "minifab bench engrave: cannot read %s\n", gfile);
            return 1;
        }
        fclose(f);
        prog.len = strlen(prog.text);
        for (size_t i = 0; i < prog.len; i++)
            prog.lines += prog.text[i] == '\n';
        text = gfile;
    } else if (!font || gcode_text_render(font, &cfg, text, &prog, &chk) != 0) {
        gcode_font_destroy(font);
        fprintf(stderr, "minifab bench engrave: cannot render the text: %s\n", chk.message);
        return 1;
    }
    gcode_font_destroy(font);
    sim_child_t sim = {.pid = -1, .out_fd = -1};
    char path[64];
    if (!port) {
        snprintf(path, sizeof path, "/tmp/minifab-bench-%d-grbl", (int)getpid());
        const char *extra[] = {"--grbl-latency", latency, NULL};
        int rc = sim_child_start(&sim, NULL, 0, "none", path, "none", "none",
                                 latency ? extra : NULL, 5000);
        if (rc) {
            gcode_program_free(&prog);
            fprintf(stderr, "minifab bench engrave: cannot start minifab-sim: %s\n",
                    mf_strerror(rc));
            return 1;
        }
        port = path;
    }
    char err1[128] = "", err2[128] = "";
    int lines1 = 0, lines2 = 0, fl1 = 0, fl2 = 0;
    double cc = run_job(port, GRBL_STREAM_CHAR_COUNT, prog.text, &lines1, &fl1, err1, sizeof err1);
    double sw = run_job(port, GRBL_STREAM_SEND_WAIT, prog.text, &lines2, &fl2, err2, sizeof err2);
    printf("job \"%s\"%s: %d G-code lines, engraver %s%s%s%s\n\n", text,
           gfile || spiral ? "" : (feed > 0 ? " (text, feed overridden)" : " (text)"), prog.lines,
           port, sim.pid > 0 ? " (minifab-sim, --grbl-latency " : "",
           sim.pid > 0 ? (latency ? latency : "default") : "", sim.pid > 0 ? " us)" : "");
    printf("| streaming | wall time | most bytes in GRBL's buffer |\n|---|---|---|\n");
    if (cc >= 0)
        printf("| character counting (127-byte window) | %.2f s | %d |\n", cc, fl1);
    else
        printf("| character counting | failed: %s | |\n", err1);
    if (sw >= 0)
        printf("| send-and-wait (one line, wait for ok) | %.2f s | %d |\n", sw, fl2);
    else
        printf("| send-and-wait | failed: %s | |\n", err2);
    if (cc > 0 && sw > 0)
        printf("\nsend-and-wait / character counting = %.2f\n", sw / cc);
    gcode_program_free(&prog);
    sim_child_stop(&sim, 0);
    return cc >= 0 && sw >= 0 ? 0 : 1;
}

int bench_drivers_line(int argc, char **argv)
{
    return bench_line(argc, argv);
}

int bench_drivers_engrave(int argc, char **argv)
{
    return bench_engrave(argc, argv);
}

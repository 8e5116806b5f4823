/*
 * main.c - minifab-sim: plays every device of the mini line so the unchanged
 * kiosk reaches them through its real drivers (README.md, REGISTERS.md).
 *
 * Where to start reading:
 *   plc_model.c    the line PLC's program (stations, orders, alarms, mailboxes)
 *   plc_server.c   that model as a Modbus TCP server
 *   io_server.c    the remote I/O module, Modbus RTU on a pty
 *   grbl_sim.c     the GRBL 1.1 laser controller; grbl_port.c puts it on a pty
 *   control.c      the control socket (faults, e-stop, scans, drop-outs)
 *
 * This file parses options, builds the world, starts one thread per device,
 * and waits for SIGINT/SIGTERM or `quit` to stop them all and remove links.
 */
#include "sim.h"
#include "sim_pty.h"

#include "mf_error.h"
#include "mf_log.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(
        f,
        "minifab-sim %s - plays the mini line's devices on loopback and pseudo-terminals\n\n"
        "usage: minifab-sim [OPTIONS]\n\n"
        "  --plc-host ADDR        PLC listen address (default 127.0.0.1)\n"
        "  --plc-port N           PLC Modbus TCP port, unit 1 (default 1502; 0 = any free)\n"
        "  --scan-ms N            the PLC copies its registers once per N ms scan, as a real\n"
        "                         PLC (1..1000; default 0: rendered after every write)\n"
        "  --plc-idle S           close a PLC client silent for S seconds (default 60)\n"
        "  --io-pty PATH          I/O module (Modbus RTU, unit 2) link (default /tmp/minifab-io)\n"
        "  --engraver-pty PATH    GRBL 1.1 engraver link (default /tmp/minifab-engraver)\n"
        "  --scanner-pty PATH     ticket scanner link (default /tmp/minifab-scanner)\n"
        "  --control PATH         control socket (default /tmp/minifab-sim.sock)\n"
        "                         PATH 'none' leaves a device out\n"
        "  --speed X              line time factor (default 1; 10 = ten times faster)\n"
        "  --seed N               quality-control draws (default 1)\n"
        "  --reject-rate P        quality reject rate in %% (default 5)\n"
        "  --engrave-timeout S    real seconds the PLC waits for ENGRAVE_DONE (default 120)\n"
        "  --engraver-log PATH    append the burned path, one segment a line\n"
        "  --grbl-latency US      one-way USB-serial latency of the engraver (default 1000)\n"
        "  --no-rtu-timing        answer the I/O module at once (no 115200-baud delays)\n"
        "  --log-level L          debug|info|warn|error|off (default info)\n"
        "  --log-file PATH        also log to PATH\n"
        "  --quiet                no log on stderr (the log file still gets it)\n"
        "  --help, --version\n\n"
        "Once every device is up it prints one line on stdout:\n"
        "  ready plc=HOST:PORT io=PATH engraver=PATH scanner=PATH control=PATH\n\n"
        "Control socket commands (one a line; answer ends with 'ok' or 'error: ...'):\n%s",
        MINIFAB_VERSION, control_help_text());
}

static const char *none_to_null(const char *s)
{
    return s && strcmp(s, "none") == 0 ? NULL : s;
}

int main(int argc, char **argv)
{
    sim_world_t world;
    memset(&world, 0, sizeof world);
    sim_world_t *w = &world;
    w->opt = (sim_options_t){.plc_host = "127.0.0.1",
                             .plc_idle_s = 60,
                             .plc_port = MF_PLC_DEFAULT_PORT,
                             .io_pty = "/tmp/minifab-io",
                             .engraver_pty = "/tmp/minifab-engraver",
                             .scanner_pty = "/tmp/minifab-scanner",
                             .control_path = "/tmp/minifab-sim.sock"};
    w->plc_listen_fd = w->control_fd = -1;
    w->io_master = w->engraver_master = w->scanner_master = -1;
    w->stop_fd = -1;
    plc_model_config_t pcfg;
    plc_model_config_default(&pcfg);
    grbl_sim_config_t gcfg;
    grbl_sim_config_default(&gcfg);
    const char *log_file = NULL;
    int quiet = 0;
    FILE *burn_log = NULL;
    int status = 1;

    enum {
        O_HOST = 256,
        O_PORT,
        O_IO,
        O_ENG,
        O_SCAN,
        O_CTL,
        O_SPEED,
        O_SEED,
        O_REJECT,
        O_ETO,
        O_ELOG,
        O_LAT,
        O_NORTU,
        O_LEVEL,
        O_LOGF,
        O_QUIET,
        O_SCAN_MS,
        O_IDLE,
        O_HELP,
        O_VERSION
    };
    static const struct option opts[] = {{"plc-host", required_argument, 0, O_HOST},
                                         {"plc-port", required_argument, 0, O_PORT},
                                         {"io-pty", required_argument, 0, O_IO},
                                         {"engraver-pty", required_argument, 0, O_ENG},
                                         {"scanner-pty", required_argument, 0, O_SCAN},
                                         {"control", required_argument, 0, O_CTL},
                                         {"speed", required_argument, 0, O_SPEED},
                                         {"seed", required_argument, 0, O_SEED},
                                         {"reject-rate", required_argument, 0, O_REJECT},
                                         {"engrave-timeout", required_argument, 0, O_ETO},
                                         {"engraver-log", required_argument, 0, O_ELOG},
                                         {"grbl-latency", required_argument, 0, O_LAT},
                                         {"no-rtu-timing", no_argument, 0, O_NORTU},
                                         {"log-level", required_argument, 0, O_LEVEL},
                                         {"log-file", required_argument, 0, O_LOGF},
                                         {"quiet", no_argument, 0, O_QUIET},
                                         {"scan-ms", required_argument, 0, O_SCAN_MS},
                                         {"plc-idle", required_argument, 0, O_IDLE},
                                         {"help", no_argument, 0, O_HELP},
                                         {"version", no_argument, 0, O_VERSION},
                                         {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case O_HOST:
            w->opt.plc_host = optarg;
            break;
        case O_PORT: {
            long p = strtol(optarg, &end, 10);
            if (*end || p < 0 || p > 65535) {
                fprintf(stderr, "minifab-sim: --plc-port: 0..65535 expected, got '%s'\n", optarg);
                return 2;
            }
            w->opt.plc_port = (int)p;
            break;
        }
        case O_IO:
            w->opt.io_pty = none_to_null(optarg);
            break;
        case O_ENG:
            w->opt.engraver_pty = none_to_null(optarg);
            break;
        case O_SCAN:
            w->opt.scanner_pty = none_to_null(optarg);
            break;
        case O_CTL:
            w->opt.control_path = none_to_null(optarg);
            break;
        case O_SPEED:
            pcfg.speed = strtod(optarg, &end);
            if (*end || !(pcfg.speed > 0) || pcfg.speed > 1000) {
                fprintf(stderr, "minifab-sim: --speed: a factor in (0, 1000] expected\n");
                return 2;
            }
            break;
        case O_SEED:
            pcfg.seed = strtoull(optarg, &end, 10);
            break;
        case O_REJECT: {
            double r = strtod(optarg, &end);
            if (*end || r < 0 || r > 100) {
                fprintf(stderr, "minifab-sim: --reject-rate: 0..100 (%%) expected\n");
                return 2;
            }
            pcfg.reject_permille = (unsigned)(r * 10.0 + 0.5);
            break;
        }
        case O_ETO:
            pcfg.engrave_timeout_s = (unsigned)strtoul(optarg, &end, 10);
            break;
        case O_ELOG:
            w->opt.engraver_log = optarg;
            break;
        case O_LAT:
            gcfg.latency_us = (unsigned)strtoul(optarg, &end, 10);
            break;
        case O_NORTU:
            w->opt.no_rtu_timing = 1;
            break;
        case O_LEVEL: {
            mf_log_level_t lv;
            if (mf_log_level_parse(optarg, &lv) != 0) {
                fprintf(stderr, "minifab-sim: --log-level: debug|info|warn|error|off\n");
                return 2;
            }
            mf_log_set_level(lv);
            break;
        }
        case O_LOGF:
            log_file = optarg;
            break;
        case O_QUIET:
            mf_log_set_stderr(0);
            quiet = 1;
            break;
        case O_SCAN_MS: {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 1000) {
                fprintf(stderr, "minifab-sim: --scan-ms: 0..1000 expected, got '%s'\n", optarg);
                return 2;
            }
            w->opt.plc_scan_ms = (unsigned)v;
            break;
        }
        case O_IDLE: {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 86400) {
                fprintf(stderr, "minifab-sim: --plc-idle: 1..86400 s expected, got '%s'\n", optarg);
                return 2;
            }
            w->opt.plc_idle_s = (unsigned)v;
            break;
        }
        case O_HELP:
        case 'h':
            usage(stdout);
            return 0;
        case O_VERSION:
            printf("minifab-sim %s\n", MINIFAB_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
        if (end && *end && c != O_SPEED && c != O_REJECT) {
            fprintf(stderr, "minifab-sim: bad number '%s'\n", optarg);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "minifab-sim: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (log_file && mf_log_open_file(log_file, 4u << 20) != 0)
        fprintf(stderr, "minifab-sim: cannot log to %s\n", log_file);

    /* Signals are taken by this thread only, through a signalfd. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

    pthread_mutex_init(&w->lock, NULL);
    w->stop_fd = eventfd(0, EFD_CLOEXEC);
    uint64_t now_ms = sim_now_ms();
    w->started_ms = now_ms;
    w->plc = plc_model_create(&pcfg, now_ms);
    w->grbl = grbl_sim_create(&gcfg, sim_now_us());
    w->io.estop_ok = 1;
    if (sfd < 0 || w->stop_fd < 0 || !w->plc || !w->grbl) {
        mf_log_error("sim", "start-up failed (no memory or descriptors)");
        goto out;
    }
    if (w->opt.engraver_log) {
        burn_log = fopen(w->opt.engraver_log, "a");
        if (!burn_log) {
            mf_log_error("sim", "cannot open %s: %s", w->opt.engraver_log, strerror(errno));
            goto out;
        }
        grbl_sim_set_burn_log(w->grbl, burn_log);
    }

    int prc = plc_server_prepare(w);
    if (prc != 0) {
        /* Said on stderr even with --quiet (the log said it otherwise): the
         * simulator does not start. */
        if (quiet)
            fprintf(stderr, "minifab-sim: cannot listen on %s:%d: %s\n", w->opt.plc_host,
                    w->opt.plc_port, mf_strerror(prc));
        goto out;
    }
    if (w->opt.control_path && control_prepare(w) != 0)
        goto out;
    struct {
        const char *path;
        int *fd;
    } ptys[] = {{w->opt.io_pty, &w->io_master},
                {w->opt.engraver_pty, &w->engraver_master},
                {w->opt.scanner_pty, &w->scanner_master}};
    for (size_t i = 0; i < sizeof ptys / sizeof ptys[0]; i++) {
        if (!ptys[i].path)
            continue;
        int fd = sim_pty_create(ptys[i].path);
        if (fd < 0) {
            mf_log_error("sim", "cannot create %s: %s", ptys[i].path, mf_strerror(fd));
            goto out;
        }
        *ptys[i].fd = fd;
    }

    pthread_t threads[4];
    int started[4] = {0};
    void *(*entry[4])(void *) = {plc_server_thread, io_server_thread, grbl_port_thread,
                                 control_thread};
    int wanted[4] = {1, w->io_master >= 0, w->engraver_master >= 0, w->control_fd >= 0};
    for (int i = 0; i < 4; i++) {
        if (wanted[i] && pthread_create(&threads[i], NULL, entry[i], w) == 0)
            started[i] = 1;
        else if (wanted[i])
            mf_log_error("sim", "cannot start a device thread");
    }
    printf("ready plc=%s:%d io=%s engraver=%s scanner=%s control=%s\n", w->opt.plc_host,
           w->opt.plc_port, w->opt.io_pty ? w->opt.io_pty : "none",
           w->opt.engraver_pty ? w->opt.engraver_pty : "none",
           w->opt.scanner_pty ? w->opt.scanner_pty : "none",
           w->opt.control_path ? w->opt.control_path : "none");
    fflush(stdout);
    mf_log_info("sim", "all devices up (speed %.2f, seed %llu)", pcfg.speed,
                (unsigned long long)pcfg.seed);

    struct pollfd pfd[2] = {{.fd = sfd, .events = POLLIN}, {.fd = w->stop_fd, .events = POLLIN}};
    for (;;) {
        int rc = poll(pfd, 2, -1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0 || pfd[1].revents)
            break;
        if (pfd[0].revents) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si && si.ssi_signo == SIGPIPE)
                continue;
            mf_log_info("sim", "signal %u: stopping", si.ssi_signo);
            break;
        }
    }
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_mutex_unlock(&w->lock);
    sim_request_stop(w);
    for (int i = 0; i < 4; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
    }
    if (w->control_fd >= 0 && !started[3]) {
        close(w->control_fd);
        unlink(w->opt.control_path);
    }
    w->control_fd = -1;
    status = 0;
out : {
    const char *links[3] = {w->opt.io_pty, w->opt.engraver_pty, w->opt.scanner_pty};
    int *masters[3] = {&w->io_master, &w->engraver_master, &w->scanner_master};
    for (size_t i = 0; i < 3; i++) {
        if (*masters[i] >= 0) {
            sim_pty_unlink(links[i]);
            close(*masters[i]);
        }
    }
}
    if (w->plc_listen_fd >= 0)
        close(w->plc_listen_fd);
    if (w->control_fd >= 0) {
        close(w->control_fd);
        unlink(w->opt.control_path);
    }
    if (burn_log)
        fclose(burn_log);
    plc_model_destroy(w->plc);
    grbl_sim_destroy(w->grbl);
    if (w->stop_fd >= 0)
        close(w->stop_fd);
    if (sfd >= 0)
        close(sfd);
    pthread_mutex_destroy(&w->lock);
    mf_log_info("sim", "stopped");
    mf_log_open_file(NULL, 0);
    return status;
}

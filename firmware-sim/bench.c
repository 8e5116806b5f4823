/*
 * bench.c - minifab-sim-bench: how fast the simulated PLC answers, beside
 * libmodbus's own server loop (the select() multi-client loop of libmodbus's
 * examples, run here in a thread on a mapping of the same size), and how long
 * one transaction with the I/O module takes over its pty at 115200 baud.
 *
 * usage: minifab-sim-bench [--seconds S] [--clients N] [--regs N]
 * It starts build/bin/minifab-sim (next to itself) on a free port, prints
 * figures, stops it. A benchmark, not a test: it prints, it does not judge,
 * except that it exits 1 if any transaction failed.
 */
#include "line_regmap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <modbus.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- libmodbus's own server loop (the reference) ------------------------ */

typedef struct {
    int listen_fd;
    volatile int stop;
} ref_server_t;

static void *ref_server_thread(void *arg)
{
    ref_server_t *rs = arg;
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", 0);
    modbus_mapping_t *map =
        modbus_mapping_new(MF_PLC_CO_COUNT, MF_PLC_DI_COUNT, MF_PLC_HR_COUNT, MF_PLC_IR_COUNT);
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    fd_set refset;
    FD_ZERO(&refset);
    FD_SET(rs->listen_fd, &refset);
    int fdmax = rs->listen_fd;
    while (!rs->stop) {
        fd_set rdset = refset;
        struct timeval tv = {0, 100000};
        if (select(fdmax + 1, &rdset, NULL, NULL, &tv) <= 0)
            continue;
        for (int fd = 0; fd <= fdmax; fd++) {
            if (!FD_ISSET(fd, &rdset))
                continue;
            if (fd == rs->listen_fd) {
                int c = accept(rs->listen_fd, NULL, NULL);
                if (c >= 0 && c < FD_SETSIZE) {
                    FD_SET(c, &refset);
                    if (c > fdmax)
                        fdmax = c;
                } else if (c >= 0) {
                    close(c);
                }
                continue;
            }
            modbus_set_socket(ctx, fd);
            int rc = modbus_receive(ctx, query);
            if (rc > 0)
                modbus_reply(ctx, query, rc, map);
            else if (rc < 0) {
                close(fd);
                FD_CLR(fd, &refset);
            }
        }
    }
    for (int fd = 0; fd <= fdmax; fd++) {
        if (FD_ISSET(fd, &refset))
            close(fd);
    }
    modbus_mapping_free(map);
    modbus_set_socket(ctx, -1);
    modbus_free(ctx);
    return NULL;
}

static int ref_listen(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 32) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

/* ---- clients ------------------------------------------------------------ */

typedef struct {
    int port;
    int regs;
    double seconds;
    pthread_barrier_t *start;
    long done, errors;
    double *lat; /* per-transaction latency, seconds */
    long lat_cap;
} client_t;

static void *client_thread(void *arg)
{
    client_t *c = arg;
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", c->port);
    uint16_t regs[MODBUS_MAX_READ_REGISTERS];
    modbus_set_slave(ctx, MF_PLC_UNIT_ID);
    if (modbus_connect(ctx) != 0) {
        c->errors++;
        pthread_barrier_wait(c->start);
        modbus_free(ctx);
        return NULL;
    }
    pthread_barrier_wait(c->start);
    double end = now_s() + c->seconds;
    for (;;) {
        double t0 = now_s();
        if (t0 >= end)
            break;
        if (modbus_read_input_registers(ctx, 0, c->regs, regs) != c->regs)
            c->errors++;
        double t1 = now_s();
        if (c->done < c->lat_cap)
            c->lat[c->done] = t1 - t0;
        c->done++;
    }
    modbus_close(ctx);
    modbus_free(ctx);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs n clients for seconds; prints one line; returns the failed count. */
static long run_clients(const char *label, int port, int n, int regs, double seconds)
{
    client_t *cl = calloc((size_t)n, sizeof *cl);
    pthread_t *th = calloc((size_t)n, sizeof *th);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)n + 1);
    for (int i = 0; i < n; i++) {
        cl[i] = (client_t){.port = port, .regs = regs, .seconds = seconds, .start = &start};
        cl[i].lat_cap = 2000000;
        cl[i].lat = malloc((size_t)cl[i].lat_cap * sizeof(double));
        pthread_create(&th[i], NULL, client_thread, &cl[i]);
    }
    pthread_barrier_wait(&start);
    double t0 = now_s();
    long total = 0, errors = 0, min = LONG_MAX, max = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        total += cl[i].done;
        errors += cl[i].errors;
        if (cl[i].done < min)
            min = cl[i].done;
        if (cl[i].done > max)
            max = cl[i].done;
    }
    double took = now_s() - t0;
    long nlat = cl[0].done < cl[0].lat_cap ? cl[0].done : cl[0].lat_cap;
    qsort(cl[0].lat, (size_t)nlat, sizeof(double), cmp_double);
    double p50 = nlat ? cl[0].lat[nlat / 2] : 0, p99 = nlat ? cl[0].lat[nlat * 99 / 100] : 0;
    printf("%-26s clients %2d  regs %3d  %9.0f reads/s total  %8.0f..%-8.0f per client  "
           "p50 %5.1f us  p99 %6.1f us  errors %ld\n",
           label, n, regs, total / took, min / took, max / took, p50 * 1e6, p99 * 1e6, errors);
    for (int i = 0; i < n; i++)
        free(cl[i].lat);
    pthread_barrier_destroy(&start);
    free(cl);
    free(th);
    return errors;
}

/* ---- the simulator as a child ------------------------------------------- */

static pid_t start_sim(const char *self, int *port, char *io_path, size_t io_size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        snprintf(exe, sizeof exe, "%s", self);
    else
        exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        strcpy(slash + 1, "minifab-sim");
    char dir[] = "/tmp/minifab-bench-XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    char ctl[128];
    snprintf(io_path, io_size, "%s/io", dir);
    snprintf(ctl, sizeof ctl, "%s/ctl", dir);
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        execl(exe, exe, "--plc-port", "0", "--io-pty", io_path, "--engraver-pty", "none",
              "--scanner-pty", "none", "--control", ctl, "--log-level", "warn", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char line[512] = "";
    size_t len = 0;
    while (len < sizeof line - 1) {
        ssize_t r = read(pipefd[0], line + len, 1);
        if (r <= 0 || line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    close(pipefd[0]);
    const char *p = strstr(line, "plc=127.0.0.1:");
    if (!p) {
        fprintf(stderr, "minifab-sim did not start (%s)\n", line);
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return -1;
    }
    *port = atoi(p + strlen("plc=127.0.0.1:"));
    return pid;
}

static long bench_rtu(const char *io_path, double seconds)
{
    modbus_t *ctx = modbus_new_rtu(io_path, MF_IO_BAUD, 'N', 8, 1);
    modbus_set_slave(ctx, MF_IO_UNIT_ID);
    if (!ctx || modbus_connect(ctx) != 0) {
        fprintf(stderr, "cannot open %s: %s\n", io_path, modbus_strerror(errno));
        if (ctx)
            modbus_free(ctx);
        return 1;
    }
    uint16_t regs[MF_IO_IR_COUNT];
    uint8_t bits[MF_IO_DI_COUNT];
    long done = 0, errors = 0;
    usleep(100000); /* the module sees the port open */
    double t0 = now_s(), end = t0 + seconds;
    while (now_s() < end) {
        if (modbus_read_input_registers(ctx, 0, MF_IO_IR_COUNT, regs) != MF_IO_IR_COUNT)
            errors++;
        if (modbus_read_input_bits(ctx, 0, 2, bits) != 2)
            errors++;
        done += 2;
    }
    double took = now_s() - t0;
    double wire_ir = (8.0 + 5 + 2 * MF_IO_IR_COUNT) * 10 / MF_IO_BAUD + 0.00175;
    double wire_di = (8.0 + 6) * 10 / MF_IO_BAUD + 0.00175;
    printf("%-26s %9.1f transactions/s  mean %.2f ms  (wire time alone: %.2f ms for 8 IR, %.2f ms "
           "for 2 DI)  errors %ld\n",
           "I/O module, RTU on pty", done / took, took / done * 1e3, wire_ir * 1e3, wire_di * 1e3,
           errors);
    modbus_close(ctx);
    modbus_free(ctx);
    return errors;
}

int main(int argc, char **argv)
{
    double seconds = 2.0;
    int clients = 8, regs = 125;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc)
            clients = atoi(argv[++i]);
        else if (strcmp(argv[i], "--regs") == 0 && i + 1 < argc)
            regs = atoi(argv[++i]);
        else {
            printf("usage: minifab-sim-bench [--seconds S] [--clients N] [--regs N]\n");
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    if (seconds <= 0 || clients < 1 || clients > 64 || regs < 1 || regs > 125) {
        fprintf(stderr, "minifab-sim-bench: bad argument\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int port = 0;
    char io_path[256];
    pid_t sim = start_sim(argv[0], &port, io_path, sizeof io_path);
    if (sim < 0)
        return 1;
    ref_server_t ref = {.listen_fd = -1};
    int ref_port = 0;
    ref.listen_fd = ref_listen(&ref_port);
    pthread_t ref_th;
    pthread_create(&ref_th, NULL, ref_server_thread, &ref);

    printf("minifab-sim-bench: %.1f s per run, FC04 reads of input registers from 0, loopback\n",
           seconds);
    long errors = 0;
    /* Warm-up (connections, caches, the simulator's first scans): not shown. */
    int saved = dup(STDOUT_FILENO), devnull = open("/dev/null", O_WRONLY);
    fflush(stdout);
    dup2(devnull, STDOUT_FILENO);
    run_clients("warm-up", port, 1, 10, 0.5);
    run_clients("warm-up", ref_port, 1, 10, 0.5);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(devnull);
    errors += run_clients("minifab-sim PLC", port, 1, 10, seconds);
    errors += run_clients("libmodbus server loop", ref_port, 1, 10, seconds);
    errors += run_clients("minifab-sim PLC", port, 1, regs, seconds);
    errors += run_clients("libmodbus server loop", ref_port, 1, regs, seconds);
    errors += run_clients("minifab-sim PLC", port, clients, regs, seconds);
    errors += run_clients("libmodbus server loop", ref_port, clients, regs, seconds);
    errors += bench_rtu(io_path, seconds);

    ref.stop = 1;
    pthread_join(ref_th, NULL); /* it closed its sockets */
    kill(sim, SIGTERM);
    int status = 0;
    waitpid(sim, &status, 0);
    char *slash = strrchr(io_path, '/');
    if (slash) {
        *slash = '\0';
        rmdir(io_path);
    }
    return errors ? 1 : 0;
}

/*
 * plc_server.c - the line PLC on the network: a Modbus TCP server (libmodbus)
 * for several clients at once, in front of plc_model. One thread, one poll()
 * loop over the listening socket and every client, as libmodbus's own
 * multi-client example does; the model is stepped once per 10 ms scan and
 * rendered into a modbus_mapping_t that modbus_reply answers reads from.
 *
 * Writes are not left to modbus_reply alone: holding-register writes go
 * through plc_model_write_holding first, which enforces the mailbox rules of
 * REGISTERS.md (answering exception 3 or 6 when refused); coil writes become
 * push-button presses. FC22/FC23 are refused (exception 1) so the mailbox
 * rules cannot be bypassed.
 */
#include "sim.h"

#include "mf_error.h"
#include "mf_log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <modbus.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PLC_MAX_CLIENTS 64
#define PLC_SCAN_MS 10

static int plc_listen(const char *host, int port, int *bound_port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return mf_error_from_errno(errno);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        close(fd);
        return MF_EINVAL;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 32) != 0) {
        int err = errno;
        close(fd);
        return mf_error_from_errno(err);
    }
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0 && bound_port)
        *bound_port = ntohs(sa.sin_port);
    return fd;
}

int plc_server_prepare(sim_world_t *w)
{
    int port = w->opt.plc_port;
    int fd = plc_listen(w->opt.plc_host, port, &port);
    if (fd < 0) {
        mf_log_error("plc", "cannot listen on %s:%d: %s", w->opt.plc_host, w->opt.plc_port,
                     mf_strerror(fd));
        return fd;
    }
    w->opt.plc_port = port; /* the real one when 0 was asked */
    w->plc_listen_fd = fd;
    return 0;
}

typedef struct {
    sim_world_t *w;
    modbus_t *ctx;
    modbus_mapping_t *map;
    int listen_fd;
    int clients[PLC_MAX_CLIENTS];
    unsigned nclients;
    unsigned changes_seen; /* world->changes when last rendered */
} plc_server_t;

/* Copies the model's registers into the mapping modbus_reply reads. */
static void plc_publish(plc_server_t *s)
{
    plc_regs_t regs;
    pthread_mutex_lock(&s->w->lock);
    plc_model_render(s->w->plc, &regs);
    pthread_mutex_unlock(&s->w->lock);
    memcpy(s->map->tab_bits, regs.co, sizeof regs.co);
    memcpy(s->map->tab_input_bits, regs.di, sizeof regs.di);
    memcpy(s->map->tab_registers, regs.hr, sizeof regs.hr);
    memcpy(s->map->tab_input_registers, regs.ir, sizeof regs.ir);
}

static void plc_close_client(plc_server_t *s, unsigned i)
{
    close(s->clients[i]);
    s->clients[i] = s->clients[--s->nclients];
}

static void plc_close_all(plc_server_t *s)
{
    while (s->nclients)
        plc_close_client(s, 0);
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        s->listen_fd = -1;
    }
}

static void plc_accept(plc_server_t *s)
{
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (s->nclients == PLC_MAX_CLIENTS) {
        mf_log_warn("plc", "too many clients (%d), refusing one", PLC_MAX_CLIENTS);
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    s->clients[s->nclients++] = fd;
    mf_log_debug("plc", "client connected (%u now)", s->nclients);
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* Handles one request already read into q (length len). */
static void plc_handle(plc_server_t *s, const uint8_t *q, int len)
{
    int hl = modbus_get_header_length(s->ctx);
    if (len < hl + 1)
        return;
    uint8_t unit = q[hl - 1];
    uint8_t fc = q[hl];
    if (unit != MF_PLC_UNIT_ID && unit != 0xFF && unit != 0) {
        modbus_reply_exception(s->ctx, q, MODBUS_EXCEPTION_GATEWAY_TARGET);
        return;
    }
    pthread_mutex_lock(&s->w->lock);
    unsigned delay = s->w->delay_ms[SIM_DEV_PLC];
    pthread_mutex_unlock(&s->w->lock);
    if (delay) {
        /* An overloaded PLC: every client waits, as behind one CPU. */
        struct timespec ts = {.tv_sec = delay / 1000, .tv_nsec = (long)(delay % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    uint64_t now = sim_now_ms();
    switch (fc) {
    case MODBUS_FC_WRITE_SINGLE_COIL:
    case MODBUS_FC_WRITE_MULTIPLE_COILS: {
        if (len < hl + 5)
            break;
        unsigned addr = be16(q + hl + 1);
        unsigned count = fc == MODBUS_FC_WRITE_SINGLE_COIL ? 1 : be16(q + hl + 3);
        if (modbus_reply(s->ctx, q, len, s->map) < 0 || count == 0 ||
            addr + count > MF_PLC_CO_COUNT)
            return; /* modbus_reply already answered the exception */
        pthread_mutex_lock(&s->w->lock);
        for (unsigned a = addr; a < addr + count; a++) {
            if (s->map->tab_bits[a])
                plc_model_press_coil(s->w->plc, a, now);
        }
        pthread_mutex_unlock(&s->w->lock);
        plc_publish(s);
        return;
    }
    case MODBUS_FC_WRITE_SINGLE_REGISTER:
    case MODBUS_FC_WRITE_MULTIPLE_REGISTERS: {
        if (len < hl + 5)
            break;
        unsigned addr = be16(q + hl + 1);
        uint16_t values[MF_PLC_HR_COUNT];
        unsigned count;
        if (fc == MODBUS_FC_WRITE_SINGLE_REGISTER) {
            count = 1;
            values[0] = be16(q + hl + 3);
        } else {
            count = be16(q + hl + 3);
            /* Malformed counts are left to modbus_reply, which answers them. */
            if (count == 0 || count > MF_PLC_HR_COUNT || len < hl + 6 + (int)count * 2 ||
                q[hl + 5] != count * 2)
                break;
            for (unsigned i = 0; i < count; i++)
                values[i] = be16(q + hl + 6 + 2 * i);
        }
        pthread_mutex_lock(&s->w->lock);
        int exc = plc_model_write_holding(s->w->plc, addr, count, values, now);
        pthread_mutex_unlock(&s->w->lock);
        if (exc != 0) {
            modbus_reply_exception(s->ctx, q, (unsigned)exc);
            return;
        }
        plc_publish(s);
        modbus_reply(s->ctx, q, len, s->map);
        return;
    }
    case MODBUS_FC_MASK_WRITE_REGISTER:
    case MODBUS_FC_WRITE_AND_READ_REGISTERS:
        modbus_reply_exception(s->ctx, q, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
        return;
    default:
        break;
    }
    modbus_reply(s->ctx, q, len, s->map);
}

void *plc_server_thread(void *arg)
{
    plc_server_t srv = {.w = arg, .listen_fd = -1};
    plc_server_t *s = &srv;
    sim_world_t *w = s->w;
    uint8_t *query = malloc(MODBUS_TCP_MAX_ADU_LENGTH);
    s->ctx = modbus_new_tcp(w->opt.plc_host, w->opt.plc_port);
    s->map = modbus_mapping_new(MF_PLC_CO_COUNT, MF_PLC_DI_COUNT, MF_PLC_HR_COUNT, MF_PLC_IR_COUNT);
    if (!query || !s->ctx || !s->map) {
        mf_log_error("plc", "out of memory");
        goto done;
    }
    /* A client that sends half a frame stalls every client while libmodbus
     * waits for the rest: keep that wait short. */
    modbus_set_byte_timeout(s->ctx, 0, 50000);
    s->listen_fd = w->plc_listen_fd;
    w->plc_listen_fd = -1;
    mf_log_info("plc", "Modbus TCP server on %s:%d, unit %d", w->opt.plc_host, w->opt.plc_port,
                MF_PLC_UNIT_ID);

    uint64_t last_scan = 0;
    sim_drop_mode_t was = SIM_DROP_NONE;
    for (;;) {
        uint64_t now = sim_now_ms();
        pthread_mutex_lock(&w->lock);
        sim_drop_mode_t drop = sim_dropped(w, SIM_DEV_PLC, now);
        int stopping = w->stopping;
        if (now - last_scan >= PLC_SCAN_MS) {
            plc_model_step(w->plc, now);
            last_scan = now;
        }
        pthread_mutex_unlock(&w->lock);
        if (stopping)
            break;
        if (drop != was) {
            mf_log_info("plc", "%s",
                        drop == SIM_DROP_CLOSE  ? "off the bus: sockets closed"
                        : drop == SIM_DROP_MUTE ? "off the bus: not answering"
                                                : "back on the bus");
            was = drop;
        }
        if (drop == SIM_DROP_CLOSE && s->listen_fd >= 0)
            plc_close_all(s);
        if (drop != SIM_DROP_CLOSE && s->listen_fd < 0) {
            int fd = plc_listen(w->opt.plc_host, w->opt.plc_port, NULL);
            if (fd >= 0)
                s->listen_fd = fd;
            else
                mf_log_warn("plc", "cannot listen again: %s", mf_strerror(fd));
        }
        if (last_scan == now)
            plc_publish(s);

        struct pollfd pfd[PLC_MAX_CLIENTS + 2];
        unsigned n = 0;
        pfd[n++] = (struct pollfd){.fd = w->stop_fd, .events = POLLIN};
        int lidx = -1;
        if (s->listen_fd >= 0) {
            lidx = (int)n;
            pfd[n++] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
        }
        unsigned first_client = n;
        for (unsigned i = 0; i < s->nclients; i++)
            pfd[n++] = (struct pollfd){.fd = s->clients[i], .events = POLLIN};
        uint64_t after = sim_now_ms() - last_scan;
        int timeout = after >= PLC_SCAN_MS ? 0 : (int)(PLC_SCAN_MS - after);
        int rc = poll(pfd, n, timeout);
        if (rc < 0 && errno != EINTR) {
            mf_log_error("plc", "poll: %s", strerror(errno));
            break;
        }
        if (rc <= 0)
            continue;
        if (pfd[0].revents)
            break;
        /* Clients from the last one down, so closing one keeps indexes valid. */
        for (unsigned i = s->nclients; i-- > 0;) {
            short ev = pfd[first_client + i].revents;
            if (!ev)
                continue;
            modbus_set_socket(s->ctx, s->clients[i]);
            int len = modbus_receive(s->ctx, query);
            if (len < 0) {
                plc_close_client(s, i);
                continue;
            }
            if (len == 0)
                continue;
            /* The drop state read before poll() may be older than a control
             * command that came during it: look again for each request. */
            pthread_mutex_lock(&w->lock);
            drop = sim_dropped(w, SIM_DEV_PLC, sim_now_ms());
            unsigned changes = w->changes;
            pthread_mutex_unlock(&w->lock);
            if (drop != SIM_DROP_NONE)
                continue;
            if (changes != s->changes_seen) {
                /* e-stop, faults... from the control socket show at once */
                s->changes_seen = changes;
                plc_publish(s);
            }
            plc_handle(s, query, len);
        }
        if (lidx >= 0 && (pfd[lidx].revents & POLLIN))
            plc_accept(s);
    }
done:
    plc_close_all(s);
    if (s->ctx) {
        modbus_set_socket(s->ctx, -1);
        modbus_free(s->ctx);
    }
    if (s->map)
        modbus_mapping_free(s->map);
    free(query);
    mf_log_info("plc", "server stopped");
    return NULL;
}

/*
 * plc_server.c - the line PLC on the network: a Modbus TCP server (libmodbus)
 * for several clients at once, in front of plc_model. One thread, one poll()
 * loop over the listening socket and every client. The model is stepped once
 * per scan and rendered into a modbus_mapping_t that modbus_reply answers
 * reads from.
 *
 * Two ways to publish (REGISTERS.md, "Timing"): by default the scan is 10 ms
 * and a write's effect is rendered at once; with --scan-ms N the PLC behaves
 * as a real one, copying its registers only at the end of each N ms scan, so
 * a mailbox answer or an owner echo shows up to one scan late.
 *
 * Frames are assembled per client from whatever bytes arrived (the MBAP
 * header gives the length), never by a blocking modbus_receive: a client
 * sending one byte every 30 ms delays nobody. A client silent for
 * --plc-idle S (60 s) is closed, and when all 64 places are taken the one
 * silent longest makes room for the newcomer, so idle connections never lock
 * real clients out.
 *
 * Writes are not left to modbus_reply alone: holding-register writes go
 * through plc_model_write_holding first, which enforces the mailbox rules of
 * REGISTERS.md (answering exception 2, 3 or 6 when refused); coil writes
 * become push-button presses (reserved coils: exception 2). FC22/FC23 are
 * refused (exception 1) so the mailbox rules cannot be bypassed.
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
#define PLC_SCAN_MS 10            /* the default scan, inputs rendered after each write */
#define PLC_FRAME_TIMEOUT_MS 2000 /* a frame begun and not finished in this long: closed */
#define PLC_MBAP_LEN 7            /* transaction, protocol, length, unit */

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
    int fd;
    uint64_t last_rx_ms;    /* last byte received (or accept) */
    uint64_t frame_from_ms; /* first byte of the frame being assembled */
    size_t len;
    uint8_t buf[MODBUS_TCP_MAX_ADU_LENGTH];
} plc_client_t;

typedef struct {
    sim_world_t *w;
    modbus_t *ctx;
    modbus_mapping_t *map;
    int listen_fd;
    plc_client_t *clients[PLC_MAX_CLIENTS];
    unsigned nclients;
    unsigned changes_seen; /* world->changes when last rendered */
    unsigned scan_ms;      /* 0: PLC_SCAN_MS, writes rendered at once */
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
    close(s->clients[i]->fd);
    free(s->clients[i]);
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

static void plc_accept(plc_server_t *s, uint64_t now)
{
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    plc_client_t *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return;
    }
    if (s->nclients == PLC_MAX_CLIENTS) {
        /* Full: the client silent longest makes room (a real client polls). */
        unsigned oldest = 0;
        for (unsigned i = 1; i < s->nclients; i++) {
            if (s->clients[i]->last_rx_ms < s->clients[oldest]->last_rx_ms)
                oldest = i;
        }
        mf_log_warn("plc", "%d clients: closing the one silent for %llu ms", PLC_MAX_CLIENTS,
                    (unsigned long long)(now - s->clients[oldest]->last_rx_ms));
        plc_close_client(s, oldest);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->last_rx_ms = now;
    s->clients[s->nclients++] = c;
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
        if (count >= 1 && addr + count <= MF_PLC_CO_COUNT && addr + count > MF_PLC_CO_CMD_ACK + 1) {
            /* Reserved coils 4..7: refused whole, no button pressed. */
            modbus_reply_exception(s->ctx, q, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
            return;
        }
        if (modbus_reply(s->ctx, q, len, s->map) < 0 || count == 0 ||
            addr + count > MF_PLC_CO_COUNT)
            return; /* modbus_reply already answered the exception */
        pthread_mutex_lock(&s->w->lock);
        for (unsigned a = addr; a < addr + count; a++) {
            if (s->map->tab_bits[a])
                plc_model_press_coil(s->w->plc, a, now);
        }
        pthread_mutex_unlock(&s->w->lock);
        if (!s->scan_ms)
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
        if (!s->scan_ms)
            plc_publish(s); /* else the answer shows at the end of the scan */
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

/* Reads what CLIENT sent and handles every complete frame. Returns -1 when
 * the client must be closed (gone, or a frame no Modbus TCP client sends). */
static int plc_client_read(plc_server_t *s, plc_client_t *c, uint64_t now)
{
    ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, MSG_DONTWAIT);
    if (r == 0)
        return -1;
    if (r < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    if (c->len == 0)
        c->frame_from_ms = now;
    c->len += (size_t)r;
    c->last_rx_ms = now;
    sim_world_t *w = s->w;
    while (c->len >= PLC_MBAP_LEN) {
        unsigned pdu = be16(c->buf + 4); /* unit id + PDU */
        if (be16(c->buf + 2) != 0 || pdu < 2 || 6 + pdu > sizeof c->buf)
            return -1; /* not Modbus TCP */
        size_t frame = 6 + pdu;
        if (c->len < frame)
            break;
        /* The drop state read before poll() may be older than a control
         * command that came during it: look again for each request. */
        pthread_mutex_lock(&w->lock);
        sim_drop_mode_t drop = sim_dropped(w, SIM_DEV_PLC, sim_now_ms());
        unsigned changes = w->changes;
        pthread_mutex_unlock(&w->lock);
        if (drop == SIM_DROP_NONE) {
            if (changes != s->changes_seen && !s->scan_ms) {
                /* e-stop, faults... from the control socket show at once */
                s->changes_seen = changes;
                plc_publish(s);
            }
            modbus_set_socket(s->ctx, c->fd);
            plc_handle(s, c->buf, (int)frame);
        }
        memmove(c->buf, c->buf + frame, c->len - frame);
        c->len -= frame;
        c->frame_from_ms = now;
    }
    return 0;
}

void *plc_server_thread(void *arg)
{
    plc_server_t srv = {.w = arg, .listen_fd = -1};
    plc_server_t *s = &srv;
    sim_world_t *w = s->w;
    s->ctx = modbus_new_tcp(w->opt.plc_host, w->opt.plc_port);
    s->map = modbus_mapping_new(MF_PLC_CO_COUNT, MF_PLC_DI_COUNT, MF_PLC_HR_COUNT, MF_PLC_IR_COUNT);
    if (!s->ctx || !s->map) {
        mf_log_error("plc", "out of memory");
        goto done;
    }
    s->scan_ms = w->opt.plc_scan_ms;
    unsigned scan = s->scan_ms ? s->scan_ms : PLC_SCAN_MS;
    uint64_t idle_ms = (uint64_t)(w->opt.plc_idle_s ? w->opt.plc_idle_s : 60) * 1000u;
    s->listen_fd = w->plc_listen_fd;
    w->plc_listen_fd = -1;
    mf_log_info("plc", "Modbus TCP server on %s:%d, unit %d, scan %u ms%s", w->opt.plc_host,
                w->opt.plc_port, MF_PLC_UNIT_ID, scan,
                s->scan_ms ? " (inputs copied once per scan)" : "");

    uint64_t last_scan = 0;
    sim_drop_mode_t was = SIM_DROP_NONE;
    for (;;) {
        uint64_t now = sim_now_ms();
        pthread_mutex_lock(&w->lock);
        sim_drop_mode_t drop = sim_dropped(w, SIM_DEV_PLC, now);
        int stopping = w->stopping;
        int scanned = 0;
        if (now - last_scan >= scan) {
            plc_model_step(w->plc, now);
            last_scan = now;
            scanned = 1;
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
        if (scanned)
            plc_publish(s);
        /* Idle clients and frames left half-sent are closed. */
        for (unsigned i = s->nclients; i-- > 0;) {
            const plc_client_t *c = s->clients[i];
            if (now - c->last_rx_ms >= idle_ms) {
                mf_log_info("plc", "closing a client silent for %llu s",
                            (unsigned long long)((now - c->last_rx_ms) / 1000u));
                plc_close_client(s, i);
            } else if (c->len > 0 && now - c->frame_from_ms >= PLC_FRAME_TIMEOUT_MS) {
                mf_log_info("plc", "closing a client that left a frame unfinished");
                plc_close_client(s, i);
            }
        }

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
            pfd[n++] = (struct pollfd){.fd = s->clients[i]->fd, .events = POLLIN};
        uint64_t after = sim_now_ms() - last_scan;
        int timeout = after >= scan ? 0 : (int)(scan - after);
        int rc = poll(pfd, n, timeout);
        if (rc < 0 && errno != EINTR) {
            mf_log_error("plc", "poll: %s", strerror(errno));
            break;
        }
        if (rc <= 0)
            continue;
        if (pfd[0].revents)
            break;
        now = sim_now_ms();
        /* Clients from the last one down, so closing one keeps indexes valid. */
        for (unsigned i = s->nclients; i-- > 0;) {
            if (pfd[first_client + i].revents && plc_client_read(s, s->clients[i], now) < 0)
                plc_close_client(s, i);
        }
        if (lidx >= 0 && (pfd[lidx].revents & POLLIN))
            plc_accept(s, now);
    }
done:
    plc_close_all(s);
    if (s->ctx) {
        modbus_set_socket(s->ctx, -1);
        modbus_free(s->ctx);
    }
    if (s->map)
        modbus_mapping_free(s->map);
    mf_log_info("plc", "server stopped");
    return NULL;
}

/*
 * io_server.c - the remote I/O module: a Modbus RTU slave (libmodbus, unit 2)
 * on a pseudo-terminal, holding the stack-light outputs and reporting the
 * start button and the emergency-stop chain (REGISTERS.md, "Remote I/O").
 *
 * A pty moves bytes instantly, so the answer is delayed by the time the
 * request and the answer would take on a 115200-baud 8N1 line (10 bits a
 * byte) plus the 1.75 ms inter-frame silence Modbus fixes above 19200 baud.
 * libmodbus reads and writes the pty master through modbus_set_socket; the
 * RTU context is never "connected", so it never touches the termios.
 */
#include "sim.h"

#include "sim_pty.h"

#include "mf_log.h"

#include <errno.h>
#include <modbus.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IO_T35_US 1750u

static void io_line_delay(unsigned bytes, unsigned extra_ms)
{
    uint64_t us = (uint64_t)bytes * 10u * 1000000u / MF_IO_BAUD + IO_T35_US + extra_ms * 1000u;
    struct timespec ts = {.tv_sec = (time_t)(us / 1000000u),
                          .tv_nsec = (long)(us % 1000000u) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* World image -> mapping (under lock). */
static void io_load(const sim_io_t *io, modbus_mapping_t *map)
{
    uint16_t outputs = 0, inputs = 0;
    for (unsigned i = 0; i < MF_IO_CO_COUNT; i++) {
        map->tab_bits[i] = io->coils[i];
        outputs |= (uint16_t)(io->coils[i] ? 1u << i : 0);
    }
    memset(map->tab_input_bits, 0, MF_IO_DI_COUNT);
    map->tab_input_bits[MF_IO_DI_START_BUTTON] = io->start_button;
    map->tab_input_bits[MF_IO_DI_ESTOP_OK] = io->estop_ok;
    for (unsigned i = 0; i < MF_IO_DI_COUNT; i++)
        inputs |= (uint16_t)(map->tab_input_bits[i] ? 1u << i : 0);
    memcpy(map->tab_registers, io->hr_spare, sizeof io->hr_spare);
    map->tab_registers[MF_IO_HR_OUTPUTS] = outputs;
    memset(map->tab_input_registers, 0, MF_IO_IR_COUNT * sizeof(uint16_t));
    map->tab_input_registers[MF_IO_IR_INPUTS] = inputs;
    map->tab_input_registers[MF_IO_IR_MODULE_ID] = MF_IO_MODULE_ID;
    map->tab_input_registers[MF_IO_IR_FIRMWARE] = 0x0100;
    map->tab_input_registers[MF_IO_IR_START_COUNT] = io->start_count;
    map->tab_input_registers[MF_IO_IR_ESTOP_COUNT] = io->estop_count;
}

/* Mapping -> world image after a write (under lock). */
static void io_store(sim_io_t *io, const modbus_mapping_t *map, uint8_t fc)
{
    uint16_t before = 0;
    for (unsigned i = 0; i < MF_IO_CO_COUNT; i++)
        before |= (uint16_t)(io->coils[i] ? 1u << i : 0);
    if (fc == MODBUS_FC_WRITE_SINGLE_REGISTER || fc == MODBUS_FC_WRITE_MULTIPLE_REGISTERS) {
        uint16_t outputs = map->tab_registers[MF_IO_HR_OUTPUTS];
        for (unsigned i = 0; i < MF_IO_CO_COUNT; i++)
            io->coils[i] = (uint8_t)((outputs >> i) & 1u);
        memcpy(io->hr_spare, map->tab_registers, sizeof io->hr_spare);
        io->hr_spare[MF_IO_HR_OUTPUTS] = 0;
    } else {
        for (unsigned i = 0; i < MF_IO_CO_COUNT; i++)
            io->coils[i] = map->tab_bits[i] ? 1 : 0;
    }
    uint16_t after = 0;
    for (unsigned i = 0; i < MF_IO_CO_COUNT; i++)
        after |= (uint16_t)(io->coils[i] ? 1u << i : 0);
    if (after != before)
        mf_log_debug("io", "stack light green=%d orange=%d red=%d buzzer=%d",
                     io->coils[MF_IO_CO_GREEN], io->coils[MF_IO_CO_ORANGE], io->coils[MF_IO_CO_RED],
                     io->coils[MF_IO_CO_BUZZER]);
}

static int io_wait_stop(sim_world_t *w, int ms)
{
    struct pollfd p = {.fd = w->stop_fd, .events = POLLIN};
    return poll(&p, 1, ms) > 0;
}

void *io_server_thread(void *arg)
{
    sim_world_t *w = arg;
    int master = w->io_master;
    int pair[2] = {-1, -1};
    uint8_t *query = malloc(MODBUS_RTU_MAX_ADU_LENGTH);
    modbus_t *ctx = modbus_new_rtu("/dev/null", MF_IO_BAUD, 'N', 8, 1);
    modbus_mapping_t *map =
        modbus_mapping_new(MF_IO_CO_COUNT, MF_IO_DI_COUNT, MF_IO_HR_COUNT, MF_IO_IR_COUNT);
    if (!query || !ctx || !map) {
        mf_log_error("io", "out of memory");
        goto done;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        mf_log_error("io", "socketpair: %s", strerror(errno));
        goto done;
    }
    modbus_set_slave(ctx, MF_IO_UNIT_ID);
    modbus_set_byte_timeout(ctx, 0, 50000);
    modbus_set_socket(ctx, master);
    mf_log_info("io", "Modbus RTU slave %d on %s, 115200 8N1", MF_IO_UNIT_ID, w->opt.io_pty);

    int peer_was_open = 0;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        sim_drop_mode_t drop = sim_dropped(w, SIM_DEV_IO, sim_now_ms());
        pthread_mutex_unlock(&w->lock);
        if (sim_pty_unplug_step(w, drop, w->opt.io_pty, &master, &w->io_master, "io") != 0) {
            if (io_wait_stop(w, 20))
                break;
            continue;
        }
        modbus_set_socket(ctx, master);
        int peer = sim_pty_peer_open(master);
        if (peer != peer_was_open) {
            mf_log_info("io", "%s", peer ? "port opened by a client" : "port closed by its client");
            peer_was_open = peer;
        }
        if (!peer) {
            if (io_wait_stop(w, 20))
                break;
            continue;
        }
        struct pollfd pfd[2] = {{.fd = w->stop_fd, .events = POLLIN},
                                {.fd = master, .events = POLLIN}};
        int rc = poll(pfd, 2, 100);
        if (rc < 0 && errno != EINTR)
            break;
        if (pfd[0].revents)
            break;
        if (rc <= 0 || !(pfd[1].revents & POLLIN))
            continue;
        int len = modbus_receive(ctx, query);
        if (len < 0) {
            mf_log_debug("io", "bad frame: %s", modbus_strerror(errno));
            modbus_flush(ctx);
            continue;
        }
        if (len == 0) {
            /* Another slave's request. libmodbus now expects that slave's
             * answer on the bus and would swallow the next frame; nobody
             * else answers on this pty, so start from a fresh context. */
            modbus_t *fresh = modbus_new_rtu("/dev/null", MF_IO_BAUD, 'N', 8, 1);
            if (fresh) {
                modbus_set_socket(ctx, -1);
                modbus_free(ctx);
                ctx = fresh;
                modbus_set_slave(ctx, MF_IO_UNIT_ID);
                modbus_set_byte_timeout(ctx, 0, 50000);
            }
            continue;
        }
        uint64_t now = sim_now_ms();
        pthread_mutex_lock(&w->lock);
        int muted = sim_dropped(w, SIM_DEV_IO, now) != SIM_DROP_NONE;
        unsigned extra_ms = w->delay_ms[SIM_DEV_IO];
        int corrupt = w->corrupt_left[SIM_DEV_IO] > 0;
        if (corrupt && !muted)
            w->corrupt_left[SIM_DEV_IO]--;
        io_load(&w->io, map);
        pthread_mutex_unlock(&w->lock);
        if (muted)
            continue;
        /* The answer is made into a socket pair, so it can be timed as the
         * line would carry it, and damaged when a test asks for it. */
        modbus_set_socket(ctx, pair[0]);
        int sent = modbus_reply(ctx, query, len, map);
        modbus_set_socket(ctx, master);
        uint8_t fc = query[1];
        if (sent >= 0 &&
            (fc == MODBUS_FC_WRITE_SINGLE_COIL || fc == MODBUS_FC_WRITE_MULTIPLE_COILS ||
             fc == MODBUS_FC_WRITE_SINGLE_REGISTER || fc == MODBUS_FC_WRITE_MULTIPLE_REGISTERS)) {
            pthread_mutex_lock(&w->lock);
            io_store(&w->io, map, fc);
            pthread_mutex_unlock(&w->lock);
        }
        uint8_t answer[MODBUS_RTU_MAX_ADU_LENGTH];
        ssize_t alen = sent > 0 ? recv(pair[1], answer, sizeof answer, MSG_DONTWAIT) : -1;
        if (alen <= 0)
            continue; /* a broadcast (slave 0) is applied and not answered */
        if (corrupt)
            answer[alen - 1] ^= 0x5A; /* CRC high byte */
        if (!w->opt.no_rtu_timing || extra_ms)
            io_line_delay(w->opt.no_rtu_timing ? 0 : (unsigned)len + (unsigned)alen, extra_ms);
        if (write(master, answer, (size_t)alen) != alen)
            mf_log_warn("io", "answer lost on the pty");
    }
done:
    if (pair[0] >= 0) {
        close(pair[0]);
        close(pair[1]);
    }
    if (ctx) {
        modbus_set_socket(ctx, -1);
        modbus_free(ctx);
    }
    if (map)
        modbus_mapping_free(map);
    free(query);
    mf_log_info("io", "module stopped");
    return NULL;
}

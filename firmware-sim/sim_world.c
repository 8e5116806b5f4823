/*
 * sim_world.c - the shared world's small helpers (sim.h): clocks, the
 * off-the-bus timers, the e-stop wiring between the I/O module and the PLC,
 * and the stop signal every thread watches.
 */
#include "sim.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

uint64_t sim_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t sim_now_ms(void)
{
    return sim_now_us() / 1000u;
}

sim_drop_mode_t sim_dropped(sim_world_t *w, sim_dev_t dev, uint64_t now_ms)
{
    if (w->drop[dev].mode != SIM_DROP_NONE && now_ms >= w->drop[dev].until_ms)
        w->drop[dev].mode = SIM_DROP_NONE;
    return w->drop[dev].mode;
}

void sim_set_estop(sim_world_t *w, int open, uint64_t now_ms)
{
    uint8_t ok = open ? 0 : 1;
    if (w->io.estop_ok && !ok)
        w->io.estop_count++;
    w->io.estop_ok = ok;
    plc_model_set_estop(w->plc, open, now_ms);
}

void sim_request_stop(sim_world_t *w)
{
    uint64_t one = 1;
    ssize_t r = write(w->stop_fd, &one, sizeof one);
    (void)r;
}

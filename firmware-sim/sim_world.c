/*
 * sim_world.c - the shared world's small helpers (sim.h): clocks, the
 * off-the-bus timers, the e-stop wiring between the I/O module and the PLC,
 * and the stop signal every thread watches.
 */
#include "sim.h"
#include "sim_pty.h"

#include "mf_error.h"
#include "mf_log.h"

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

int sim_pty_unplug_step(sim_world_t *w, sim_drop_mode_t drop, const char *link, int *master,
                        int *world_fd, const char *name)
{
    if (drop == SIM_DROP_CLOSE) {
        if (*master >= 0) {
            pthread_mutex_lock(&w->lock);
            *world_fd = -1;
            pthread_mutex_unlock(&w->lock);
            sim_pty_unlink(link);
            close(*master);
            *master = -1;
            mf_log_info(name, "unplugged: %s removed", link);
        }
        return 1;
    }
    if (*master >= 0)
        return 0;
    int fd = sim_pty_create(link);
    if (fd < 0) {
        mf_log_warn(name, "cannot plug back in: %s", mf_strerror(fd));
        return 1;
    }
    *master = fd;
    pthread_mutex_lock(&w->lock);
    *world_fd = fd;
    pthread_mutex_unlock(&w->lock);
    mf_log_info(name, "plugged back in");
    return 0;
}

/*
 * grbl_port.c - the laser engraver on its serial port: wires grbl_sim to a
 * pseudo-terminal. Bytes from the kiosk are fed with their arrival time; the
 * simulator is advanced in real time and its output written back when its
 * modelled arrival time has come. Opening the port resets the controller (an
 * Arduino resets on DTR), so the kiosk sees the banner on every open.
 */
#include "sim.h"
#include "sim_pty.h"

#include "mf_log.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define GRBL_BOOT_US 50000u /* banner a little after the open, once the peer set its termios */

void *grbl_port_thread(void *arg)
{
    sim_world_t *w = arg;
    int master = w->engraver_master;
    int peer_was_open = 0;
    uint64_t boot_at = 0;
    mf_log_info("engraver", "GRBL 1.1 on %s", w->opt.engraver_pty);
    for (;;) {
        pthread_mutex_lock(&w->lock);
        sim_drop_mode_t drop = sim_dropped(w, SIM_DEV_ENGRAVER, sim_now_ms());
        pthread_mutex_unlock(&w->lock);
        if (sim_pty_unplug_step(w, drop, w->opt.engraver_pty, &master, &w->engraver_master,
                                "engraver") != 0) {
            struct pollfd p = {.fd = w->stop_fd, .events = POLLIN};
            if (poll(&p, 1, 20) > 0)
                break;
            peer_was_open = 0;
            continue;
        }
        int peer = sim_pty_peer_open(master);
        if (peer != peer_was_open) {
            mf_log_info("engraver", "%s", peer ? "port opened: controller resets" : "port closed");
            peer_was_open = peer;
            boot_at = peer ? sim_now_us() + GRBL_BOOT_US : 0;
        }
        if (!peer) {
            struct pollfd p = {.fd = w->stop_fd, .events = POLLIN};
            if (poll(&p, 1, 20) > 0)
                break;
            continue;
        }
        uint64_t now = sim_now_us();
        if (boot_at) {
            /* Booting: what the host sends now is lost, nothing is sent. */
            char junk[256];
            while (read(master, junk, sizeof junk) > 0) {
            }
            if (now < boot_at) {
                struct pollfd p = {.fd = w->stop_fd, .events = POLLIN};
                if (poll(&p, 1, 1) > 0)
                    break;
                continue;
            }
            boot_at = 0;
            pthread_mutex_lock(&w->lock);
            grbl_sim_power_cycle(w->grbl, now);
            pthread_mutex_unlock(&w->lock);
        }
        pthread_mutex_lock(&w->lock);
        uint64_t next = grbl_sim_next_event_us(w->grbl, now);
        pthread_mutex_unlock(&w->lock);
        int timeout = 20;
        if (next != UINT64_MAX)
            timeout = next <= now ? 0 : (int)((next - now + 999) / 1000);
        if (timeout > 20)
            timeout = 20;
        struct pollfd pfd[2] = {{.fd = w->stop_fd, .events = POLLIN},
                                {.fd = master, .events = POLLIN}};
        int rc = poll(pfd, 2, timeout);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && pfd[0].revents)
            break;
        now = sim_now_us();
        char buf[4096];
        ssize_t n = 0;
        if (rc > 0 && (pfd[1].revents & POLLIN))
            n = read(master, buf, sizeof buf);
        pthread_mutex_lock(&w->lock);
        int muted = sim_dropped(w, SIM_DEV_ENGRAVER, now / 1000u) == SIM_DROP_MUTE;
        if (n > 0 && !muted)
            grbl_sim_feed(w->grbl, buf, (size_t)n, now);
        grbl_sim_advance(w->grbl, now);
        size_t out = grbl_sim_take_output(w->grbl, buf, sizeof buf, now);
        pthread_mutex_unlock(&w->lock);
        if (out > 0 && !muted) {
            ssize_t wr = write(master, buf, out);
            if (wr != (ssize_t)out)
                mf_log_warn("engraver", "output lost (%zd of %zu bytes written)", wr, out);
        }
    }
    mf_log_info("engraver", "stopped");
    return NULL;
}

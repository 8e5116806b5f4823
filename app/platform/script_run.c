/*
 * script_run.c - the executor of test scripts (see script_run.h).
 *
 * Gestures are synthesised as the platform would deliver them: a tap is a
 * pointer down and up at the target's centre; a long press holds the pointer
 * while the kiosk's clock advances; a swipe moves in steps. After each
 * gesture or key the screen settles: the clock advances by the length of a
 * screen transition, so a following `shot` shows the new screen, not a slide.
 */
#include "script_run.h"

#include "mf_error.h"
#include "mf_log.h"

#include <SDL.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SCRIPT_DUMP_MAX 32768

static void settle(app_t *a)
{
    for (int i = 0; i < 4; i++) {
        app_advance_clock(a, KIOSK_TRANSITION_MS / 4 + 1);
        app_pump(a, 0);
    }
}

/* Sends CMD to minifab-sim's control socket and reads its answer up to
 * "ok" or "error: ..." (REPLY). Returns 0 on "ok". */
static int sim_command(const char *cmd, char *reply, size_t size)
{
    const char *path = getenv("MINIFAB_SIM_CONTROL");
    reply[0] = '\0';
    if (!path || !path[0]) {
        snprintf(reply, size, "no simulator (MINIFAB_SIM_CONTROL unset: run with --sim)");
        return MF_ENOENT;
    }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        snprintf(reply, size, "cannot reach %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return MF_EIO;
    }
    char line[SCRIPT_ARG_MAX + 2];
    int n = snprintf(line, sizeof line, "%s\n", cmd);
    int rc = write(fd, line, (size_t)n) == n ? MF_OK : MF_EIO;
    size_t got = 0;
    while (rc == MF_OK && got + 1 < size) {
        ssize_t r = read(fd, reply + got, size - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        reply[got] = '\0';
        if (strstr(reply, "ok\n") || strstr(reply, "error"))
            break;
    }
    close(fd);
    if (rc == MF_OK && !strstr(reply, "ok\n"))
        rc = MF_EIO;
    return rc;
}

static void pointer(app_t *a, mf_event_type_t type, float ux, float uy)
{
    mf_event_t ev = {.type = type, .pointer = MF_POINTER_MOUSE, .x = ux, .y = uy};
    app_feed(a, &ev);
    app_pump(a, 0);
}

static void print_screen(app_t *a, FILE *out)
{
    static char buf[SCRIPT_DUMP_MAX];
    view_dump(app_view(a), buf, sizeof buf);
    fputs(buf, out);
}

/* Resolves a target to a point in units; on failure prints why. */
static int resolve(app_t *a, const script_t *s, const script_cmd_t *c, float *ux, float *uy)
{
    const script_target_t *t = &c->target;
    const view_t *v = app_view(a);
    const view_widget_t *w = NULL;
    switch (t->kind) {
    case SCRIPT_TARGET_POINT: {
        float k = app_units_per_pixel(a);
        *ux = t->x * k;
        *uy = t->y * k;
        return MF_OK;
    }
    case SCRIPT_TARGET_ID:
        w = view_find_id(v, t->text);
        break;
    case SCRIPT_TARGET_LABEL:
        w = view_find_label(v, t->text);
        break;
    }
    if (!w) {
        fprintf(stderr, "%s:%d: no widget %s%s%s on screen '%s'; on screen:\n", s->name, c->line,
                t->kind == SCRIPT_TARGET_ID ? "#" : "\"", t->text,
                t->kind == SCRIPT_TARGET_ID ? "" : "\"", v->screen);
        print_screen(a, stderr);
        return MF_ENOENT;
    }
    *ux = w->rect.x + w->rect.w / 2.0f;
    *uy = w->rect.y + w->rect.h / 2.0f;
    return MF_OK;
}

static void real_wait(app_t *a, long ms)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long el = (t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L;
        if (el >= ms)
            break;
        /* the same waits as the kiosk's own loop, so a scripted run draws
         * exactly the frames a visitor's would (and costs the same CPU) */
        long left = ms - el;
        int wait = app_wait_ms(a);
        app_pump(a, (int)(left < wait ? left : wait));
    }
}

static int shot(app_t *a, const script_t *s, const script_cmd_t *c, const char *dir)
{
    char path[1024];
    if (!dir) {
        fprintf(stderr, "%s:%d: 'shot' needs --shots DIR\n", s->name, c->line);
        return MF_EINVAL;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s:%d: cannot create %s: %s\n", s->name, c->line, dir, strerror(errno));
        return MF_EIO;
    }
    snprintf(path, sizeof path, "%s/%s.png", dir, c->arg);
    app_draw(a);
    int rc = app_save_png(a, path);
    app_present(a);
    if (rc != MF_OK)
        fprintf(stderr, "%s:%d: cannot save %s: %s\n", s->name, c->line, path, mf_strerror(rc));
    return rc;
}

int script_run(app_t *a, const script_t *s, const char *shots_dir)
{
    int failures = 0, rc = MF_OK;
    for (size_t i = 0; i < s->count && rc == MF_OK; i++) {
        const script_cmd_t *c = &s->cmds[i];
        float x = 0, y = 0;
        app_pump(a, 0);
        switch (c->op) {
        case SCRIPT_TAP:
            if ((rc = resolve(a, s, c, &x, &y)) != MF_OK)
                break;
            pointer(a, MF_EV_POINTER_DOWN, x, y);
            app_advance_clock(a, 60);
            pointer(a, MF_EV_POINTER_UP, x, y);
            settle(a);
            break;
        case SCRIPT_LONGPRESS:
            if ((rc = resolve(a, s, c, &x, &y)) != MF_OK)
                break;
            pointer(a, MF_EV_POINTER_DOWN, x, y);
            for (long left = c->ms; left > 0; left -= 50) {
                app_advance_clock(a, left < 50 ? left : 50);
                app_pump(a, 0);
            }
            pointer(a, MF_EV_POINTER_UP, x, y);
            settle(a);
            break;
        case SCRIPT_SWIPE: {
            float k = app_units_per_pixel(a);
            pointer(a, MF_EV_POINTER_DOWN, c->x1 * k, c->y1 * k);
            for (int step = 1; step <= 8; step++) {
                float f = (float)step / 8.0f;
                app_advance_clock(a, 20);
                pointer(a, MF_EV_POINTER_MOVE, (c->x1 + (c->x2 - c->x1) * f) * k,
                        (c->y1 + (c->y2 - c->y1) * f) * k);
            }
            pointer(a, MF_EV_POINTER_UP, c->x2 * k, c->y2 * k);
            settle(a);
            break;
        }
        case SCRIPT_TYPE: {
            /* one event per UTF-8 character, as a keyboard would send them */
            const char *p = c->arg;
            while (*p) {
                mf_event_t ev = {.type = MF_EV_TEXT};
                size_t n = 1;
                while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80)
                    n++;
                memcpy(ev.text, p, n);
                app_feed(a, &ev);
                p += n;
            }
            app_pump(a, 0);
            break;
        }
        case SCRIPT_KEY: {
            /* through SDL's queue, so keys the platform handles (F5, F11) work too */
            SDL_Keycode kc = SDL_GetKeyFromName(c->arg);
            if (kc == SDLK_UNKNOWN) {
                fprintf(stderr, "%s:%d: unknown key '%s' (SDL key names: Escape, Return, F5...)\n",
                        s->name, c->line, c->arg);
                rc = MF_EINVAL;
                break;
            }
            SDL_Event e;
            memset(&e, 0, sizeof e);
            e.type = SDL_KEYDOWN;
            e.key.state = SDL_PRESSED;
            e.key.keysym.sym = kc;
            SDL_PushEvent(&e);
            e.type = SDL_KEYUP;
            e.key.state = SDL_RELEASED;
            SDL_PushEvent(&e);
            app_pump(a, 0);
            settle(a);
            break;
        }
        case SCRIPT_ADVANCE:
            /* in steps, so every deadline on the way is seen in order */
            for (long left = c->ms; left > 0; left -= 100) {
                app_advance_clock(a, left < 100 ? left : 100);
                app_pump(a, 0);
            }
            break;
        case SCRIPT_WAIT:
            real_wait(a, c->ms);
            break;
        case SCRIPT_SHOT:
            rc = shot(a, s, c, shots_dir);
            break;
        case SCRIPT_SIM: {
            char reply[1024];
            if (sim_command(c->arg, reply, sizeof reply) != MF_OK) {
                fprintf(stderr, "%s:%d: sim \"%s\" failed: %s\n", s->name, c->line, c->arg,
                        reply);
                rc = MF_EINVAL;
            }
            break;
        }
        case SCRIPT_DUMP:
            print_screen(a, stdout);
            fflush(stdout);
            break;
        case SCRIPT_EXPECT_SCREEN:
        case SCRIPT_EXPECT_TEXT: {
            const view_t *v = app_view(a);
            bool held;
            if (c->op == SCRIPT_EXPECT_SCREEN)
                held = strcmp(v->screen, c->arg) == 0;
            else
                held = view_has_text(v, c->arg);
            if (c->negate)
                held = !held;
            if (!held) {
                failures++;
                if (c->op == SCRIPT_EXPECT_SCREEN)
                    fprintf(stderr,
                            "%s:%d: expected %sscreen '%s', but the screen is '%s'; on screen:\n",
                            s->name, c->line, c->negate ? "no " : "", c->arg, v->screen);
                else
                    fprintf(stderr, "%s:%d: expected %stext \"%s\"; on screen:\n", s->name, c->line,
                            c->negate ? "no " : "", c->arg);
                print_screen(a, stderr);
            }
            break;
        }
        }
    }
    if (rc != MF_OK)
        return rc;
    if (failures) {
        fprintf(stderr, "%s: %d expectation%s failed\n", s->name, failures,
                failures > 1 ? "s" : "");
        return MF_EEXPECT;
    }
    return MF_OK;
}

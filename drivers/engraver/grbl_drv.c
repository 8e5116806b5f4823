/*
 * grbl_drv.c - the GRBL engraver's I/O thread: open with backoff, banner and
 * unlock/home, settings ($$), character-counting streaming, status polling,
 * hold/resume (ours and the machine's), lost 'ok's, abort and reset, alarms.
 * See grbl_drv.h; the pure parts are grbl_proto.c.
 */
#include "grbl_drv.h"

#include "drv_queue.h"
#include "grbl_proto.h"
#include "mf_error.h"
#include "mf_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRBL_PLANNER_BLOCKS 15 /* GRBL 1.1 on an ATmega328p */

typedef enum { CMD_START, CMD_HOLD, CMD_RESUME, CMD_ABORT, CMD_RESET } grbl_cmd_kind_t;

typedef struct {
    grbl_cmd_kind_t kind;
    uint32_t job;
    char *program; /* CMD_START: owned by the item until the thread takes it */
} grbl_cmd_t;

/* After a soft reset: the banner, then $X or $H, then $$, then idle. */
typedef enum { PH_BANNER, PH_UNLOCK, PH_SETTINGS, PH_IDLE } phase_t;

typedef struct {
    bool active;
    uint32_t id;
    char *text;
    size_t len;
    int nlines;
    size_t *offsets; /* start of each line in text */
    double *times;   /* cumulated motion time after each line */
    int next;        /* next line to send */
    long long started_ms;
    long long held_ms, hold_since; /* time spent in feed hold, for the estimate */
    char note[96];                 /* said with "done" (an 'ok' lost) */
} job_t;

struct grbl_drv {
    grbl_open_fn open;
    void *user;
    char address[256];
    grbl_opts_t o;
    pthread_t thread;
    int thread_started;
    atomic_int stop;
    atomic_int reconnect; /* grbl_drv_reconnect asked: close and open again now */
    bool ever_open;       /* thread-only: the port was open once */
    pthread_mutex_t lock;
    grbl_snapshot_t snap;
    uint32_t next_job;
    drv_queue_t *cmds, *events;

    /* Thread-only. */
    serial_port_t *port;
    serial_linebuf_t lb;
    grbl_snapshot_t work;
    int attempt;
    long long next_try_ms, last_rx_ms, last_status_ms, phase_deadline;
    phase_t phase;
    int resets_sent;
    bool hold;
    bool hold_pending;    /* '!' sent, no Hold report yet: a Run report is not a resume */
    bool resume_pending;  /* '~' sent, still Hold in reports: not a new hold */
    long long pending_ms; /* when that '!' or '~' was sent: reports a second later count */
    int planner_free;
    int planner_empty, rx_empty; /* highest Bf values seen: what "empty" reads on this board */
    long long stall_since;       /* first Idle report with lines unanswered, 0 = none */
    int open_err;                /* code of the last failed open (open_address) */
    double wco[3];
    grbl_settings_t settings;
    grbl_window_t win;
    job_t job;
};

void grbl_opts_default(grbl_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->mode = GRBL_STREAM_CHAR_COUNT;
    o->status_ms = 200;          /* GRBL's own advice: no more than 5 Hz */
    o->banner_timeout_ms = 3000; /* an Arduino reboots in ~1.5 s when the port opens */
    o->silence_ms = 3000;        /* 15 unanswered status polls */
    o->home_timeout_ms = 60000;
    o->home_on_start = false;
    o->rapid_mm_min = 3000;
    o->stall_ms = 2000; /* 10 status reports of an idle GRBL that owes an 'ok' */
}

void grbl_drv_reconnect(grbl_drv_t *d)
{
    atomic_store(&d->reconnect, 1);
}

const char *grbl_drv_state_name(grbl_drv_state_t s)
{
    static const char *const n[] = {"offline", "starting", "ready", "running", "held", "alarm"};
    return (unsigned)s < sizeof n / sizeof n[0] ? n[s] : "?";
}

static void publish(grbl_drv_t *d)
{
    d->work.progress =
        d->work.lines_total > 0 ? (double)d->work.lines_acked / d->work.lines_total : 0.0;
    pthread_mutex_lock(&d->lock);
    d->snap = d->work;
    pthread_mutex_unlock(&d->lock);
}

/* Publishes the snapshot first, so a caller reacting to an event never reads
 * an older state than the event's. */
static void post(grbl_drv_t *d, const grbl_event_t *ev)
{
    publish(d);
    if (drv_queue_push(d->events, ev) != 0)
        mf_log_warn("engraver", "event queue full, event %d dropped", ev->kind);
}

static void post_simple(grbl_drv_t *d, grbl_event_kind_t k, int code, const char *text)
{
    grbl_event_t ev = {.kind = k, .code = code, .job = d->work.job};
    snprintf(ev.text, sizeof ev.text, "%s", text ? text : "");
    post(d, &ev);
}

static void job_wipe(job_t *j)
{
    if (j->text) {
        volatile char *v = j->text;
        for (size_t i = 0; i < j->len; i++)
            v[i] = 0;
    }
    free(j->text);
    free(j->offsets);
    free(j->times);
    memset(j, 0, sizeof *j);
}

static void job_end(grbl_drv_t *d, bool ok, const char *why)
{
    if (!d->job.active)
        return;
    grbl_event_t ev = {.kind = GRBL_EV_JOB_DONE, .job = d->job.id, .ok = ok};
    ev.seconds = (double)(drv_now_ms() - d->job.started_ms) / 1000.0;
    if (ok && d->job.note[0])
        snprintf(ev.text, sizeof ev.text, "done (%s)", d->job.note);
    else
        snprintf(ev.text, sizeof ev.text, "%s", ok ? "done" : why);
    d->work.seconds_left = 0; /* the snapshot says the job is over before the event does */
    d->hold = d->hold_pending = d->resume_pending = false;
    d->work.hold_external = false;
    d->stall_since = 0;
    post(d, &ev);
    if (ok)
        mf_log_info("engraver", "job %u %s in %.1f s", d->job.id, ev.text, ev.seconds);
    else
        mf_log_warn("engraver", "job %u failed: %s", d->job.id, why);
    job_wipe(&d->job);
}

static int send_bytes(grbl_drv_t *d, const char *buf, size_t len)
{
    return serial_write(d->port, buf, len, 500);
}

static void go_offline(grbl_drv_t *d, const char *why, long long now)
{
    if (d->port) {
        serial_close(d->port);
        d->port = NULL;
    }
    bool was_offline = d->work.state == GRBL_DRV_OFFLINE;
    d->work.state = GRBL_DRV_OFFLINE;
    d->work.homing = false;
    snprintf(d->work.last_message, sizeof d->work.last_message, "%s", why);
    job_end(d, false, why);
    if (!was_offline) {
        post_simple(d, GRBL_EV_OFFLINE, 0, why);
        mf_log_warn("engraver", "offline: %s", why);
    }
    d->next_try_ms = now + drv_backoff_ms(d->attempt++);
}

/* Soft reset and wait for the banner: the start of every session and the
 * way out of an abort or an alarm. */
static int begin_startup(grbl_drv_t *d, long long now)
{
    serial_flush_input(d->port);
    d->lb.used = 0;
    grbl_window_init(&d->win, GRBL_RX_USABLE,
                     d->o.mode == GRBL_STREAM_SEND_WAIT ? 1 : GRBL_WINDOW_LINES);
    d->work.bytes_in_flight = 0;
    d->hold = d->hold_pending = d->resume_pending = false;
    d->work.hold_external = false;
    d->work.homing = false;
    d->stall_since = 0;
    d->phase = PH_BANNER;
    d->phase_deadline = now + d->o.banner_timeout_ms;
    d->work.state = GRBL_DRV_STARTING;
    d->last_rx_ms = now;
    const char reset = 0x18;
    return send_bytes(d, &reset, 1);
}

static int send_line(grbl_drv_t *d, const char *line, size_t len)
{
    char buf[GRBL_MAX_LINE + 2];
    memcpy(buf, line, len);
    buf[len] = '\n'; /* \n only: \r\n would count twice in GRBL's buffer */
    int rc = send_bytes(d, buf, len + 1);
    if (rc == 0) {
        grbl_window_push(&d->win, (int)len + 1);
        d->work.bytes_in_flight = d->win.used;
        if (d->win.used > d->work.max_bytes_in_flight)
            d->work.max_bytes_in_flight = d->win.used;
    }
    return rc;
}

/* Seconds left: motion time of the lines GRBL has not executed yet (from the
 * program, executed = acknowledged minus the planner blocks still queued,
 * from the status report's Bf field), scaled by how much slower than that
 * estimate the job ran so far (acceleration, latency) once a second of it
 * has run. Frozen during a hold. */
static void update_eta(grbl_drv_t *d, long long now)
{
    job_t *j = &d->job;
    if (!j->active || j->nlines == 0) {
        d->work.seconds_left = 0;
        return;
    }
    if (d->hold)
        return;
    int executed = d->work.lines_acked;
    if (d->planner_free >= 0)
        executed -= GRBL_PLANNER_BLOCKS - d->planner_free;
    if (executed < 0)
        executed = 0;
    double done = executed > 0 ? j->times[executed - 1] : 0;
    double left = j->times[j->nlines - 1] - done;
    double elapsed = (double)(now - j->started_ms - j->held_ms) / 1000.0;
    if (done >= 1.0 && elapsed > done)
        left *= elapsed / done;
    d->work.seconds_left = left;
}

/* After the banner: $H (homing, GRBL silent until it ends) or $X. */
static void start_unlock(grbl_drv_t *d, long long now)
{
    d->phase = PH_UNLOCK;
    d->work.state = GRBL_DRV_STARTING;
    d->work.homing = d->o.home_on_start;
    if (d->work.homing) {
        d->phase_deadline = now + d->o.home_timeout_ms;
        snprintf(d->work.machine_state, sizeof d->work.machine_state, "Home");
        snprintf(d->work.last_message, sizeof d->work.last_message,
                 "homing ($H), up to %d s; GRBL answers no status meanwhile",
                 d->o.home_timeout_ms / 1000);
    } else {
        d->phase_deadline = now + d->o.banner_timeout_ms;
    }
    if (send_line(d, d->o.home_on_start ? "$H" : "$X", 2) != 0)
        go_offline(d, "cannot write to the engraver", now);
}

static void set_warning(grbl_drv_t *d, const char *text)
{
    if (strcmp(d->work.warning, text) == 0)
        return;
    snprintf(d->work.warning, sizeof d->work.warning, "%s", text);
    mf_log_warn("engraver", "%s", text);
    post_simple(d, GRBL_EV_WARNING, 0, text);
}

/* The end of the start: settings read (or refused), the engraver is ready. */
static void finish_start(grbl_drv_t *d, bool settings_ok)
{
    grbl_settings_t *st = &d->settings;
    d->work.settings_known = settings_ok && st->known;
    d->work.max_power = st->max_s;
    d->work.laser_mode = st->laser_mode;
    memcpy(d->work.travel, st->travel, sizeof d->work.travel);
    if (!d->work.settings_known)
        set_warning(d, "GRBL's settings ($$) could not be read: power and travel not checked");
    else if (st->laser_mode == 0)
        set_warning(d, "laser mode is off ($32=0): GRBL stops at every power change and burns "
                       "dots at corners; set $32=1");
    else
        d->work.warning[0] = '\0';
    d->phase = PH_IDLE;
    d->work.state = GRBL_DRV_READY;
    d->attempt = 0;
    post_simple(d, GRBL_EV_READY, 0, d->work.version);
}

static bool state_is(const char *state, const char *prefix)
{
    return strncmp(state, prefix, strlen(prefix)) == 0;
}

/* The dwell (G4 P) held by the lines GRBL has not answered yet. */
static double inflight_dwell_s(const grbl_drv_t *d)
{
    const job_t *j = &d->job;
    double s = 0;
    for (int i = d->work.lines_acked; i < j->next && i < j->nlines; i++)
        s += grbl_line_dwell_s(j->text + j->offsets[i], j->offsets[i + 1] - j->offsets[i]);
    return s;
}

/* GRBL Idle while it owes 'ok's: lost on the link, or a line cut short. */
static void check_stall(grbl_drv_t *d, const grbl_reply_t *r, long long now)
{
    if (!d->job.active || d->phase != PH_IDLE || d->hold || d->win.count == 0 ||
        strcmp(r->state, "Idle") != 0) {
        d->stall_since = 0;
        return;
    }
    if (d->stall_since == 0) {
        d->stall_since = now;
        return;
    }
    long long limit = d->o.stall_ms + (long long)(inflight_dwell_s(d) * 1000.0);
    if (now - d->stall_since < limit)
        return;
    int lines = d->win.count;
    bool rx_empty = r->rx_free < 0 || r->rx_free >= d->rx_empty;
    bool planner_empty = r->planner_free < 0 || r->planner_free >= d->planner_empty;
    d->stall_since = 0;
    if (!rx_empty || !planner_empty) {
        char why[128];
        snprintf(why, sizeof why,
                 "GRBL idle for %lld s with %d line%s unanswered and %d bytes unparsed: a line was "
                 "cut on the serial link",
                 limit / 1000, lines, lines > 1 ? "s" : "", d->rx_empty - r->rx_free);
        snprintf(d->work.last_message, sizeof d->work.last_message, "%s", why);
        d->work.state = GRBL_DRV_STARTING;
        job_end(d, false, why);
        if (begin_startup(d, now) != 0)
            go_offline(d, "cannot write to the engraver", now);
        return;
    }
    /* Idle with empty buffers: GRBL ran every line it received, so the
     * lines are done; only their 'ok' never reached us. */
    while (grbl_window_pop(&d->win) >= 0)
        d->work.lines_acked++;
    d->work.bytes_in_flight = 0;
    d->work.oks_lost += lines;
    snprintf(d->job.note, sizeof d->job.note,
             "%d 'ok' lost on the serial line; GRBL was idle with empty buffers", d->work.oks_lost);
    snprintf(d->work.last_message, sizeof d->work.last_message, "%s", d->job.note);
    mf_log_warn("engraver", "job %u: GRBL idle for %lld s owing %d 'ok': counted as done",
                d->job.id, limit / 1000, lines);
}

/* A status report: position, machine state, holds from the machine, lost
 * oks, the end of a job. */
static void handle_status(grbl_drv_t *d, const grbl_reply_t *r, long long now)
{
    snprintf(d->work.machine_state, sizeof d->work.machine_state, "%s", r->state);
    if (r->has_wco)
        memcpy(d->wco, r->wco, sizeof d->wco);
    if (r->has_pos) {
        memcpy(d->work.pos, r->pos, sizeof r->pos);
        for (int i = 0; i < 3; i++) {
            d->work.mpos[i] = r->pos_is_mpos ? r->pos[i] : r->pos[i] + d->wco[i];
            d->work.wpos[i] = r->pos_is_mpos ? r->pos[i] - d->wco[i] : r->pos[i];
        }
        d->work.pos_known = true;
    }
    d->planner_free = r->planner_free;
    if (r->planner_free > d->planner_empty)
        d->planner_empty = r->planner_free;
    if (r->rx_free > d->rx_empty)
        d->rx_empty = r->rx_free;
    if (d->phase == PH_IDLE && state_is(r->state, "Alarm") && d->work.state != GRBL_DRV_ALARM) {
        d->work.state = GRBL_DRV_ALARM;
        snprintf(d->work.last_message, sizeof d->work.last_message, "engraver locked in alarm");
        job_end(d, false, d->work.last_message);
    }
    bool held = state_is(r->state, "Hold") || state_is(r->state, "Door");
    if ((d->hold_pending || d->resume_pending) && now - d->pending_ms > 1000) {
        /* Our '!' or '~' did not take (GRBL refuses a hold while jogging, a
         * resume with the door open): from now on reports say what is. */
        d->hold_pending = d->resume_pending = false;
    }
    if (d->job.active && d->phase == PH_IDLE) {
        if (held) {
            d->hold_pending = false;
            if (!d->hold && !d->resume_pending) {
                /* Not ours: the machine's button, or another program's '!'. */
                d->hold = true;
                d->job.hold_since = now;
                d->work.hold_external = true;
                d->work.state = GRBL_DRV_HELD;
                snprintf(d->work.last_message, sizeof d->work.last_message,
                         "feed hold on the machine (%s): resume or abort", r->state);
                grbl_event_t ev = {.kind = GRBL_EV_HELD, .job = d->job.id, .code = 1};
                snprintf(ev.text, sizeof ev.text, "%s", d->work.last_message);
                post(d, &ev);
                mf_log_warn("engraver", "job %u: %s", d->job.id, d->work.last_message);
            }
        } else if (state_is(r->state, "Run") || state_is(r->state, "Idle")) {
            d->resume_pending = false;
            if (d->hold && !d->hold_pending) {
                /* Resumed on the machine (cycle start) while we held. */
                d->job.held_ms += now - d->job.hold_since;
                d->hold = false;
                d->work.hold_external = false;
                d->work.state = GRBL_DRV_RUNNING;
                grbl_event_t ev = {.kind = GRBL_EV_RESUMED, .job = d->job.id, .code = 1};
                snprintf(ev.text, sizeof ev.text, "resumed on the machine");
                post(d, &ev);
            }
        }
    }
    check_stall(d, r, now);
    if (d->job.active && d->job.next == d->job.nlines && d->work.lines_acked == d->job.nlines &&
        strcmp(r->state, "Idle") == 0) {
        d->work.state = GRBL_DRV_READY; /* before the event: see post() */
        job_end(d, true, NULL);
    }
    update_eta(d, now);
}

static void handle_reply(grbl_drv_t *d, const char *line, long long now)
{
    grbl_reply_t r;
    grbl_parse_reply(line, &r);
    switch (r.kind) {
    case GRBL_REPLY_BANNER:
        snprintf(d->work.version, sizeof d->work.version, "%.15s", r.text);
        if (d->phase != PH_BANNER) {
            job_end(d, false, "the engraver restarted by itself");
            grbl_window_init(&d->win, GRBL_RX_USABLE, d->win.max_lines);
            d->work.bytes_in_flight = 0;
            d->work.homing = false;
            if (d->work.state == GRBL_DRV_ALARM) {
                /* GRBL starts over after an alarm (a failed homing): it stays
                 * locked until grbl_drv_reset; no unlock behind staff's back. */
                d->phase = PH_IDLE;
                break;
            }
        }
        start_unlock(d, now);
        break;
    case GRBL_REPLY_OK:
    case GRBL_REPLY_ERROR:
        if (grbl_window_pop(&d->win) < 0)
            break; /* not ours (a line answered before a reset) */
        d->work.bytes_in_flight = d->win.used;
        d->stall_since = 0;
        if (d->phase == PH_UNLOCK) {
            bool homed = d->work.homing;
            d->work.homing = false;
            if (r.kind == GRBL_REPLY_ERROR) {
                snprintf(d->work.last_message, sizeof d->work.last_message, "%s refused: %s",
                         homed ? "homing" : "unlock", grbl_error_text(r.code));
                d->work.state = GRBL_DRV_ALARM;
                d->phase = PH_IDLE;
                post_simple(d, GRBL_EV_ALARM, 0, d->work.last_message);
                break;
            }
            if (homed)
                snprintf(d->work.last_message, sizeof d->work.last_message, "homed");
            /* Read the settings the jobs are checked against. */
            grbl_settings_init(&d->settings);
            d->phase = PH_SETTINGS;
            d->phase_deadline = now + d->o.banner_timeout_ms;
            if (send_line(d, "$$", 2) != 0)
                go_offline(d, "cannot write to the engraver", now);
            break;
        }
        if (d->phase == PH_SETTINGS) {
            finish_start(d, r.kind == GRBL_REPLY_OK);
            break;
        }
        if (d->job.active) {
            d->work.lines_acked++;
            if (r.kind == GRBL_REPLY_ERROR) {
                char why[128];
                snprintf(why, sizeof why, "line %d refused: error %d, %s", d->work.lines_acked,
                         r.code, grbl_error_text(r.code));
                snprintf(d->work.last_message, sizeof d->work.last_message, "%s", why);
                d->work.state = GRBL_DRV_STARTING;
                job_end(d, false, why);
                /* Stop the laser and drop what GRBL still holds. */
                if (begin_startup(d, now) != 0)
                    go_offline(d, "cannot write to the engraver", now);
            }
        }
        break;
    case GRBL_REPLY_ALARM:
        if (d->phase == PH_BANNER)
            break; /* ALARM:3 after our own reset during motion: expected */
        d->work.last_alarm = r.code;
        d->work.homing = false;
        snprintf(d->work.last_message, sizeof d->work.last_message, "alarm %d: %s", r.code,
                 grbl_alarm_text(r.code));
        d->work.state = GRBL_DRV_ALARM;
        d->phase = PH_IDLE;
        post_simple(d, GRBL_EV_ALARM, r.code, d->work.last_message);
        job_end(d, false, d->work.last_message);
        /* GRBL empties its buffers on an alarm: nothing is in flight. */
        grbl_window_init(&d->win, GRBL_RX_USABLE, d->win.max_lines);
        d->work.bytes_in_flight = 0;
        break;
    case GRBL_REPLY_STATUS:
        handle_status(d, &r, now);
        break;
    case GRBL_REPLY_MSG:
        /* "'$H'|'$X' to unlock" after the banner: what we are doing already;
         * in an alarm, its own text says more than "Reset to continue". */
        if ((d->phase == PH_UNLOCK && strstr(r.text, "to unlock")) ||
            d->work.state == GRBL_DRV_ALARM)
            break;
        snprintf(d->work.last_message, sizeof d->work.last_message, "%s", r.text);
        break;
    case GRBL_REPLY_SETTING:
        if (d->phase == PH_SETTINGS)
            grbl_settings_take(&d->settings, r.setting_id, r.setting_value);
        break;
    case GRBL_REPLY_OTHER:
    default:
        mf_log_debug("engraver", "ignored line from GRBL (%zu bytes)", strlen(line));
        break;
    }
}

static void start_job(grbl_drv_t *d, grbl_cmd_t *c, long long now)
{
    job_t *j = &d->job;
    char why[128] = "";
    if (d->work.state != GRBL_DRV_READY || j->active) {
        snprintf(why, sizeof why, "engraver not ready (%s)%s%.60s",
                 grbl_drv_state_name(d->work.state), d->work.state == GRBL_DRV_ALARM ? ": " : "",
                 d->work.state == GRBL_DRV_ALARM ? d->work.last_message : "");
        goto refuse;
    }
    if (state_is(d->work.machine_state, "Hold") || state_is(d->work.machine_state, "Door")) {
        snprintf(why, sizeof why, "engraver on feed hold (%s): resume it on the machine first",
                 d->work.machine_state);
        goto refuse;
    }
    {
        /* Before any line is sent: what the machine can do ($30, $130, $131). */
        grbl_extent_t ext;
        grbl_program_extent(c->program, &ext);
        if (grbl_check_program(&ext, &d->settings, why, sizeof why) != 0)
            goto refuse;
    }
    memset(j, 0, sizeof *j);
    j->text = c->program;
    c->program = NULL;
    j->len = strlen(j->text);
    int lines = 0;
    for (size_t i = 0; i < j->len; i++)
        if (j->text[i] == '\n')
            lines++;
    if (j->len && j->text[j->len - 1] != '\n')
        lines++;
    j->offsets = calloc((size_t)lines + 1, sizeof *j->offsets);
    j->times = calloc((size_t)lines + 1, sizeof *j->times);
    if (!j->offsets || !j->times) {
        snprintf(why, sizeof why, "out of memory");
        job_wipe(j);
        goto refuse;
    }
    size_t pos = 0;
    for (int i = 0; i < lines; i++) {
        j->offsets[i] = pos;
        const char *nl = strchr(j->text + pos, '\n');
        pos = nl ? (size_t)(nl - j->text) + 1 : j->len;
    }
    j->offsets[lines] = j->len;
    j->nlines = lines;
    grbl_estimate_times(j->text, d->o.rapid_mm_min, j->times, lines + 1);
    j->id = c->job;
    j->active = true;
    j->started_ms = now;
    d->work.job = j->id;
    d->work.lines_total = lines;
    d->work.lines_sent = d->work.lines_acked = 0;
    d->work.max_bytes_in_flight = 0;
    d->work.oks_lost = 0;
    d->stall_since = 0;
    d->work.state = GRBL_DRV_RUNNING;
    update_eta(d, now);
    return;
refuse : {
    grbl_event_t ev = {.kind = GRBL_EV_JOB_DONE, .job = c->job, .ok = false};
    snprintf(ev.text, sizeof ev.text, "%s", why);
    post(d, &ev);
    mf_log_warn("engraver", "job %u refused: %s", c->job, why);
    if (c->program) {
        memset(c->program, 0, strlen(c->program));
        free(c->program);
        c->program = NULL;
    }
}
}

static void handle_cmd(grbl_drv_t *d, grbl_cmd_t *c, long long now)
{
    if (c->kind == CMD_START) {
        start_job(d, c, now);
        return;
    }
    if (!d->port) {
        post_simple(d, GRBL_EV_REFUSED, 0, "engraver offline");
        return;
    }
    int rc = 0;
    switch (c->kind) {
    case CMD_HOLD:
        if (!d->job.active) {
            post_simple(d, GRBL_EV_REFUSED, 0, "no job to hold");
            return;
        }
        rc = send_bytes(d, "!", 1);
        if (!d->hold) {
            d->job.hold_since = now;
            d->hold_pending = true;
            d->resume_pending = false;
            d->pending_ms = now;
            grbl_event_t ev = {.kind = GRBL_EV_HELD, .job = d->job.id, .code = 0};
            snprintf(ev.text, sizeof ev.text, "feed hold");
            d->hold = true;
            d->work.state = GRBL_DRV_HELD;
            post(d, &ev);
        }
        break;
    case CMD_RESUME:
        if (!d->hold) {
            post_simple(d, GRBL_EV_REFUSED, 0, "not on hold");
            return;
        }
        rc = send_bytes(d, "~", 1);
        d->job.held_ms += now - d->job.hold_since;
        d->hold = d->hold_pending = false;
        d->resume_pending = true;
        d->pending_ms = now;
        d->work.hold_external = false;
        d->work.state = GRBL_DRV_RUNNING;
        {
            grbl_event_t ev = {.kind = GRBL_EV_RESUMED, .job = d->job.id, .code = 0};
            snprintf(ev.text, sizeof ev.text, "resumed");
            post(d, &ev);
        }
        break;
    case CMD_ABORT:
        d->work.state = GRBL_DRV_STARTING;
        job_end(d, false, "aborted");
        rc = begin_startup(d, now);
        break;
    case CMD_RESET:
        d->work.state = GRBL_DRV_STARTING;
        job_end(d, false, "reset");
        d->work.last_alarm = 0;
        rc = begin_startup(d, now);
        break;
    case CMD_START:
    default:
        break;
    }
    if (rc)
        go_offline(d, "cannot write to the engraver", now);
}

static void stream(grbl_drv_t *d, long long now)
{
    job_t *j = &d->job;
    while (j->active && !d->hold && d->phase == PH_IDLE && j->next < j->nlines) {
        const char *line = j->text + j->offsets[j->next];
        size_t len = j->offsets[j->next + 1] - j->offsets[j->next];
        if (len && line[len - 1] == '\n')
            len--;
        if (len && line[len - 1] == '\r')
            len--;
        if (!grbl_window_fits(&d->win, (int)len + 1))
            return;
        if (send_line(d, line, len) != 0) {
            go_offline(d, "cannot write to the engraver", now);
            return;
        }
        j->next++;
        d->work.lines_sent = j->next;
    }
}

static void *grbl_thread(void *arg)
{
    grbl_drv_t *d = arg;
    while (!atomic_load(&d->stop)) {
        long long now = drv_now_ms();
        grbl_cmd_t c;
        if (atomic_exchange(&d->reconnect, 0)) {
            /* Staff asked: close the port (a job in progress fails, laser
             * off: GRBL resets when the port opens again) and open it now. */
            if (d->port)
                go_offline(d, "reconnecting (asked by staff)", now);
            d->attempt = 0;
            d->next_try_ms = now;
        }
        if (!d->port) {
            /* Offline: refuse what comes, try to open when the backoff allows. */
            while (drv_queue_pop(d->cmds, &c))
                handle_cmd(d, &c, now);
            if (now >= d->next_try_ms) {
                char why[160] = "";
                d->open_err = MF_EIO;
                d->port = d->open(d->user, why, sizeof why);
                if (!d->port) {
                    snprintf(d->work.last_message, sizeof d->work.last_message, "%.127s", why);
                    d->work.open_failures++;
                    d->work.open_error = d->open_err;
                    d->next_try_ms = now + drv_backoff_ms(d->attempt++);
                } else {
                    if (d->ever_open)
                        d->work.reconnects++;
                    d->ever_open = true;
                    d->work.open_failures = 0;
                    d->work.open_error = 0;
                    d->work.pos_known = false;
                    d->planner_empty = d->rx_empty = -1;
                    snprintf(d->work.port_kind, sizeof d->work.port_kind, "%s",
                             serial_kind(d->port));
                    d->resets_sent = 1;
                    if (begin_startup(d, now) != 0)
                        go_offline(d, "cannot write to the engraver", now);
                }
            }
            publish(d);
            if (!d->port) {
                long long until = d->next_try_ms - drv_now_ms();
                struct timespec ts = {0, (until > 50 ? 50 : (until < 1 ? 1 : until)) * 1000000L};
                nanosleep(&ts, NULL);
            }
            continue;
        }
        while (d->port && drv_queue_pop(d->cmds, &c))
            handle_cmd(d, &c, now);
        if (!d->port)
            continue;
        /* No '?' while homing: GRBL answers none until the cycle ends. */
        if (d->phase != PH_BANNER && !d->work.homing && now - d->last_status_ms >= d->o.status_ms) {
            d->last_status_ms = now;
            if (send_bytes(d, "?", 1) != 0) {
                go_offline(d, "cannot write to the engraver", now);
                continue;
            }
        }
        stream(d, now);
        if (!d->port)
            continue;
        char line[256];
        int n = serial_read_line(d->port, &d->lb, line, sizeof line, 10);
        now = drv_now_ms();
        if (n < 0) {
            go_offline(d, "engraver disconnected", now);
            continue;
        }
        if (n > 0) {
            d->last_rx_ms = now;
            handle_reply(d, line, now);
            /* Drain whatever else is already complete before writing again. */
            while (d->port && serial_linebuf_take(&d->lb, line, sizeof line))
                if (line[0])
                    handle_reply(d, line, now);
        }
        if (!d->port)
            continue;
        if (d->phase == PH_BANNER && now > d->phase_deadline) {
            if (d->resets_sent++ < 2) {
                if (begin_startup(d, now) != 0)
                    go_offline(d, "cannot write to the engraver", now);
            } else {
                go_offline(d, "no GRBL banner after a soft reset", now);
            }
        } else if (d->phase == PH_UNLOCK && now > d->phase_deadline) {
            char why[96];
            if (d->work.homing)
                snprintf(why, sizeof why, "homing did not finish within %d s (home_timeout_ms)",
                         d->o.home_timeout_ms / 1000);
            else
                snprintf(why, sizeof why, "no answer to unlock ($X)");
            go_offline(d, why, now);
        } else if (d->phase == PH_SETTINGS && now > d->phase_deadline) {
            go_offline(d, "no answer to the settings request ($$)", now);
        } else if (d->phase != PH_BANNER && !d->work.homing &&
                   now - d->last_rx_ms > d->o.silence_ms) {
            go_offline(d, "engraver not answering", now);
        } else if (d->phase == PH_IDLE && d->work.state == GRBL_DRV_STARTING) {
            d->work.state = GRBL_DRV_READY;
        }
        publish(d);
    }
    grbl_cmd_t c;
    while (drv_queue_pop(d->cmds, &c)) {
        if (c.program) {
            memset(c.program, 0, strlen(c.program));
            free(c.program);
        }
    }
    if (d->port && d->job.active) {
        const char reset = 0x18; /* never leave a laser burning */
        serial_write(d->port, &reset, 1, 200);
    }
    job_end(d, false, "driver stopped");
    if (d->port)
        serial_close(d->port);
    d->port = NULL;
    return NULL;
}

static serial_port_t *open_address(void *user, char *why, size_t why_len)
{
    grbl_drv_t *d = user;
    return serial_open_ex(d->address, SERIAL_DEFAULT_BAUD, why, why_len, &d->open_err);
}

/* Finishes D (zeroed, maybe with its address) and starts its thread. */
static grbl_drv_t *grbl_drv_init(grbl_drv_t *d, grbl_open_fn open, void *user,
                                 const grbl_opts_t *opts)
{
    d->open = open;
    d->user = user;
    if (opts)
        d->o = *opts;
    else
        grbl_opts_default(&d->o);
    if (d->o.status_ms < 200)
        d->o.status_ms = 200; /* never above 5 Hz */
    d->next_job = 1;
    d->planner_free = -1;
    d->planner_empty = d->rx_empty = -1;
    if (d->o.stall_ms <= 0)
        d->o.stall_ms = 2000;
    grbl_settings_init(&d->settings);
    d->work.laser_mode = -1;
    pthread_mutex_init(&d->lock, NULL);
    d->cmds = drv_queue_create(sizeof(grbl_cmd_t), 16);
    d->events = drv_queue_create(sizeof(grbl_event_t), 128);
    if (!d->cmds || !d->events)
        goto fail;
    d->snap = d->work;
    if (pthread_create(&d->thread, NULL, grbl_thread, d) != 0)
        goto fail;
    d->thread_started = 1;
    return d;
fail:
    grbl_drv_destroy(d);
    return NULL;
}

grbl_drv_t *grbl_drv_create_with(grbl_open_fn open, void *user, const grbl_opts_t *opts)
{
    grbl_drv_t *d = calloc(1, sizeof *d);
    return d ? grbl_drv_init(d, open, user, opts) : NULL;
}

grbl_drv_t *grbl_drv_create(const char *address, const grbl_opts_t *opts)
{
    serial_addr_t a;
    if (serial_addr_parse(address, &a) != 0)
        return NULL;
    grbl_drv_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    snprintf(d->address, sizeof d->address, "%s", address);
    return grbl_drv_init(d, open_address, d, opts);
}

void grbl_drv_destroy(grbl_drv_t *d)
{
    if (!d)
        return;
    if (d->thread_started) {
        atomic_store(&d->stop, 1);
        pthread_join(d->thread, NULL);
    }
    drv_queue_destroy(d->cmds);
    drv_queue_destroy(d->events);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

void grbl_drv_snapshot(grbl_drv_t *d, grbl_snapshot_t *out)
{
    pthread_mutex_lock(&d->lock);
    *out = d->snap;
    pthread_mutex_unlock(&d->lock);
}

bool grbl_drv_poll_event(grbl_drv_t *d, grbl_event_t *ev)
{
    return drv_queue_pop(d->events, ev);
}

static int push_cmd(grbl_drv_t *d, grbl_cmd_t *c)
{
    return drv_queue_push(d->cmds, c);
}

int grbl_stream_start(grbl_drv_t *d, const char *program, uint32_t *job)
{
    if (!program)
        return MF_EINVAL;
    /* Reject lines GRBL would refuse before anything is sent. */
    const char *p = program;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len > GRBL_MAX_LINE)
            return MF_EINVAL;
        p += len + (e ? 1 : 0);
    }
    grbl_cmd_t c = {.kind = CMD_START, .program = strdup(program)};
    if (!c.program)
        return MF_ENOMEM;
    pthread_mutex_lock(&d->lock);
    c.job = d->next_job++;
    pthread_mutex_unlock(&d->lock);
    int rc = push_cmd(d, &c);
    if (rc) {
        memset(c.program, 0, strlen(c.program));
        free(c.program);
        return rc;
    }
    if (job)
        *job = c.job;
    return 0;
}

int grbl_drv_hold(grbl_drv_t *d)
{
    grbl_cmd_t c = {.kind = CMD_HOLD};
    return push_cmd(d, &c);
}

int grbl_drv_resume(grbl_drv_t *d)
{
    grbl_cmd_t c = {.kind = CMD_RESUME};
    return push_cmd(d, &c);
}

int grbl_drv_abort(grbl_drv_t *d)
{
    grbl_cmd_t c = {.kind = CMD_ABORT};
    return push_cmd(d, &c);
}

int grbl_drv_reset(grbl_drv_t *d)
{
    grbl_cmd_t c = {.kind = CMD_RESET};
    return push_cmd(d, &c);
}

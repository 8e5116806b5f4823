/*
 * staff_edge.c - the staff console's requests carried out, its news
 * gathered (see staff_edge.h). Quick work (sending a line command, reading
 * snapshots) happens in staff_edge_pump on the UI thread without waiting;
 * slow work (Argon2id PIN checks, writing and copying an export to the USB
 * stick) on one worker thread, whose replies the next pump delivers.
 */
#include "staff_edge.h"

#include "devices.h"
#include "drv_queue.h"
#include "grbl_drv.h"
#include "line_drv.h"
#include "mf_error.h"
#include "mf_log.h"
#include "staff_store.h"
#include "staff_usb.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EDGE_JOBS 16
#define EDGE_PENDING 16
#define EDGE_DEVICES_MS 500
#define EDGE_RECONNECT_MS 6000 /* a reconnect not back by then is answered "failed" */

typedef struct {
    uint32_t drv_tag; /* the line driver's tag, 0 = free */
    uint32_t tag;     /* the console's */
    staff_cmd_t cmd;
    staff_role_t role;
    char detail[48]; /* the audit's detail: "order 12", "alarm 2 station 3" */
} edge_pending_t;

struct staff_edge {
    staff_edge_opts_t o;
    char data_dir[PATH_MAX];
    staff_store_t *store;
    /* worker */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    staff_request_t jobs[EDGE_JOBS];
    int jobs_len;
    staff_reply_t replies[EDGE_JOBS];
    int replies_len;
    /* the line */
    edge_pending_t pending[EDGE_PENDING];
    uint32_t line_serial;
    line_snapshot_t snap;
    bool snap_valid;
    staff_news_t news; /* scratch: large, kept off the stack */
    int64_t next_devices;
    /* reconnects staff asked for, answered once the device is back */
    struct {
        bool active;
        uint32_t tag;
        staff_role_t role;
        unsigned connects; /* the summary's connects when asked */
        int64_t deadline;
    } reconnect[STAFF_DEV_COUNT];
    char group_day[11]; /* local day the current group was set, "" = none */
    int64_t next_day_check;
    staff_role_t install_role; /* who asked for the stick's pack (its audit line) */
    io_light_t light;          /* what the stack light was last set to */
    bool light_set;
    /* audit lines waiting for the UI thread (the store's calls are its) */
    struct {
        int64_t wall_ms;
        staff_role_t role;
        char action[32], detail[288], result[160];
    } audits[EDGE_JOBS];
    int audits_len;
};

static int64_t wall_now(const staff_edge_t *e)
{
    if (e->o.wall_ms)
        return e->o.wall_ms(e->o.wall_ctx);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void local_day(const staff_edge_t *e, char buf[11])
{
    time_t t = (time_t)(wall_now(e) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, 11, "%Y-%m-%d", &tm);
}

/* The day the current group was set is kept in DATA_DIR/staff-group-day:
 * a group ends at the end of its day, even across a restart. */
static void group_day_save(staff_edge_t *e)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/staff-group-day", e->data_dir);
    if (e->group_day[0])
        staff_write_file_atomic(path, e->group_day, strlen(e->group_day), 0600);
    else
        unlink(path);
}

static void group_day_load(staff_edge_t *e)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/staff-group-day", e->data_dir);
    FILE *f = fopen(path, "re");
    e->group_day[0] = '\0';
    if (!f)
        return;
    if (fread(e->group_day, 1, 10, f) == 10)
        e->group_day[10] = '\0';
    else
        e->group_day[0] = '\0';
    fclose(f);
}

static void clock_text(const staff_edge_t *e, char *buf, size_t size)
{
    time_t t = (time_t)(wall_now(e) / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%H:%M:%S", &tm);
}

void staff_edge_audit_log(void *ctx, int64_t wall_ms, const char *role, const char *action,
                          const char *detail, const char *result)
{
    (void)ctx;
    mf_log_info("audit", "%lld %s %s %s: %s", (long long)wall_ms, role, action,
                detail ? detail : "", result);
}

/* Queues an audit line; staff_edge_pump hands it to the hook on the UI
 * thread (any thread may call this). */
static void audit(staff_edge_t *e, staff_role_t role, const char *action, const char *detail,
                  const char *result)
{
    pthread_mutex_lock(&e->mu);
    if (e->audits_len < EDGE_JOBS) {
        int i = e->audits_len++;
        e->audits[i].wall_ms = wall_now(e);
        e->audits[i].role = role;
        snprintf(e->audits[i].action, sizeof e->audits[i].action, "%s", action);
        snprintf(e->audits[i].detail, sizeof e->audits[i].detail, "%s", detail ? detail : "");
        snprintf(e->audits[i].result, sizeof e->audits[i].result, "%s", result);
    } else {
        mf_log_warn("audit", "line dropped: %s %s", action, result);
    }
    pthread_mutex_unlock(&e->mu);
}

static void flush_audit(staff_edge_t *e)
{
    for (;;) {
        pthread_mutex_lock(&e->mu);
        if (e->audits_len == 0) {
            pthread_mutex_unlock(&e->mu);
            return;
        }
        __typeof__(e->audits[0]) a = e->audits[0];
        memmove(&e->audits[0], &e->audits[1], sizeof e->audits[0] * (size_t)(e->audits_len - 1));
        e->audits_len--;
        pthread_mutex_unlock(&e->mu);
        if (e->o.hooks.audit)
            e->o.hooks.audit(e->o.hooks.ctx, a.wall_ms, staff_role_name(a.role), a.action, a.detail,
                             a.result);
    }
}

/* ---- the worker ----------------------------------------------------------- */

static void post_reply(staff_edge_t *e, const staff_reply_t *r)
{
    pthread_mutex_lock(&e->mu);
    if (e->replies_len < EDGE_JOBS)
        e->replies[e->replies_len++] = *r;
    pthread_mutex_unlock(&e->mu);
}

static void job_pin(staff_edge_t *e, const staff_request_t *q, staff_reply_t *r)
{
    int64_t now = wall_now(e);
    staff_lockout_t l;
    r->any_pin = staff_store_has_pin(e->store, STAFF_ROLE_NONE);
    if (q->kind == STAFF_REQ_PIN_STATUS) {
        staff_store_lockout(e->store, &l);
        r->locked_ms = staff_lockout_remaining(&l, now);
        r->tries_left = STAFF_LOCK_TRIES - l.failures;
        return;
    }
    r->rc = staff_store_check(e->store, q->pin, now, &r->role, &r->locked_ms);
    staff_store_lockout(e->store, &l);
    r->tries_left = STAFF_LOCK_TRIES - l.failures;
    if (r->rc == MF_OK) {
        audit(e, r->role, "login", staff_role_name(r->role), "ok");
    } else if (r->rc == MF_EPERM || r->rc == MF_ELOCKED) {
        char res[64];
        if (r->locked_ms > 0)
            snprintf(res, sizeof res, "%s, locked %lld s",
                     r->rc == MF_EPERM ? "wrong PIN" : "locked", (long long)(r->locked_ms / 1000));
        else
            snprintf(res, sizeof res, "wrong PIN");
        audit(e, STAFF_ROLE_NONE, "login_failed", "", res);
    }
}

/* Removes PATH, a file or a folder of files (an export's scratch). */
static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            unlinkat(dirfd(d), de->d_name, 0);
    closedir(d);
    rmdir(path);
}

/* Copies each file of the folder SRC to the stick as PREFIX_FILE, each whole;
 * on a failure the files already copied are removed again. */
static int copy_folder(const char *src, const char *stick, const char *prefix)
{
    DIR *d = opendir(src);
    if (!d)
        return MF_EIO;
    char done[32][128];
    int n = 0, rc = MF_OK;
    struct dirent *de;
    while (rc == MF_OK && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char from[PATH_MAX + 256], to[128];
        if (snprintf(from, sizeof from, "%s/%s", src, de->d_name) >= (int)sizeof from ||
            snprintf(to, sizeof to, "%s_%.60s", prefix, de->d_name) >= (int)sizeof to) {
            rc = MF_ERANGE;
            break;
        }
        rc = staff_usb_copy(from, stick, to, NULL);
        if (rc == MF_OK && n < 32)
            snprintf(done[n++], sizeof done[0], "%s", to);
    }
    closedir(d);
    for (int i = 0; rc != MF_OK && i < n; i++) {
        char p[PATH_MAX + 128];
        if (snprintf(p, sizeof p, "%s/%s", stick, done[i]) < (int)sizeof p)
            unlink(p);
    }
    return rc;
}

/* Exports to a scratch file in the data directory, then copies it whole
 * to the first USB stick found. */
static void job_export(staff_edge_t *e, const staff_request_t *q, staff_reply_t *r)
{
    staff_usb_drive_t d[STAFF_USB_MAX];
    int n = staff_usb_find(e->o.usb_mounts, e->o.usb_sys, d, STAFF_USB_MAX);
    r->usb_present = n > 0;
    if (!e->o.hooks.export_file) {
        r->rc = MF_EUNSUPPORTED;
    } else if (n <= 0) {
        r->rc = MF_ENOENT;
    } else {
        char name[64], tmp[PATH_MAX + 80];
        time_t t = (time_t)(wall_now(e) / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        char stamp[32];
        strftime(stamp, sizeof stamp, "%Y-%m-%d_%H%M", &tm);
        snprintf(name, sizeof name, "minifab_%s.%s", stamp, q->format);
        snprintf(tmp, sizeof tmp, "%s/.export-%s", e->data_dir, name);
        bool folder = strcmp(q->format, "csv") == 0; /* CSV: a folder of tables */
        if (folder)
            snprintf(name, sizeof name, "minifab_%s", stamp);
        r->rc = e->o.hooks.export_file(e->o.hooks.ctx, q->format, tmp);
        if (r->rc == MF_OK)
            r->rc = folder ? copy_folder(tmp, d[0].mount, name)
                           : staff_usb_copy(tmp, d[0].mount, name, NULL);
        remove_tree(tmp);
        if (r->rc == MF_OK)
            snprintf(r->text, sizeof r->text, "%.60s/%s%s", d[0].label, name,
                     folder ? "_*.csv" : "");
    }
    char detail[32];
    snprintf(detail, sizeof detail, "%s", q->format);
    audit(e, q->role, "export", detail, r->rc == MF_OK ? "ok" : mf_strerror(r->rc));
}

/* The stick's pack installed as the kiosk's (file work, off the UI thread);
 * the UI thread then reloads it (applied_install). */
static void job_install(staff_edge_t *e, staff_reply_t *r)
{
    staff_usb_drive_t d[STAFF_USB_MAX];
    int n = staff_usb_find(e->o.usb_mounts, e->o.usb_sys, d, STAFF_USB_MAX);
    r->usb_present = n > 0;
    char dir[PATH_MAX];
    if (n <= 0 || snprintf(dir, sizeof dir, "%s/minifab-content", d[0].mount) >= (int)sizeof dir) {
        r->rc = MF_ENOENT;
        return;
    }
    r->rc = e->o.hooks.install(e->o.hooks.reload_ctx, dir, r->text, sizeof r->text);
}

static void *worker(void *arg)
{
    staff_edge_t *e = arg;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (!e->stop && e->jobs_len == 0)
            pthread_cond_wait(&e->cv, &e->mu);
        if (e->stop)
            break;
        staff_request_t q = e->jobs[0];
        memmove(&e->jobs[0], &e->jobs[1], sizeof e->jobs[0] * (size_t)(e->jobs_len - 1));
        e->jobs_len--;
        memset(&e->jobs[e->jobs_len], 0, sizeof e->jobs[0]);
        pthread_mutex_unlock(&e->mu);
        staff_reply_t r = {.kind = q.kind, .tag = q.tag};
        if (q.kind == STAFF_REQ_EXPORT) {
            job_export(e, &q, &r);
        } else if (q.kind == STAFF_REQ_RELOAD) {
            job_install(e, &r);
        } else if (q.kind == STAFF_REQ_FIGURES) {
            const staff_hooks_t *h = &e->o.hooks;
            r.rc = h->figures ? h->figures(h->ctx, &r.figures) : MF_EUNSUPPORTED;
            r.figures.available = r.rc == MF_OK;
        } else {
            job_pin(e, &q, &r);
        }
        memset(&q, 0, sizeof q); /* the PIN */
        post_reply(e, &r);
        pthread_mutex_lock(&e->mu);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

static void queue_job(staff_edge_t *e, const staff_request_t *q, kiosk_t *k, int64_t now);

/* ---- life cycle ---------------------------------------------------------- */

staff_edge_t *staff_edge_create(const staff_edge_opts_t *opts)
{
    staff_edge_t *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->o = *opts;
    snprintf(e->data_dir, sizeof e->data_dir, "%s", opts->data_dir ? opts->data_dir : ".");
    e->store = staff_store_create(e->data_dir);
    if (!e->store) {
        free(e);
        return NULL;
    }
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
    if (pthread_create(&e->thread, NULL, worker, e) != 0) {
        staff_store_destroy(e->store);
        pthread_mutex_destroy(&e->mu);
        pthread_cond_destroy(&e->cv);
        free(e);
        return NULL;
    }
    if (e->o.devices && devices_line(e->o.devices))
        devices_claim_events(e->o.devices, DEVICE_LINE);
    group_day_load(e);
    return e;
}

void staff_edge_destroy(staff_edge_t *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->mu);
    e->stop = true;
    pthread_cond_signal(&e->cv);
    pthread_mutex_unlock(&e->mu);
    pthread_join(e->thread, NULL);
    flush_audit(e);
    pthread_mutex_destroy(&e->mu);
    pthread_cond_destroy(&e->cv);
    staff_store_destroy(e->store);
    free(e);
}

/* ---- delivering -------------------------------------------------------------- */

static bool deliver(staff_edge_t *e, kiosk_t *k, int64_t now)
{
    mf_event_t ev = {.type = MF_EV_STAFF, .staff = &e->news};
    return kiosk_update(k, &ev, now);
}

static bool reply(staff_edge_t *e, kiosk_t *k, const staff_reply_t *r, int64_t now)
{
    memset(&e->news, 0, sizeof e->news);
    e->news.kind = STAFF_NEWS_REPLY;
    e->news.reply = *r;
    return deliver(e, k, now);
}

static void queue_job(staff_edge_t *e, const staff_request_t *q, kiosk_t *k, int64_t now)
{
    pthread_mutex_lock(&e->mu);
    bool ok = e->jobs_len < EDGE_JOBS;
    if (ok) {
        e->jobs[e->jobs_len++] = *q;
        pthread_cond_signal(&e->cv);
    }
    pthread_mutex_unlock(&e->mu);
    if (!ok) {
        staff_reply_t r = {.kind = q->kind, .tag = q->tag, .rc = MF_EBUSY};
        reply(e, k, &r, now);
    }
}

/* ---- the line ---------------------------------------------------------------- */

static line_drv_t *edge_line(staff_edge_t *e)
{
    return e->o.devices ? devices_line(e->o.devices) : NULL;
}

/* The audit table's action for a line command: "line_start", "ack"... */
static const char *cmd_action(staff_cmd_t cmd)
{
    static const char *const names[STAFF_CMD_COUNT] = {"line_start",
                                                       "line_stop",
                                                       "line_reset",
                                                       "ack",
                                                       "line_mode_auto",
                                                       "line_mode_manual",
                                                       "line_mode_maintenance",
                                                       "line_refill",
                                                       "line_cancel"};
    return cmd >= 0 && cmd < STAFF_CMD_COUNT ? names[cmd] : "line_?";
}

static void send_command(staff_edge_t *e, kiosk_t *k, const staff_request_t *q, int64_t now)
{
    line_drv_t *line = edge_line(e);
    uint32_t tag = 0;
    int rc = MF_ENOENT;
    if (line) {
        switch (q->cmd) {
        case STAFF_CMD_START:
            rc = line_drv_start(line, &tag);
            break;
        case STAFF_CMD_STOP:
            rc = line_drv_stop(line, &tag);
            break;
        case STAFF_CMD_RESET:
            rc = line_drv_reset(line, &tag);
            break;
        case STAFF_CMD_ACK:
            if (q->alarm_code > 0)
                rc = line_drv_ack_alarm(line, (uint16_t)q->alarm_code, (uint16_t)q->alarm_station,
                                        (uint16_t)q->alarm_param, &tag);
            else
                rc = line_drv_ack(line, &tag);
            break;
        case STAFF_CMD_CANCEL:
            rc = line_drv_cancel_order(line, q->order, &tag);
            break;
        case STAFF_CMD_MODE_AUTO:
            rc = line_drv_set_mode(line, MF_MODE_AUTO, &tag);
            break;
        case STAFF_CMD_MODE_MANUAL:
            rc = line_drv_set_mode(line, MF_MODE_MANUAL, &tag);
            break;
        case STAFF_CMD_MODE_MAINTENANCE:
            rc = line_drv_set_mode(line, MF_MODE_MAINTENANCE, &tag);
            break;
        case STAFF_CMD_REFILL:
            rc = line_drv_refill(line, MF_COLOUR_NONE, &tag);
            break;
        case STAFF_CMD_COUNT:
            rc = MF_EINVAL;
            break;
        }
    }
    edge_pending_t *slot = NULL;
    for (int i = 0; i < EDGE_PENDING && rc == MF_OK && !slot; i++)
        if (e->pending[i].drv_tag == 0)
            slot = &e->pending[i];
    char detail[48] = "";
    if (q->cmd == STAFF_CMD_CANCEL)
        snprintf(detail, sizeof detail, "order %u", (unsigned)q->order);
    else if (q->cmd == STAFF_CMD_ACK && q->alarm_code > 0)
        snprintf(detail, sizeof detail, "alarm %d station %d", q->alarm_code, q->alarm_station);
    else if (q->cmd == STAFF_CMD_ACK)
        snprintf(detail, sizeof detail, "all");
    if (rc == MF_OK && slot) {
        *slot = (edge_pending_t){tag, q->tag, q->cmd, q->role, ""};
        snprintf(slot->detail, sizeof slot->detail, "%s", detail);
        return;
    }
    staff_reply_t r = {.kind = STAFF_REQ_COMMAND, .tag = q->tag, .rc = rc == MF_OK ? MF_EFULL : rc};
    r.cmd = q->cmd;
    r.outcome = STAFF_OUTCOME_NOT_SENT;
    audit(e, q->role, cmd_action(q->cmd), detail, "not sent");
    reply(e, k, &r, now);
}

/* A result of the line driver: the console's if it asked. */
static bool line_result(staff_edge_t *e, kiosk_t *k, const line_event_t *ev, int64_t now)
{
    for (int i = 0; i < EDGE_PENDING; i++) {
        edge_pending_t *p = &e->pending[i];
        if (p->drv_tag == 0 || p->drv_tag != ev->tag)
            continue;
        staff_reply_t r = {.kind = STAFF_REQ_COMMAND, .tag = p->tag, .cmd = p->cmd};
        r.outcome = ev->result == LINE_RESULT_ACCEPTED  ? STAFF_OUTCOME_ACCEPTED
                    : ev->result == LINE_RESULT_REFUSED ? STAFF_OUTCOME_REFUSED
                                                        : STAFF_OUTCOME_TIMED_OUT;
        r.plc_result = ev->plc_result;
        r.line_state = e->snap_valid ? e->snap.line_state : 0;
        const char *why = NULL, *okey = NULL;
        staff_outcome_keys(p->cmd, r.outcome, r.plc_result, r.line_state, &okey, &why);
        char res[160];
        snprintf(res, sizeof res, "%s%s%.96s", staff_outcome_name(r.outcome),
                 ev->text[0] ? ": " : "", ev->text);
        audit(e, p->role, cmd_action(p->cmd), p->detail, res);
        memset(p, 0, sizeof *p);
        reply(e, k, &r, now);
        return true;
    }
    return false;
}

static void translate_line(staff_edge_t *e, staff_line_t *l)
{
    const line_snapshot_t *s = &e->snap;
    memset(l, 0, sizeof *l);
    l->known = true;
    l->online = s->conn == LINE_CONN_CONNECTED && !s->stale;
    l->stale = s->stale;
    if (!l->online)
        snprintf(l->error, sizeof l->error, "%s",
                 s->last_error[0] ? s->last_error : line_conn_name(s->conn));
    l->state = s->line_state;
    l->mode = s->line_mode;
    l->running = s->running;
    l->estop = s->estop;
    l->alarm_active = s->alarm_active;
    l->alarm_unacked = s->alarm_unacked;
    l->good = s->good;
    l->rejected = s->rejected;
    l->uptime_s = s->run_time_s ? s->run_time_s : s->uptime_s;
    for (int i = 0; i < STAFF_STATIONS && i < MF_STATION_COUNT; i++) {
        const line_station_t *st = &s->stations[i];
        l->stations[i].state = st->state;
        l->stations[i].order = st->order;
        l->stations[i].colour = st->colour;
        l->stations[i].progress = st->progress;
        l->stations[i].alarm = st->alarm;
        l->stations[i].part = st->part_present;
        if (st->avg_cycle_ds > l->avg_cycle_ds)
            l->avg_cycle_ds = st->avg_cycle_ds;
    }
    l->queue_len = s->queue_len < STAFF_QUEUE_MAX ? s->queue_len : STAFF_QUEUE_MAX;
    for (int i = 0; i < l->queue_len; i++) {
        l->queue[i].order = s->queue[i].order;
        l->queue[i].colour = s->queue[i].colour;
        l->queue[i].engrave = s->queue[i].engrave;
    }
    l->alarm_count = s->alarm_count < STAFF_ALARMS_MAX ? s->alarm_count : STAFF_ALARMS_MAX;
    for (int i = 0; i < l->alarm_count; i++) {
        l->alarms[i].code = s->alarms[i].code;
        l->alarms[i].station = s->alarms[i].station;
        l->alarms[i].param = s->alarms[i].param;
        l->alarms[i].active = s->alarms[i].active;
        l->alarms[i].unacked = s->alarms[i].unacked;
    }
    clock_text(e, l->clock, sizeof l->clock);
}

void staff_edge_stack_light(const staff_line_t *l, io_light_t *out)
{
    memset(out, 0, sizeof *out);
    if (!l->known)
        return;
    if (!l->online) {
        out->orange = IO_LAMP_BLINK_SLOW;
    } else if (l->estop) {
        out->red = IO_LAMP_BLINK_FAST;
        out->buzzer = IO_BUZZER_BURSTS;
        out->bursts = 3;
    } else if (l->alarm_unacked) {
        out->red = IO_LAMP_BLINK_SLOW;
        out->buzzer = IO_BUZZER_BURSTS;
        out->bursts = 1;
    } else if (l->alarm_active || l->state == MF_PACKML_ABORTED || l->state == MF_PACKML_ABORTING) {
        out->red = IO_LAMP_ON;
    } else if (l->state == MF_PACKML_EXECUTE) {
        out->green = IO_LAMP_ON;
    } else if (l->state == MF_PACKML_STARTING || l->state == MF_PACKML_RESETTING ||
               l->state == MF_PACKML_CLEARING || l->state == MF_PACKML_STOPPING) {
        out->orange = IO_LAMP_BLINK_SLOW;
    } else {
        out->orange = IO_LAMP_ON; /* ready, stopped, held: someone should look */
    }
}

/* The stack light follows the line: set when what it should show changes. */
static void follow_light(staff_edge_t *e, const staff_line_t *l)
{
    io_drv_t *io = e->o.devices ? devices_io(e->o.devices) : NULL;
    if (!io)
        return;
    io_light_t want;
    staff_edge_stack_light(l, &want);
    if (e->light_set && memcmp(&want, &e->light, sizeof want) == 0)
        return;
    io_drv_set_light(io, &want);
    e->light = want;
    e->light_set = true;
}

static bool feed_line(staff_edge_t *e, kiosk_t *k, int64_t now)
{
    line_drv_t *line = edge_line(e);
    bool changed = false;
    if (!line)
        return false;
    line_event_t ev;
    while (line_drv_poll_event(line, &ev)) {
        if (ev.kind == LINE_EV_RESULT && line_result(e, k, &ev, now)) {
            changed = true;
            continue;
        }
        if (e->o.other_line_event)
            e->o.other_line_event(e->o.other_ctx, &ev);
    }
    line_drv_snapshot(line, &e->snap);
    if (e->snap_valid && e->snap.serial == e->line_serial)
        return changed;
    e->snap_valid = true;
    e->line_serial = e->snap.serial;
    memset(&e->news, 0, sizeof e->news);
    e->news.kind = STAFF_NEWS_LINE;
    translate_line(e, &e->news.line);
    follow_light(e, &e->news.line);
    return deliver(e, k, now) || changed;
}

/* ---- the devices ---------------------------------------------------------- */

static bool feed_devices(staff_edge_t *e, kiosk_t *k, int64_t now)
{
    if (now < e->next_devices)
        return false;
    e->next_devices = now + EDGE_DEVICES_MS;
    memset(&e->news, 0, sizeof e->news);
    e->news.kind = STAFF_NEWS_DEVICES;
    for (int i = 0; i < STAFF_DEV_COUNT; i++) {
        staff_device_t *d = &e->news.devices[i];
        d->last_good_age_ms = -1;
        if (!e->o.devices)
            continue;
        device_summary_t s;
        devices_summary(e->o.devices, (device_kind_t)i, &s);
        d->present = s.configured;
        snprintf(d->address, sizeof d->address, "%s", s.address);
        d->connected = s.connected;
        snprintf(d->last_error, sizeof d->last_error, "%s", s.last_error);
        d->errors = s.errors;
        if (s.last_good_ms > 0)
            d->last_good_age_ms = now > s.last_good_ms ? now - s.last_good_ms : 0;
        if (i == STAFF_DEV_ENGRAVER && devices_engraver(e->o.devices)) {
            grbl_snapshot_t g;
            grbl_drv_snapshot(devices_engraver(e->o.devices), &g);
            snprintf(d->state, sizeof d->state, "%s",
                     g.machine_state[0] ? g.machine_state : grbl_drv_state_name(g.state));
            d->can_unlock = g.state == GRBL_DRV_ALARM;
        }
    }
    if (e->o.hooks.store_status)
        e->o.hooks.store_status(e->o.hooks.ctx, &e->news.store);
    return deliver(e, k, now);
}

static void device_action(staff_edge_t *e, kiosk_t *k, const staff_request_t *q, int64_t now)
{
    staff_reply_t r = {.kind = q->kind, .tag = q->tag};
    static const char *const names[STAFF_DEV_COUNT] = {"line", "io", "engraver", "scanner"};
    const char *dev = q->device < STAFF_DEV_COUNT ? names[q->device] : "?";
    if (q->kind == STAFF_REQ_UNLOCK) {
        grbl_drv_t *g = e->o.devices ? devices_engraver(e->o.devices) : NULL;
        r.rc = g ? grbl_drv_reset(g) : MF_ENOENT;
        audit(e, q->role, "unlock", "engraver", r.rc == MF_OK ? "ok" : mf_strerror(r.rc));
    } else {
        /* The driver closes and opens again on its own thread; the answer
         * comes when the device is back (or not, after EDGE_RECONNECT_MS). */
        int kind = q->device < STAFF_DEV_COUNT ? (int)q->device : -1;
        r.rc = kind >= 0 && e->o.devices ? devices_reconnect(e->o.devices, (device_kind_t)kind)
                                         : MF_ENOENT;
        if (r.rc == MF_OK) {
            device_summary_t s;
            devices_summary(e->o.devices, (device_kind_t)kind, &s);
            e->reconnect[kind].active = true;
            e->reconnect[kind].tag = q->tag;
            e->reconnect[kind].role = q->role;
            e->reconnect[kind].connects = s.connects;
            e->reconnect[kind].deadline = now + EDGE_RECONNECT_MS;
            return;
        }
        audit(e, q->role, "reconnect", dev, mf_strerror(r.rc));
    }
    reply(e, k, &r, now);
}

/* Answers the reconnects asked for: done once the device is connected again
 * (one more connection than when asked), else timed out with its reason. */
static bool reconnect_answers(staff_edge_t *e, kiosk_t *k, int64_t now)
{
    static const char *const names[STAFF_DEV_COUNT] = {"line", "io", "engraver", "scanner"};
    bool changed = false;
    for (int i = 0; i < STAFF_DEV_COUNT; i++) {
        if (!e->reconnect[i].active || !e->o.devices)
            continue;
        device_summary_t s;
        devices_summary(e->o.devices, (device_kind_t)i, &s);
        bool back = s.connected && s.connects > e->reconnect[i].connects;
        if (!back && now < e->reconnect[i].deadline)
            continue;
        staff_reply_t r = {.kind = STAFF_REQ_RECONNECT, .tag = e->reconnect[i].tag};
        r.rc = back ? MF_OK : MF_ETIMEDOUT;
        if (!back)
            snprintf(r.text, sizeof r.text, "%s",
                     s.last_error[0] ? s.last_error : mf_strerror(MF_ETIMEDOUT));
        audit(e, e->reconnect[i].role, "reconnect", names[i], back ? "ok" : r.text);
        e->reconnect[i].active = false;
        changed |= reply(e, k, &r, now);
    }
    return changed;
}

/* ---- the requests --------------------------------------------------------- */

static void usb_scan(staff_edge_t *e, staff_reply_t *r)
{
    staff_usb_drive_t d[STAFF_USB_MAX];
    int n = staff_usb_find(e->o.usb_mounts, e->o.usb_sys, d, STAFF_USB_MAX);
    r->usb_present = n > 0;
    r->rc = n > 0 ? MF_OK : MF_ENOENT;
    if (n > 0)
        snprintf(r->text, sizeof r->text, "USB: %.60s — %.1f / %.1f GB", d[0].label,
                 (double)d[0].free_bytes / 1e9, (double)d[0].total_bytes / 1e9);
}

static void handle(staff_edge_t *e, kiosk_t *k, const staff_request_t *q, int64_t now)
{
    staff_reply_t r = {.kind = q->kind, .tag = q->tag};
    const staff_hooks_t *h = &e->o.hooks;
    switch (q->kind) {
    case STAFF_REQ_PIN_STATUS:
    case STAFF_REQ_PIN_CHECK:
    case STAFF_REQ_EXPORT:
    case STAFF_REQ_FIGURES:
        queue_job(e, q, k, now);
        return;
    case STAFF_REQ_COMMAND:
        send_command(e, k, q, now);
        return;
    case STAFF_REQ_RECONNECT:
    case STAFF_REQ_UNLOCK:
        device_action(e, k, q, now);
        return;
    case STAFF_REQ_CONTEXT_GET:
        r.rc = h->context_get ? h->context_get(h->ctx, &r.context) : MF_EUNSUPPORTED;
        break;
    case STAFF_REQ_CONTEXT_SET: {
        r.context = q->context;
        r.rc = h->context_set ? h->context_set(h->ctx, &q->context) : MF_EUNSUPPORTED;
        if (r.rc == MF_OK && h->context_get)
            h->context_get(h->ctx, &r.context);
        char detail[4 * STAFF_FIELD_MAX + 64];
        snprintf(detail, sizeof detail, "%s|%s|%s|%s %s|%s|%d", q->context.town, q->context.venue,
                 q->context.dates, staff_group_type_name(q->context.type), q->context.level,
                 q->context.name, q->context.headcount);
        audit(e, q->role, "group", detail, r.rc == MF_OK ? "ok" : mf_strerror(r.rc));
        if (r.rc == MF_OK) {
            if (q->context.type != STAFF_GROUP_NONE)
                local_day(e, e->group_day);
            else
                e->group_day[0] = '\0';
            group_day_save(e);
        }
        break;
    }
    case STAFF_REQ_USB_SCAN:
        usb_scan(e, &r);
        break;
    case STAFF_REQ_RELOAD: {
        if (q->from_usb && h->install) {
            e->install_role = q->role;
            queue_job(e, q, k, now); /* copied off the UI thread, then reloaded */
            return;
        }
        char dir[PATH_MAX] = "";
        if (q->from_usb) {
            staff_usb_drive_t d[STAFF_USB_MAX];
            int n = staff_usb_find(e->o.usb_mounts, e->o.usb_sys, d, STAFF_USB_MAX);
            r.usb_present = n > 0;
            if (n > 0)
                snprintf(dir, sizeof dir, "%s/minifab-content", d[0].mount);
        }
        if (q->from_usb && !dir[0])
            r.rc = MF_ENOENT;
        else if (!h->reload)
            r.rc = MF_EUNSUPPORTED;
        else
            r.rc = h->reload(h->reload_ctx, k, dir[0] ? dir : NULL, now, r.text, sizeof r.text);
        audit(e, q->role, "reload", q->from_usb ? "usb" : "folder",
              r.rc == MF_OK ? "ok"
              : r.text[0]   ? r.text
                            : mf_strerror(r.rc));
        break;
    }
    case STAFF_REQ_LOGOUT:
        audit(e, q->role, "logout", "", "ok");
        return;
    }
    reply(e, k, &r, now);
}

/* A pack installed from the stick by the worker: the kiosk loads it now
 * (the console is open, so no visit is under way), audited either way. */
static void applied_install(staff_edge_t *e, kiosk_t *k, staff_reply_t *r, int64_t now)
{
    const staff_hooks_t *h = &e->o.hooks;
    if (r->rc == MF_OK && h->reload) {
        char installed[STAFF_TEXT_MAX];
        snprintf(installed, sizeof installed, "%s", r->text);
        r->rc = h->reload(h->reload_ctx, k, NULL, now, r->text, sizeof r->text);
        if (r->rc == MF_OK)
            snprintf(r->text, sizeof r->text, "%s", installed);
    }
    audit(e, e->install_role, "reload", "usb",
          r->rc == MF_OK ? "ok"
          : r->text[0]   ? r->text
                         : mf_strerror(r->rc));
}

/* A group ends at the end of the day it was set (the stop goes on). */
static void end_group_at_day_end(staff_edge_t *e, int64_t now)
{
    const staff_hooks_t *h = &e->o.hooks;
    if (now < e->next_day_check || !e->group_day[0] || !h->context_get || !h->context_set)
        return;
    e->next_day_check = now + 60000;
    char today[11];
    local_day(e, today);
    if (strcmp(today, e->group_day) == 0)
        return;
    staff_context_t c;
    if (h->context_get(h->ctx, &c) == MF_OK && c.type != STAFF_GROUP_NONE) {
        c.type = STAFF_GROUP_NONE;
        int rc = h->context_set(h->ctx, &c);
        audit(e, STAFF_ROLE_NONE, "group", "end of day", rc == MF_OK ? "ok" : mf_strerror(rc));
    }
    e->group_day[0] = '\0';
    group_day_save(e);
}

bool staff_edge_pump(staff_edge_t *e, kiosk_t *k, int64_t now)
{
    bool changed = false;
    end_group_at_day_end(e, now);
    staff_request_t q;
    while (staff_console_take_request(k, &q)) {
        handle(e, k, &q, now);
        changed = true;
    }
    memset(&q, 0, sizeof q);
    /* the worker's replies */
    for (;;) {
        staff_reply_t r;
        pthread_mutex_lock(&e->mu);
        bool got = e->replies_len > 0;
        if (got) {
            r = e->replies[0];
            memmove(&e->replies[0], &e->replies[1],
                    sizeof e->replies[0] * (size_t)(e->replies_len - 1));
            e->replies_len--;
        }
        pthread_mutex_unlock(&e->mu);
        if (!got)
            break;
        if (r.kind == STAFF_REQ_RELOAD)
            applied_install(e, k, &r, now);
        changed |= reply(e, k, &r, now);
    }
    changed |= feed_line(e, k, now);
    changed |= feed_devices(e, k, now);
    changed |= reconnect_answers(e, k, now);
    flush_audit(e);
    return changed;
}

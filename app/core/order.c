/*
 * order.c - the order desk's state machine (see order.h).
 *
 * One record per order in flight. The line's snapshot (MF_EV_LINE) says
 * where each piece is; the PLC's answers, finished pieces and engraving jobs
 * arrive as MF_EV_ORDER news; the engraver's position (MF_EV_ENGRAVER) moves
 * the live drawing. Actions and outcomes wait in two small queues until the
 * platform and the kiosk take them.
 */
#include "order.h"

#include "mf_error.h"
#include "visit_event.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORDER_ACTIONS_MAX 16
#define ORDER_OUTCOMES_MAX 16
/* line seconds for a pallet to move from one station to the next (REGISTERS.md) */
#define ORDER_TRANSFER_S 3

typedef struct {
    bool used;
    order_info_t info;
    char text[ORDER_TEXT_MAX];
    bool engrave_sent;       /* the ENGRAVE action was taken for the piece at the laser */
    uint32_t engrave_for;    /* the PLC order the engraving was sent for */
    bool ignore_finish;      /* cancelled: its piece leaving the line is not news */
    int seg;                 /* live drawing: segment the head is on */
    view_strokes_t *strokes; /* NULL for a plain holder */
} order_rec_t;

struct order_desk {
    bool has_engraver;
    uint32_t next_ref;
    mf_line_status_t line;
    bool line_heard;
    mf_engraver_status_t engraver;
    order_rec_t recs[ORDER_DESK_MAX];
    order_action_t actions[ORDER_ACTIONS_MAX];
    int nactions;
    order_outcome_t outcomes[ORDER_OUTCOMES_MAX];
    int noutcomes;
};

static void recycle(order_desk_t *d);

void order_wipe(void *buf, size_t size)
{
    volatile unsigned char *p = buf;
    for (size_t i = 0; i < size; i++)
        p[i] = 0;
}

const char *order_colour_name(int colour)
{
    static const char *const names[] = {"none",   "red",   "blue",  "green",
                                        "yellow", "black", "silver"};
    return colour >= 1 && colour <= MF_LINE_COLOURS ? names[colour] : names[0];
}

order_desk_t *order_desk_create(bool has_engraver)
{
    order_desk_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->has_engraver = has_engraver;
    d->next_ref = 1;
    d->engraver.state = has_engraver ? MF_ENGRAVER_OFFLINE : MF_ENGRAVER_ABSENT;
    return d;
}

static void rec_free(order_rec_t *r)
{
    order_wipe(r->text, sizeof r->text);
    if (r->strokes) {
        order_wipe(r->strokes, sizeof *r->strokes); /* the strokes spell the text */
        free(r->strokes);
    }
    memset(r, 0, sizeof *r);
}

void order_desk_destroy(order_desk_t *d)
{
    if (!d)
        return;
    for (int i = 0; i < ORDER_DESK_MAX; i++)
        rec_free(&d->recs[i]);
    for (int i = 0; i < d->nactions; i++)
        order_wipe(d->actions[i].text, sizeof d->actions[i].text);
    free(d);
}

order_closed_t order_desk_can_order(const order_desk_t *d)
{
    if (!d->has_engraver)
        return ORDER_CLOSED_NO_ENGRAVER;
    if (!d->line_heard || !d->line.online)
        return ORDER_CLOSED_LINE_DOWN;
    if (d->line.estop)
        return ORDER_CLOSED_ESTOP;
    /* a full queue first: "come back in a few minutes" is then the truth */
    if (d->line.detail.known && d->line.detail.queue_full)
        return ORDER_CLOSED_QUEUE_FULL;
    if (!d->line.running || (d->line.detail.known && !d->line.detail.auto_mode))
        return ORDER_CLOSED_STOPPED;
    if (d->engraver.state == MF_ENGRAVER_ALARM || d->engraver.state == MF_ENGRAVER_OFFLINE)
        return ORDER_CLOSED_ENGRAVER;
    return ORDER_OPEN;
}

bool order_desk_colour_available(const order_desk_t *d, int colour)
{
    if (colour < 1 || colour > MF_LINE_COLOURS)
        return false;
    if (!d->line.detail.known)
        return true;
    return d->line.detail.magazine[colour - 1] > 0;
}

static void push_action(order_desk_t *d, const order_action_t *a)
{
    if (d->nactions < ORDER_ACTIONS_MAX)
        d->actions[d->nactions++] = *a;
}

static void push_outcome(order_desk_t *d, const order_rec_t *r, visit_order_outcome_t outcome,
                         const char *why)
{
    if (d->noutcomes >= ORDER_OUTCOMES_MAX)
        return;
    order_outcome_t *o = &d->outcomes[d->noutcomes++];
    memset(o, 0, sizeof *o);
    o->visit = r->info.visit;
    o->order_no = r->info.order_no;
    o->outcome = (int)outcome;
    snprintf(o->why, sizeof o->why, "%s", why ? why : "");
}

static void submit(order_desk_t *d, order_rec_t *r)
{
    order_action_t a = {.kind = ORDER_ACT_SUBMIT,
                        .ref = r->info.ref,
                        .colour = r->info.colour,
                        .engrave = r->info.engraved};
    push_action(d, &a);
    r->info.state = ORDER_SENDING;
    r->engrave_sent = false;
    r->seg = 0;
    r->info.burned = 0.0f;
}

int order_desk_place(order_desk_t *d, uint64_t visit, int colour, const char *text,
                     const view_strokes_t *strokes, int64_t now)
{
    (void)now;
    if (colour < 1 || colour > MF_LINE_COLOURS || !text || strlen(text) >= ORDER_TEXT_MAX)
        return MF_EINVAL;
    recycle(d);
    order_rec_t *r = NULL;
    for (int i = 0; i < ORDER_DESK_MAX && !r; i++)
        if (!d->recs[i].used)
            r = &d->recs[i];
    if (!r)
        return MF_EBUSY;
    memset(r, 0, sizeof *r);
    bool engraved = text[0] != '\0';
    if (engraved && strokes && strokes->npts > 0) {
        r->strokes = malloc(sizeof *r->strokes);
        if (!r->strokes)
            return MF_ENOMEM;
        memcpy(r->strokes, strokes, sizeof *r->strokes);
    }
    r->used = true;
    snprintf(r->text, sizeof r->text, "%s", text);
    r->info.ref = d->next_ref++;
    r->info.visit = visit;
    r->info.colour = colour;
    r->info.engraved = engraved;
    r->info.seconds_left = -1;
    submit(d, r);
    return (int)r->info.ref;
}

static order_rec_t *find_ref(order_desk_t *d, uint32_t ref)
{
    for (int i = 0; i < ORDER_DESK_MAX; i++)
        if (d->recs[i].used && d->recs[i].info.ref == ref)
            return &d->recs[i];
    return NULL;
}

static order_rec_t *find_order(order_desk_t *d, uint32_t order_no)
{
    if (order_no == 0)
        return NULL;
    for (int i = 0; i < ORDER_DESK_MAX; i++)
        if (d->recs[i].used && d->recs[i].info.order_no == order_no)
            return &d->recs[i];
    return NULL;
}

const order_info_t *order_desk_get(const order_desk_t *d, uint32_t ref)
{
    order_rec_t *r = find_ref((order_desk_t *)d, ref);
    return r ? &r->info : NULL;
}

const view_strokes_t *order_desk_strokes(const order_desk_t *d, uint32_t ref)
{
    order_rec_t *r = find_ref((order_desk_t *)d, ref);
    return r ? r->strokes : NULL;
}

/* The end of an order: the text goes, the record stays for the screen to
 * show until a newer order needs its place. */
static void finish(order_desk_t *d, order_rec_t *r, order_state_t state, order_problem_t problem)
{
    (void)d;
    r->info.state = state;
    r->info.problem = problem;
    r->info.seconds_left = state == ORDER_DELIVERED ? 0 : -1;
    order_wipe(r->text, sizeof r->text);
}

static bool active(const order_rec_t *r)
{
    return r->used && r->info.state != ORDER_DELIVERED && r->info.state != ORDER_FAILED;
}

/* A finished record makes room for a new order once nothing shows it: the
 * oldest finished one is reused (order_desk_place looks for unused first). */
static void recycle(order_desk_t *d)
{
    int used = 0;
    for (int i = 0; i < ORDER_DESK_MAX; i++)
        used += d->recs[i].used;
    if (used < ORDER_DESK_MAX)
        return;
    uint32_t oldest = UINT32_MAX;
    int at = -1;
    for (int i = 0; i < ORDER_DESK_MAX; i++)
        if (!active(&d->recs[i]) && d->recs[i].info.ref < oldest) {
            oldest = d->recs[i].info.ref;
            at = i;
        }
    if (at >= 0)
        rec_free(&d->recs[at]);
}

/* Line seconds to delivery for a piece at STATION (2..7) with PROGRESS %. */
static int seconds_left(const mf_line_status_t *line, int station, int progress, int queue_pos,
                        float engrave_s)
{
    const mf_line_detail_t *l = &line->detail;
    double s = 0.0;
    /* index i is station i + 2; before the store (queued): every station */
    int from = station >= 2 ? station - 2 : 0;
    for (int i = from; i < MF_LINE_STATIONS; i++) {
        double nominal = line->stations[i].nominal_ds / 10.0;
        if (nominal <= 0.0)
            nominal = 8.0;
        if (i + 2 == station)
            s += nominal * (1.0 - progress / 100.0);
        else
            s += nominal + ORDER_TRANSFER_S;
    }
    if (station < 2)
        s += ORDER_TRANSFER_S + (queue_pos > 1 ? (queue_pos - 1) * 10.0 : 0.0);
    if (station <= 4)
        s += engrave_s > 0 ? engrave_s : 0;
    double speed = l->speed_pct > 0 ? l->speed_pct / 100.0 : 1.0;
    return (int)ceil(s / speed);
}

bool order_desk_line(order_desk_t *d, const mf_line_status_t *line, int64_t now)
{
    (void)now;
    bool changed =
        !d->line_heard || d->line.online != line->online || d->line.running != line->running ||
        d->line.estop != line->estop || d->line.detail.queue_full != line->detail.queue_full ||
        memcmp(d->line.detail.magazine, line->detail.magazine, sizeof line->detail.magazine) != 0;
    d->line = *line;
    d->line_heard = true;
    const mf_line_detail_t *l = &line->detail;
    for (int i = 0; i < ORDER_DESK_MAX; i++) {
        order_rec_t *r = &d->recs[i];
        if (!active(r) || r->info.order_no == 0)
            continue;
        order_info_t before = r->info;
        r->info.paused_estop = line->estop;
        if (l->known) {
            int station = 0, progress = 0, qpos = 0;
            for (int s = 0; s < MF_LINE_STATIONS; s++)
                if (line->stations[s].order == r->info.order_no) {
                    station = s + 2;
                    progress = line->stations[s].progress;
                }
            for (int q = 0; q < l->queue_len && q < MF_LINE_QUEUE_MAX; q++)
                if (l->queue[q] == r->info.order_no)
                    qpos = q + 1;
            if (station) {
                if (r->info.state == ORDER_QUEUED)
                    r->info.state = ORDER_ON_LINE;
                r->info.station = station;
                r->info.progress = progress;
                r->info.queue_pos = 0;
                if (station >= 3)
                    r->info.just_rejected = false; /* the new piece is on its way */
            } else if (qpos) {
                r->info.queue_pos = qpos;
            }
            float engrave_s = r->info.state == ORDER_ENGRAVING ? d->engraver.seconds_left : 0.0f;
            r->info.seconds_left =
                seconds_left(line, r->info.station, r->info.progress, r->info.queue_pos, engrave_s);
            /* The piece waits at the laser: engrave it (once per piece). */
            if (l->engrave_waiting && l->engrave_order == r->info.order_no && !r->engrave_sent &&
                r->info.engraved && d->engraver.state == MF_ENGRAVER_READY) {
                order_action_t a = {
                    .kind = ORDER_ACT_ENGRAVE, .ref = r->info.ref, .order_no = r->info.order_no};
                snprintf(a.text, sizeof a.text, "%s", r->text);
                push_action(d, &a);
                order_wipe(a.text, sizeof a.text);
                r->engrave_sent = true;
                r->engrave_for = r->info.order_no;
                r->info.state = ORDER_ENGRAVING;
                r->seg = 0;
                r->info.burned = 0.0f;
            }
        }
        if (memcmp(&before, &r->info, sizeof before) != 0)
            changed = true;
    }
    return changed;
}

bool order_desk_news(order_desk_t *d, const mf_order_news_t *n, int64_t now)
{
    (void)now;
    /* news of a piece on the line (finished, cancelled) names the PLC's
     * number; answers to the desk's own requests its reference */
    order_rec_t *r = n->kind == MF_ORDER_FINISHED || n->kind == MF_ORDER_CANCELLED
                         ? find_order(d, n->order)
                         : find_ref(d, n->ref);
    if (!r)
        return false;
    switch (n->kind) {
    case MF_ORDER_ACCEPTED:
        if (r->info.state != ORDER_SENDING)
            return false;
        r->info.order_no = n->order;
        r->info.state = ORDER_QUEUED;
        r->info.queue_pos = 0;
        r->info.station = 0;
        return true;
    case MF_ORDER_REFUSED:
    case MF_ORDER_TIMED_OUT: {
        if (r->info.state != ORDER_SENDING)
            return false;
        bool full = strcmp(n->why, "queue-full") == 0;
        order_problem_t p = n->kind == MF_ORDER_TIMED_OUT ? ORDER_PROBLEM_NO_ANSWER
                            : full                        ? ORDER_PROBLEM_QUEUE_FULL
                                                          : ORDER_PROBLEM_REFUSED;
        push_outcome(d, r, VISIT_ORDER_REFUSED,
                     n->kind == MF_ORDER_TIMED_OUT ? "no-answer"
                     : n->why[0]                   ? n->why
                                                   : "refused");
        finish(d, r, ORDER_FAILED, p);
        recycle(d);
        return true;
    }
    case MF_ORDER_CANCELLED:
        /* Staff took it out of the queue (staff console, any kiosk): its
         * visitor is told kindly; no piece will come. */
        if (!active(r))
            return false;
        push_outcome(d, r, VISIT_ORDER_CANCELLED, "staff");
        r->ignore_finish = true;
        finish(d, r, ORDER_FAILED, ORDER_PROBLEM_CANCELLED);
        recycle(d);
        return true;
    case MF_ORDER_FINISHED:
        if (r->ignore_finish || !active(r))
            return false;
        if (n->delivered) {
            push_outcome(d, r, VISIT_ORDER_DELIVERED, "");
            finish(d, r, ORDER_DELIVERED, ORDER_PROBLEM_NONE);
            r->info.station = 7;
            r->info.progress = 100;
        } else if (r->info.remakes >= ORDER_REMAKES_MAX) {
            push_outcome(d, r, VISIT_ORDER_CANCELLED, "rejected");
            finish(d, r, ORDER_FAILED, ORDER_PROBLEM_REJECTED);
        } else {
            /* As on the real line: quality control rejected the piece, a new
             * one is made from a new blank (same colour, same text). */
            push_outcome(d, r, VISIT_ORDER_REJECTED, "quality");
            r->info.remakes++;
            r->info.just_rejected = true;
            r->info.order_no = 0;
            r->info.station = 0;
            r->info.progress = 0;
            submit(d, r);
        }
        recycle(d);
        return true;
    case MF_ORDER_ENGRAVING:
        if (!n->ok) {
            /* The job could not even start (the laser is in alarm or gone):
             * the piece is released as failed so that the line goes on. */
            order_action_t a = {.kind = ORDER_ACT_ENGRAVE_DONE,
                                .ref = r->info.ref,
                                .order_no = r->engrave_for,
                                .ok = false};
            push_action(d, &a);
            push_outcome(d, r, VISIT_ORDER_CANCELLED, "engraver");
            r->ignore_finish = true;
            finish(d, r, ORDER_FAILED, ORDER_PROBLEM_ENGRAVER);
        }
        return true;
    case MF_ORDER_ENGRAVED: {
        if (r->info.state != ORDER_ENGRAVING)
            return false;
        order_action_t a = {.kind = ORDER_ACT_ENGRAVE_DONE,
                            .ref = r->info.ref,
                            .order_no = r->engrave_for,
                            .ok = n->ok};
        push_action(d, &a);
        if (n->ok) {
            r->info.state = ORDER_ON_LINE;
            r->info.burned = -1.0f; /* all of it */
        } else {
            push_outcome(d, r, VISIT_ORDER_CANCELLED, "engraver");
            r->ignore_finish = true;
            finish(d, r, ORDER_FAILED, ORDER_PROBLEM_ENGRAVER);
        }
        return true;
    }
    }
    return false;
}

/* Squared distance from P to segment AB, and the fraction along it. */
static float seg_dist2(float px, float py, float ax, float ay, float bx, float by, float *t)
{
    float dx = bx - ax, dy = by - ay;
    float len2 = dx * dx + dy * dy;
    float f = len2 > 0.0f ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0f;
    if (f < 0.0f)
        f = 0.0f;
    if (f > 1.0f)
        f = 1.0f;
    float cx = ax + f * dx - px, cy = ay + f * dy - py;
    *t = f;
    return cx * cx + cy * cy;
}

/* Moves the live drawing to the segment nearest the head, searching forward
 * only (the laser never goes back over what it burned): a few segments ahead
 * at a time, so that a travel move passing near a later stroke does not
 * jump the drawing there. */
static void follow_head(order_rec_t *r, float x, float y)
{
    const view_strokes_t *s = r->strokes;
    if (!s || s->npts < 2)
        return;
    int best = -1;
    float best_d = 1e30f, best_t = 0.0f;
    int line = 0;
    for (int i = r->seg; i < s->npts - 1 && i < r->seg + 64; i++) {
        while (line + 1 < s->nlines && s->start[line + 1] <= i)
            line++;
        if (line + 1 < s->nlines && s->start[line + 1] == i + 1)
            continue; /* i is the last point of a polyline: no segment to i+1 */
        float t;
        float d2 = seg_dist2(x, y, s->pts[i].x, s->pts[i].y, s->pts[i + 1].x, s->pts[i + 1].y, &t);
        if (d2 < best_d - 1e-6f) {
            best_d = d2;
            best = i;
            best_t = t;
        }
    }
    /* within a millimetre of a stroke: the laser is burning there */
    if (best >= 0 && best_d <= 1.0f) {
        r->seg = best;
        float burned = (float)best + best_t;
        if (burned > r->info.burned)
            r->info.burned = burned;
    }
}

bool order_desk_engraver(order_desk_t *d, const mf_engraver_status_t *e, int64_t now)
{
    (void)now;
    bool changed = d->engraver.state != e->state;
    d->engraver = *e;
    if (!d->has_engraver)
        d->engraver.state = MF_ENGRAVER_ABSENT;
    for (int i = 0; i < ORDER_DESK_MAX; i++) {
        order_rec_t *r = &d->recs[i];
        if (!active(r) || r->info.state != ORDER_ENGRAVING)
            continue;
        float before = r->info.burned;
        follow_head(r, e->x, e->y);
        if (r->info.burned != before)
            changed = true;
    }
    return changed;
}

bool order_desk_next_action(order_desk_t *d, order_action_t *out)
{
    if (d->nactions == 0)
        return false;
    *out = d->actions[0];
    order_wipe(d->actions[0].text, sizeof d->actions[0].text);
    memmove(&d->actions[0], &d->actions[1], (size_t)(d->nactions - 1) * sizeof d->actions[0]);
    d->nactions--;
    order_wipe(&d->actions[d->nactions], sizeof d->actions[0]);
    return true;
}

bool order_desk_next_outcome(order_desk_t *d, order_outcome_t *out)
{
    if (d->noutcomes == 0)
        return false;
    *out = d->outcomes[0];
    memmove(&d->outcomes[0], &d->outcomes[1], (size_t)(d->noutcomes - 1) * sizeof d->outcomes[0]);
    d->noutcomes--;
    return true;
}

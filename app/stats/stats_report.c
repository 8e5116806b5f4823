/*
 * stats_report.c - the PDF report for funders: three A4 pages drawn with
 * cairo from a stats_summary_t (the same figures as `minifab stats summary`
 * and the JSON export, so the report's headline numbers are direct counts of
 * the store, which tests/stats checks by extracting the PDF's text).
 *
 * French, like its readers (the federation, the region). Charts, not tables:
 * visits per day stacked by group type, visits by group type, satisfaction,
 * perception before and after, attention per station, interest per trade,
 * the ten most missed questions. Numbers are written without thousands
 * separators so that text extraction reads them back unchanged.
 */
#include "stats_export.h"

#include "mf_error.h"
#include "stats_db.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN 42.0
#define FONT "Lato"

typedef struct {
    double r, g, b;
} rgb_t;

static const rgb_t INK = {0.13, 0.15, 0.20};
static const rgb_t GREY = {0.45, 0.48, 0.53};
static const rgb_t LIGHT = {0.90, 0.92, 0.95};
static const rgb_t BLUE = {0.07, 0.30, 0.56};
static const rgb_t ORANGE = {0.93, 0.49, 0.13};

/* One colour per group type, in stats_group_type_t order. */
static const rgb_t TYPE_COLOURS[STATS_GROUP_TYPE_COUNT] = {
    {0.93, 0.49, 0.13}, /* general public: orange */
    {0.07, 0.30, 0.56}, /* school: blue */
    {0.20, 0.60, 0.35}, /* job seekers: green */
    {0.55, 0.30, 0.60}, /* company: purple */
    {0.55, 0.57, 0.60}, /* other: grey */
};
static const char *const TYPE_LABELS[STATS_GROUP_TYPE_COUNT] = {
    "Grand public", "Scolaires", "Demandeurs d’emploi", "Entreprises", "Autres"};

static void colour(cairo_t *cr, rgb_t c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

typedef enum { LEFT, CENTRE, RIGHT } align_t;

/* Draws a line of text with its baseline at Y; returns its width. */
static double text(cairo_t *cr, double x, double y, double size, bool bold, rgb_t c, align_t al,
                   const char *fmt, ...) __attribute__((format(printf, 8, 9)));
static double text(cairo_t *cr, double x, double y, double size, bool bold, rgb_t c, align_t al,
                   const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, buf, &e);
    double w = e.x_advance;
    colour(cr, c);
    cairo_move_to(cr, al == LEFT ? x : al == CENTRE ? x - w / 2 : x - w, y);
    cairo_show_text(cr, buf);
    return w;
}

static void rect(cairo_t *cr, double x, double y, double w, double h, rgb_t c)
{
    colour(cr, c);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
}

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

/* "95,3" : French decimals. */
static void fr_decimal(char *buf, size_t size, double v, int decimals)
{
    snprintf(buf, size, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot)
        *dot = ',';
}

static void fr_day(const char *iso, char *buf, size_t size)
{
    int y, m, d;
    if (sscanf(iso, "%d-%d-%d", &y, &m, &d) == 3)
        snprintf(buf, size, "%02d/%02d/%04d", d, m, y);
    else
        snprintf(buf, size, "%s", iso);
}

static void fr_time(int64_t ms, char *buf, size_t size)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%d/%m/%Y", &tm);
}

static void section(cairo_t *cr, double y, const char *title)
{
    text(cr, MARGIN, y, 13, true, BLUE, LEFT, "%s", title);
    colour(cr, LIGHT);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, MARGIN, y + 5);
    cairo_line_to(cr, PAGE_W - MARGIN, y + 5);
    cairo_stroke(cr);
}

static void footer(cairo_t *cr, int page, int pages)
{
    text(cr, MARGIN, PAGE_H - 24, 7.5, false, GREY, LEFT,
         "minifab : statistiques anonymes des visites (aucune donnée personnelle), "
         "comptées dans le magasin des bornes.");
    text(cr, PAGE_W - MARGIN, PAGE_H - 24, 7.5, false, GREY, RIGHT, "page %d / %d", page, pages);
}

/* A headline figure in a tile. */
static void tile(cairo_t *cr, double x, double y, double w, const char *label, const char *value,
                 const char *note)
{
    rect(cr, x, y, w, 70, LIGHT);
    rect(cr, x, y, 4, 70, BLUE);
    text(cr, x + 12, y + 18, 9, false, GREY, LEFT, "%s", label);
    text(cr, x + 12, y + 46, 22, true, INK, LEFT, "%s", value);
    if (note && *note)
        text(cr, x + 12, y + 62, 7.5, false, GREY, LEFT, "%s", note);
}

static int64_t max64(const int64_t *v, size_t n)
{
    int64_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

/* Visits per day, stacked by group type. */
static void chart_days(cairo_t *cr, const stats_summary_t *sm, double x, double y, double w,
                       double h)
{
    size_t n = sm->day_count;
    if (n == 0) {
        text(cr, x, y + 20, 10, false, GREY, LEFT, "Aucune visite dans cette sélection.");
        return;
    }
    int64_t top = 1;
    for (size_t d = 0; d < n; d++) {
        int64_t t = 0;
        for (int g = 0; g < STATS_GROUP_TYPE_COUNT; g++)
            t += sm->days[d].visits[g];
        if (t > top)
            top = t;
    }
    double plot_h = h - 30, base = y + plot_h;
    double slot = w / (double)n, bw = slot * 0.7 > 40 ? 40 : slot * 0.7;
    colour(cr, LIGHT);
    cairo_set_line_width(cr, 0.5);
    for (int i = 1; i <= 4; i++) {
        double gy = base - plot_h * i / 4.0;
        cairo_move_to(cr, x, gy);
        cairo_line_to(cr, x + w, gy);
    }
    cairo_stroke(cr);
    text(cr, x - 4, base - plot_h + 3, 7, false, GREY, RIGHT, "%" PRId64, top);
    text(cr, x - 4, base + 3, 7, false, GREY, RIGHT, "0");
    size_t label_every = n <= 16 ? 1 : (n + 15) / 16;
    for (size_t d = 0; d < n; d++) {
        double bx = x + slot * (double)d + (slot - bw) / 2, by = base;
        int64_t total = 0;
        for (int g = 0; g < STATS_GROUP_TYPE_COUNT; g++) {
            double bh = plot_h * (double)sm->days[d].visits[g] / (double)top;
            rect(cr, bx, by - bh, bw, bh, TYPE_COLOURS[g]);
            by -= bh;
            total += sm->days[d].visits[g];
        }
        if (n <= 31)
            text(cr, bx + bw / 2, by - 3, 7, false, INK, CENTRE, "%" PRId64, total);
        if (d % label_every == 0) {
            char day[16];
            fr_day(sm->days[d].day, day, sizeof day);
            day[5] = '\0'; /* dd/mm */
            text(cr, bx + bw / 2, base + 11, 7, false, GREY, CENTRE, "%s", day);
        }
    }
    /* Legend. */
    double lx = x;
    for (int g = 0; g < STATS_GROUP_TYPE_COUNT; g++) {
        if (!sm->visits_by_type[g])
            continue;
        rect(cr, lx, y + h - 8, 8, 8, TYPE_COLOURS[g]);
        lx += 12 + text(cr, lx + 11, y + h, 8, false, INK, LEFT, "%s", TYPE_LABELS[g]) + 10;
    }
}

/* Horizontal bars: LABELS[i] with VALUES[i], text VALUE_TEXT[i] at the end. */
static void hbars(cairo_t *cr, double x, double y, double w, size_t n, const char *const *labels,
                  const double *values, const char *const *value_text, rgb_t c, double label_w)
{
    double top = 0;
    for (size_t i = 0; i < n; i++)
        if (values[i] > top)
            top = values[i];
    if (top <= 0)
        top = 1;
    double bar_w = w - label_w - 70;
    for (size_t i = 0; i < n; i++) {
        double by = y + (double)i * 17;
        text(cr, x + label_w - 6, by + 10, 8, false, INK, RIGHT, "%s", labels[i]);
        double bw = bar_w * values[i] / top;
        rect(cr, x + label_w, by + 2, bw > 0.5 ? bw : 0.5, 11, c);
        text(cr, x + label_w + bw + 5, by + 11, 8, false, INK, LEFT, "%s", value_text[i]);
    }
}

/* Vertical bars, two series when B is not NULL. */
static void vbars(cairo_t *cr, double x, double y, double w, double h, int n, const int64_t *a,
                  const int64_t *b, const char *const *labels, rgb_t ca, rgb_t cb)
{
    int64_t top = max64(a, (size_t)n);
    if (b && max64(b, (size_t)n) > top)
        top = max64(b, (size_t)n);
    if (top <= 0)
        top = 1;
    int64_t ta = 0, tb = 0;
    for (int i = 0; i < n; i++) {
        ta += a[i];
        tb += b ? b[i] : 0;
    }
    double plot_h = h - 26, base = y + plot_h, slot = w / n;
    double bw = b ? slot * 0.34 : slot * 0.6;
    for (int i = 0; i < n; i++) {
        double sx = x + slot * i;
        double ha = plot_h * (double)a[i] / (double)top;
        double bx = b ? sx + slot / 2 - bw - 1 : sx + (slot - bw) / 2;
        char p[16];
        rect(cr, bx, base - ha, bw, ha, ca);
        fr_decimal(p, sizeof p, pct(a[i], ta), 0);
        text(cr, bx + bw / 2, base - ha - 3, 7, false, INK, CENTRE, "%s %%", p);
        if (b) {
            double hb = plot_h * (double)b[i] / (double)top;
            rect(cr, sx + slot / 2 + 1, base - hb, bw, hb, cb);
            fr_decimal(p, sizeof p, pct(b[i], tb), 0);
            text(cr, sx + slot / 2 + 1 + bw / 2, base - hb - 3, 7, false, INK, CENTRE, "%s %%", p);
        }
        text(cr, sx + slot / 2, base + 11, 7.5, false, GREY, CENTRE, "%s", labels[i]);
    }
}

static void page1(cairo_t *cr, const stats_summary_t *sm, const stats_filter_t *f)
{
    char buf[32], a[32], b[32];
    rect(cr, 0, 0, PAGE_W, 92, BLUE);
    text(cr, MARGIN, 40, 20, true, (rgb_t){1, 1, 1}, LEFT, "Bilan des visites");
    if (sm->stop.id[0])
        text(cr, MARGIN, 64, 11, false, (rgb_t){1, 1, 1}, LEFT, "Étape %s : %s, %s", sm->stop.id,
             sm->stop.town, sm->stop.venue);
    else
        text(cr, MARGIN, 64, 11, false, (rgb_t){1, 1, 1}, LEFT, "Toutes les étapes");
    if (sm->events) {
        fr_time(f->from_ms != INT64_MIN ? f->from_ms : sm->first_ms, a, sizeof a);
        fr_time(f->to_ms != INT64_MAX ? f->to_ms - 1 : sm->last_ms, b, sizeof b);
        text(cr, MARGIN, 80, 10, false, (rgb_t){1, 1, 1}, LEFT, "Du %s au %s", a, b);
    }

    double tw = (PAGE_W - 2 * MARGIN - 20) / 3, ty = 112;
    char v[64], note[96];
    snprintf(v, sizeof v, "%" PRId64, sm->visits);
    snprintf(note, sizeof note, "sessions de visiteurs aux bornes");
    tile(cr, MARGIN, ty, tw, "Visites", v, note);
    fr_decimal(buf, sizeof buf, pct(sm->satisfied, sm->satisfaction_answers), 1);
    snprintf(v, sizeof v, "%s %%", buf);
    snprintf(note, sizeof note, "de %" PRId64 " réponses", sm->satisfaction_answers);
    tile(cr, MARGIN + tw + 10, ty, tw, "Satisfaits", v, note);
    fr_decimal(buf, sizeof buf, sm->perception_shift, 2);
    snprintf(v, sizeof v, "%s%s", sm->perception_shift >= 0 ? "+" : "", buf);
    snprintf(note, sizeof note, "écart moyen sur %" PRId64 " visites", sm->perception_pairs);
    tile(cr, MARGIN + 2 * (tw + 10), ty, tw, "Image de l’industrie", v, note);
    ty += 80;
    snprintf(v, sizeof v, "%" PRId64, sm->orders);
    snprintf(note, sizeof note, "%" PRId64 " livrées", sm->outcomes[VISIT_ORDER_DELIVERED]);
    tile(cr, MARGIN, ty, tw, "Commandes", v, note);
    snprintf(v, sizeof v, "%" PRId64, sm->videos);
    fr_decimal(buf, sizeof buf, (double)sm->videos_watched_ms / 3.6e6, 1);
    snprintf(note, sizeof note, "%s heures regardées", buf);
    tile(cr, MARGIN + tw + 10, ty, tw, "Vidéos vues", v, note);
    fr_decimal(buf, sizeof buf, pct(sm->quiz_correct, sm->quiz_answers), 1);
    snprintf(v, sizeof v, "%s %%", buf);
    snprintf(note, sizeof note, "de %" PRId64 " réponses au quiz", sm->quiz_answers);
    tile(cr, MARGIN + 2 * (tw + 10), ty, tw, "Quiz réussi", v, note);

    section(cr, 300, "Visites par jour et par type de groupe");
    chart_days(cr, sm, MARGIN + 24, 318, PAGE_W - 2 * MARGIN - 24, 230);

    section(cr, 590, "Visites par type de groupe");
    const char *labels[STATS_GROUP_TYPE_COUNT];
    double values[STATS_GROUP_TYPE_COUNT];
    char texts[STATS_GROUP_TYPE_COUNT][96];
    const char *tp[STATS_GROUP_TYPE_COUNT];
    for (int g = 0; g < STATS_GROUP_TYPE_COUNT; g++) {
        labels[g] = TYPE_LABELS[g];
        values[g] = (double)sm->visits_by_type[g];
        fr_decimal(buf, sizeof buf, pct(sm->visits_by_type[g], sm->visits), 1);
        snprintf(texts[g], sizeof texts[g], "%" PRId64 " (%s %%)", sm->visits_by_type[g], buf);
        tp[g] = texts[g];
    }
    hbars(cr, MARGIN, 604, PAGE_W - 2 * MARGIN, STATS_GROUP_TYPE_COUNT, labels, values, tp, BLUE,
          120);

    section(cr, 715, "Qui sont les visiteurs (réponse à « Qui es-tu ? »)");
    static const char *const profile_labels[VISIT_PROFILE_COUNT] = {
        "Sans réponse", "Élèves", "Demandeurs d’emploi", "Salariés", "Autres"};
    double px = MARGIN;
    for (int p = 0; p < VISIT_PROFILE_COUNT; p++) {
        px += text(cr, px, 738, 9, false, INK, LEFT, "%s : %" PRId64, profile_labels[p],
                   sm->profiles[p]) +
              16;
    }
}

static void page2(cairo_t *cr, const stats_summary_t *sm)
{
    char buf[32];
    section(cr, 60, "Satisfaction en fin de visite");
    const char *faces[STATS_SCALE_MAX];
    char face_txt[STATS_SCALE_MAX][24];
    for (int i = 0; i < sm->satisfaction_scale; i++) {
        snprintf(face_txt[i], sizeof face_txt[i], "%d%s", i + 1,
                 i == 0                            ? " (le plus bas)"
                 : i == sm->satisfaction_scale - 1 ? " (le plus haut)"
                                                   : "");
        faces[i] = face_txt[i];
    }
    vbars(cr, MARGIN, 78, PAGE_W - 2 * MARGIN, 150, sm->satisfaction_scale, sm->satisfaction, NULL,
          faces, ORANGE, ORANGE);
    fr_decimal(buf, sizeof buf, pct(sm->satisfied, sm->satisfaction_answers), 1);
    text(cr, MARGIN, 246, 9, false, INK, LEFT,
         "%" PRId64 " réponses ; satisfaits (moitié haute de l’échelle) : %s %%",
         sm->satisfaction_answers, buf);

    section(cr, 284, "Image de l’industrie avant et après la visite");
    const char *opts[STATS_SCALE_MAX];
    char opt_txt[STATS_SCALE_MAX][24];
    for (int i = 0; i < sm->perception_scale; i++) {
        snprintf(opt_txt[i], sizeof opt_txt[i], "%d%s", i + 1,
                 i == 0                          ? " (pas du tout)"
                 : i == sm->perception_scale - 1 ? " (carrément)"
                                                 : "");
        opts[i] = opt_txt[i];
    }
    vbars(cr, MARGIN, 302, PAGE_W - 2 * MARGIN, 150, sm->perception_scale, sm->perception_before,
          sm->perception_after, opts, GREY, BLUE);
    rect(cr, MARGIN, 462, 8, 8, GREY);
    text(cr, MARGIN + 11, 470, 8, false, INK, LEFT, "avant");
    rect(cr, MARGIN + 50, 462, 8, 8, BLUE);
    text(cr, MARGIN + 61, 470, 8, false, INK, LEFT, "après");
    fr_decimal(buf, sizeof buf, sm->perception_shift, 2);
    text(cr, MARGIN + 110, 470, 9, false, INK, LEFT,
         "Écart moyen %s%s sur %" PRId64 " visites : améliorée %" PRId64 ", inchangée %" PRId64
         ", moins bonne %" PRId64,
         sm->perception_shift >= 0 ? "+" : "", buf, sm->perception_pairs, sm->perception_improved,
         sm->perception_same, sm->perception_worse);

    section(cr, 506, "Attention par station (temps moyen sur sa page)");
    size_t n = sm->station_count < 14 ? sm->station_count : 14;
    const char *labels[16];
    double values[16];
    char texts[16][48];
    const char *tp[16];
    for (size_t i = 0; i < n; i++) {
        const stats_item_figure_t *s = &sm->stations[i];
        labels[i] = s->id;
        values[i] = s->views ? (double)s->dwell_ms / 1000.0 / (double)s->views : 0;
        fr_decimal(buf, sizeof buf, values[i], 0);
        snprintf(texts[i], sizeof texts[i], "%s s, %" PRId64 " vues", buf, s->views);
        tp[i] = texts[i];
    }
    if (n == 0)
        text(cr, MARGIN, 530, 9, false, GREY, LEFT, "Aucune page de station vue.");
    hbars(cr, MARGIN, 520, PAGE_W - 2 * MARGIN, n, labels, values, tp, BLUE, 130);
}

static void page3(cairo_t *cr, const stats_summary_t *sm)
{
    char buf[32];
    section(cr, 60, "Intérêt par métier (pages vues et vidéos regardées)");
    size_t n = sm->trade_count < 16 ? sm->trade_count : 16;
    /* zeroed: with no trade (n == 0) GCC -O2 cannot see that hbars reads none */
    const char *labels[16] = {0};
    double values[16] = {0};
    char texts[16][64];
    const char *tp[16] = {0};
    for (size_t i = 0; i < n; i++) {
        const stats_item_figure_t *t = &sm->trades[i];
        labels[i] = t->id;
        values[i] = (double)(t->views + t->videos);
        snprintf(texts[i], sizeof texts[i], "%" PRId64 " pages, %" PRId64 " vidéos", t->views,
                 t->videos);
        tp[i] = texts[i];
    }
    if (n == 0)
        text(cr, MARGIN, 84, 9, false, GREY, LEFT, "Aucun métier consulté.");
    hbars(cr, MARGIN, 74, PAGE_W - 2 * MARGIN, n, labels, values, tp, ORANGE, 170);

    double y = 74 + 17.0 * (double)(n ? n : 1) + 40;
    section(cr, y, "Les dix questions du quiz les plus manquées");
    size_t m = sm->missed_count;
    const char *ql[STATS_MISSED_MAX] = {0};
    double qv[STATS_MISSED_MAX] = {0};
    char qlab[STATS_MISSED_MAX][100], qtxt[STATS_MISSED_MAX][64];
    const char *qt[STATS_MISSED_MAX] = {0};
    for (size_t i = 0; i < m; i++) {
        const stats_question_figure_t *q = &sm->missed[i];
        snprintf(qlab[i], sizeof qlab[i], "%.40s / %.40s", q->station, q->question);
        ql[i] = qlab[i];
        qv[i] = pct(q->answered - q->correct, q->answered);
        fr_decimal(buf, sizeof buf, qv[i], 0);
        snprintf(qtxt[i], sizeof qtxt[i], "%s %% (%" PRId64 " sur %" PRId64 ")", buf,
                 q->answered - q->correct, q->answered);
        qt[i] = qtxt[i];
    }
    if (m == 0)
        text(cr, MARGIN, y + 24, 9, false, GREY, LEFT, "Aucune question manquée.");
    hbars(cr, MARGIN, y + 14, PAGE_W - 2 * MARGIN, m, ql, qv, qt, (rgb_t){0.75, 0.20, 0.20}, 200);

    y += 14 + 17.0 * (double)(m ? m : 1) + 40;
    section(cr, y, "Commandes d’un porte-téléphone");
    static const char *const outcome_labels[VISIT_ORDER_OUTCOME_COUNT] = {
        "livrées", "rejetées au contrôle", "annulées", "refusées par la ligne"};
    double x = MARGIN;
    x += text(cr, x, y + 24, 9, false, INK, LEFT, "%" PRId64 " commandes (%" PRId64 " gravées)",
              sm->orders, sm->orders_engraved) +
         16;
    for (int o = 0; o < VISIT_ORDER_OUTCOME_COUNT; o++)
        x += text(cr, x, y + 24, 9, false, INK, LEFT, "%s : %" PRId64, outcome_labels[o],
                  sm->outcomes[o]) +
             14;
}

int stats_report_pdf(const stats_summary_t *sm, const stats_filter_t *f, const char *out,
                     stats_error_t *err)
{
    cairo_surface_t *surf = cairo_pdf_surface_create(out, PAGE_W, PAGE_H);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        return stats_error_set(err, MF_EIO, "cannot write %s", out);
    }
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, "Bilan des visites");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "minifab " MINIFAB_VERSION);
    cairo_t *cr = cairo_create(surf);
    page1(cr, sm, f);
    footer(cr, 1, 3);
    cairo_show_page(cr);
    page2(cr, sm);
    footer(cr, 2, 3);
    cairo_show_page(cr);
    page3(cr, sm);
    footer(cr, 3, 3);
    cairo_show_page(cr);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (cs != CAIRO_STATUS_SUCCESS)
        return stats_error_set(err, cs == CAIRO_STATUS_WRITE_ERROR ? MF_ENOSPC : MF_EIO,
                               "cannot write the report %s: %s", out,
                               cs == CAIRO_STATUS_WRITE_ERROR ? "the disk is full or was removed"
                                                              : cairo_status_to_string(cs));
    return MF_OK;
}

/*
 * staff_stats.c - the staff console's hooks over the statistics store (see
 * staff_stats.h): translation between the console's stop and group and the
 * store's, figures from stats_summary(), exports with the audit table.
 */
#include "staff_stats.h"

#include "mf_error.h"
#include "mf_log.h"
#include "stats_export.h"
#include "stats_store.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static stats_group_type_t to_stats(staff_group_type_t t)
{
    switch (t) {
    case STAFF_GROUP_SCHOOL:
        return STATS_GROUP_SCHOOL;
    case STAFF_GROUP_JOB_SEEKERS:
        return STATS_GROUP_JOB_SEEKERS;
    case STAFF_GROUP_COMPANY:
        return STATS_GROUP_COMPANY;
    case STAFF_GROUP_PUBLIC:
        return STATS_GROUP_GENERAL_PUBLIC;
    default:
        return STATS_GROUP_OTHER;
    }
}

static staff_group_type_t from_stats(stats_group_type_t t)
{
    switch (t) {
    case STATS_GROUP_SCHOOL:
        return STAFF_GROUP_SCHOOL;
    case STATS_GROUP_JOB_SEEKERS:
        return STAFF_GROUP_JOB_SEEKERS;
    case STATS_GROUP_COMPANY:
        return STAFF_GROUP_COMPANY;
    case STATS_GROUP_GENERAL_PUBLIC:
        return STAFF_GROUP_PUBLIC;
    default:
        return STAFF_GROUP_NONE;
    }
}

static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void staff_stats_stop_id(const char *town, const char *first_day, char *buf, size_t size)
{
    size_t n = 0;
    if (first_day[0])
        n = (size_t)snprintf(buf, size, "%s-", first_day);
    for (const unsigned char *p = (const unsigned char *)town; *p && n + 1 < size; p++) {
        if (isalnum(*p))
            buf[n++] = (char)tolower(*p);
        else if ((*p == ' ' || *p == '-') && n > 0 && buf[n - 1] != '-')
            buf[n++] = '-';
        /* other bytes (accents' UTF-8) are left out: an id, not a name */
    }
    buf[n < size ? n : size - 1] = '\0';
}

static bool is_day(const char *p)
{
    return strlen(p) >= 10 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[3]) &&
           p[4] == '-' && isdigit((unsigned char)p[5]) && isdigit((unsigned char)p[6]) &&
           p[7] == '-' && isdigit((unsigned char)p[8]) && isdigit((unsigned char)p[9]);
}

int staff_stats_parse_dates(const char *text, char first[11], char last[11])
{
    first[0] = last[0] = '\0';
    while (*text == ' ')
        text++;
    if (!*text)
        return MF_OK;
    if (!is_day(text))
        return MF_EINVAL;
    memcpy(first, text, 10);
    first[10] = '\0';
    const char *p = text + 10;
    while (*p == ' ' || *p == '.' || *p == '/')
        p++;
    if (*p == 'a' && p[1] == 'u') /* "2026-11-16 au 2026-11-20" */
        p += 2;
    while (*p == ' ')
        p++;
    if (!*p) {
        memcpy(last, first, 11);
        return MF_OK;
    }
    if (!is_day(p) || p[10])
        return MF_EINVAL;
    memcpy(last, p, 10);
    last[10] = '\0';
    return strcmp(first, last) <= 0 ? MF_OK : MF_EINVAL;
}

int staff_stats_context_get(void *ctx, staff_context_t *out)
{
    stats_store_t *s = ctx;
    stats_stop_t stop;
    stats_group_t g;
    memset(out, 0, sizeof *out);
    stats_store_context(s, &stop, &g);
    copy(out->town, sizeof out->town, stop.town);
    copy(out->venue, sizeof out->venue, stop.venue);
    if (stop.first_day[0] && strcmp(stop.first_day, stop.last_day) != 0)
        snprintf(out->dates, sizeof out->dates, "%s..%s", stop.first_day, stop.last_day);
    else
        copy(out->dates, sizeof out->dates, stop.first_day);
    if (g.id[0]) {
        out->type = from_stats(g.type);
        copy(out->level, sizeof out->level, g.level);
        copy(out->name, sizeof out->name, g.name);
        out->headcount = g.headcount;
    }
    return MF_OK;
}

int staff_stats_context_set(void *ctx, const staff_context_t *in)
{
    stats_store_t *s = ctx;
    stats_stop_t stop, cur_stop;
    stats_group_t g, cur_g;
    stats_store_context(s, &cur_stop, &cur_g);
    memset(&stop, 0, sizeof stop);
    if (staff_stats_parse_dates(in->dates, stop.first_day, stop.last_day) != MF_OK)
        return MF_EINVAL;
    copy(stop.town, sizeof stop.town, in->town);
    copy(stop.venue, sizeof stop.venue, in->venue);
    if (in->town[0])
        staff_stats_stop_id(in->town, stop.first_day, stop.id, sizeof stop.id);
    int rc = MF_OK;
    if (strcmp(stop.id, cur_stop.id) != 0 || strcmp(stop.town, cur_stop.town) != 0 ||
        strcmp(stop.venue, cur_stop.venue) != 0 || strcmp(stop.first_day, cur_stop.first_day) ||
        strcmp(stop.last_day, cur_stop.last_day))
        rc = stats_store_set_stop(s, &stop);
    if (rc != MF_OK)
        return rc;
    if (in->type == STAFF_GROUP_NONE)
        return cur_g.id[0] ? stats_store_set_group(s, NULL) : MF_OK;
    memset(&g, 0, sizeof g);
    g.type = to_stats(in->type);
    copy(g.level, sizeof g.level, in->level);
    copy(g.name, sizeof g.name, in->name);
    g.headcount = in->headcount;
    /* the same group saved again goes on; anything different is the next group */
    if (cur_g.id[0] && cur_g.type == g.type && strcmp(cur_g.level, g.level) == 0 &&
        strcmp(cur_g.name, g.name) == 0 && cur_g.headcount == g.headcount)
        return MF_OK;
    return stats_store_set_group(s, &g);
}

static int64_t start_of_today_ms(void)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000;
}

static void fill(const stats_summary_t *sm, bool today, staff_figures_t *f)
{
    static const char *const labels[STATS_GROUP_TYPE_COUNT] = {"general_public", "school",
                                                               "job_seekers", "company", "other"};
    f->visitor_rows =
        STATS_GROUP_TYPE_COUNT < STAFF_FIG_ROWS ? STATS_GROUP_TYPE_COUNT : STAFF_FIG_ROWS;
    for (int i = 0; i < f->visitor_rows; i++) {
        copy(f->visitors[i].label, sizeof f->visitors[i].label, labels[i]);
        if (today)
            f->visitors[i].today = (int)sm->visits_by_type[i];
        else
            f->visitors[i].stop = (int)sm->visits_by_type[i];
    }
    int sat =
        sm->satisfaction_answers > 0 ? (int)(sm->satisfied * 100 / sm->satisfaction_answers) : -1;
    int shift = (int)lround(sm->perception_shift * 100.0);
    if (today) {
        f->visitors_today = (int)sm->visits;
        f->satisfaction_pct_today = sat;
        f->perception_shift_today = shift;
        f->orders_today = (int)sm->orders;
    } else {
        f->visitors_stop = (int)sm->visits;
        f->satisfaction_pct_stop = sat;
        f->perception_shift_stop = shift;
        f->orders_stop = (int)sm->orders;
    }
}

int staff_stats_figures(void *ctx, staff_figures_t *out)
{
    stats_store_t *s = ctx;
    static stats_summary_t sm; /* large; the worker thread is the only caller */
    stats_error_t err = {0};
    stats_filter_t f;
    stats_stop_t stop;
    stats_group_t g;
    memset(out, 0, sizeof *out);
    stats_store_sync(s, 2000);
    stats_store_context(s, &stop, &g);
    stats_filter_init(&f);
    f.from_ms = start_of_today_ms();
    int rc = stats_summary(stats_store_path(s), &f, &sm, &err);
    if (rc != MF_OK) {
        mf_log_warn("staff", "figures: %s", err.text);
        return rc;
    }
    fill(&sm, true, out);
    stats_filter_init(&f);
    copy(f.stop_id, sizeof f.stop_id, stop.id);
    rc = stats_summary(stats_store_path(s), &f, &sm, &err);
    if (rc != MF_OK) {
        mf_log_warn("staff", "figures: %s", err.text);
        return rc;
    }
    fill(&sm, false, out);
    out->available = true;
    return MF_OK;
}

int staff_stats_export(void *ctx, const char *format, const char *path)
{
    stats_store_t *s = ctx;
    stats_export_opts_t o;
    stats_filter_t f;
    stats_error_t err = {0};
    stats_export_opts_default(&o);
    if (stats_format_parse(format, &o.format) != MF_OK)
        return MF_EINVAL;
    o.with_audit = true; /* organisers' exports carry the staff audit */
    stats_filter_init(&f);
    stats_store_sync(s, 2000);
    int rc = stats_export(stats_store_path(s), &f, &o, path, &err);
    if (rc != MF_OK)
        mf_log_warn("staff", "export %s: %s", format, err.text);
    return rc;
}

void staff_stats_audit(void *ctx, int64_t wall_ms, const char *role, const char *action,
                       const char *detail, const char *result)
{
    (void)wall_ms; /* the store stamps its own wall clock */
    if (stats_audit_record(ctx, role, action, detail, result) != MF_OK)
        mf_log_warn("staff", "audit line dropped: %s %s %s", role, action, result);
}

void staff_stats_store_status(void *ctx, staff_store_status_t *out)
{
    stats_status_t st;
    memset(out, 0, sizeof *out);
    stats_store_status(ctx, &st);
    out->present = true;
    out->failing = st.failing;
    out->queued = (long long)st.queued;
    out->dropped = (long long)st.dropped;
    copy(out->last_error, sizeof out->last_error, st.last_error_text);
}

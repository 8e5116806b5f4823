/*
 * config.c - defaults (in one place, each with its reason), the YAML config
 * file and the environment. See config.h for the precedence.
 */
#include "config.h"

#include "mf_error.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_init(config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    /* The pack shipped with the sources; a truck points this at its USB stick. */
    snprintf(cfg->content_dir, sizeof cfg->content_dir, "%s/content", MINIFAB_SOURCE_DIR);
    /* XDG: $XDG_DATA_HOME/minifab, else ~/.local/share/minifab (resolved at start-up
     * by config_apply_env, which sees the environment). */
    cfg->data_dir[0] = '\0';
    /* Most visitors are French pupils; English is one tap away. */
    snprintf(cfg->language, sizeof cfg->language, "fr");
    /* A visit lasts 2 to 10 minutes; 90 s without a touch means the visitor left. */
    cfg->idle_timeout_s = 90;
    cfg->high_contrast = false;
    cfg->fullscreen = false;
    /* The truck's screens are 1920x1080; a window half that size fits a laptop. */
    cfg->window_w = 1280;
    cfg->window_h = 720;
    /* A truck is noisy, but a kiosk must not deafen the next stand. */
    cfg->video_volume_max = 80;
    /* Empty: the QR code at the end of a visit leads to the job sheet of the
     * trade the visitor looked at longest (every trade has its own link). An
     * organiser with a page listing several trades sets it, with {ids}. */
    cfg->qr_base_url[0] = '\0';
    /* The truck's kiosks are 15.6" full HD touch screens. */
    cfg->screen_diagonal_in = 15.6;
    cfg->screen_px_w = 1920;
    cfg->screen_px_h = 1080;
    /* No device address: use the simulated line, so a fresh clone just works. */
    cfg->sim = true;
    /* 50 ms: 20 snapshots a second, smooth enough to watch pieces move. */
    cfg->line_poll_ms = 50;
    snprintf(cfg->log_level, sizeof cfg->log_level, "info");
    /* 1 MiB of log (plus one old generation) is weeks of a kiosk's messages. */
    cfg->log_file_kib = 1024;
    /* Funders ask for two years of figures; a month more leaves time to export. */
    cfg->stats_retention_months = 25;
    /* kiosk_id, stop_*, group_*: empty, the store keeps its own (see config.h). */
    /* engrave_*: left at 0, which means the engraver driver's own defaults
     * (gcode_text_cfg_default in drivers/gcode): they are kept in one place. */
}

typedef enum { KEY_STRING, KEY_INT, KEY_BOOL, KEY_DOUBLE } key_type_t;

typedef struct {
    const char *name;
    key_type_t type;
    size_t offset;
    size_t size; /* strings: buffer size */
    int min, max;
} config_key_t;

#define KSTR(name, field)                                                                          \
    {                                                                                              \
        name, KEY_STRING, offsetof(config_t, field), sizeof(((config_t *)0)->field), 0, 0          \
    }
#define KINT(name, field, lo, hi)                                                                  \
    {                                                                                              \
        name, KEY_INT, offsetof(config_t, field), sizeof(int), lo, hi                              \
    }
#define KDBL(name, field, lo, hi)                                                                  \
    {                                                                                              \
        name, KEY_DOUBLE, offsetof(config_t, field), sizeof(double), lo, hi                        \
    }
#define KBOOL(name, field)                                                                         \
    {                                                                                              \
        name, KEY_BOOL, offsetof(config_t, field), sizeof(bool), 0, 1                              \
    }

static const config_key_t config_keys[] = {
    KSTR("content_dir", content_dir),
    KSTR("data_dir", data_dir),
    KSTR("language", language),
    KINT("idle_timeout_s", idle_timeout_s, 10, 3600),
    KBOOL("high_contrast", high_contrast),
    KBOOL("fullscreen", fullscreen),
    KINT("window_width", window_w, 320, 7680),
    KINT("window_height", window_h, 240, 7680),
    KINT("video_volume_max", video_volume_max, 0, 100),
    KSTR("qr_base_url", qr_base_url),
    KDBL("screen_diagonal_in", screen_diagonal_in, 5, 100),
    KINT("screen_width_px", screen_px_w, 320, 7680),
    KINT("screen_height_px", screen_px_h, 240, 7680),
    KBOOL("sim", sim),
    KSTR("plc", plc_uri),
    KSTR("io", io_port),
    KSTR("engraver", engraver_port),
    KSTR("scanner", scanner_port),
    KINT("line_poll_ms", line_poll_ms, 10, 5000),
    KDBL("engrave_x_mm", engrave_x_mm, -1000, 1000),
    KDBL("engrave_y_mm", engrave_y_mm, -1000, 1000),
    KDBL("engrave_width_mm", engrave_w_mm, 0, 1000),
    KDBL("engrave_height_mm", engrave_h_mm, 0, 1000),
    KINT("engrave_power", engrave_power, 0, 1000),
    KINT("engrave_feed", engrave_feed, 0, 20000),
    KINT("engrave_max_chars", engrave_max_chars, 0, 60),
    KBOOL("engrave_home", engrave_home),
    KSTR("kiosk_id", kiosk_id),
    KINT("stats_retention_months", stats_retention_months, 1, 120),
    KSTR("stop_id", stop_id),
    KSTR("stop_town", stop_town),
    KSTR("stop_venue", stop_venue),
    KSTR("stop_first_day", stop_first_day),
    KSTR("stop_last_day", stop_last_day),
    KSTR("group_type", group_type),
    KSTR("group_level", group_level),
    KSTR("group_name", group_name),
    KINT("group_headcount", group_headcount, 0, 10000),
    KSTR("log_level", log_level),
    KINT("log_file_kib", log_file_kib, 16, 1048576),
};

/* String keys whose value is one word of a list: checked where the value is
 * written (a file's line and column, the environment, the command line). */
static const struct {
    const char *key;
    const char *words[6]; /* NULL-terminated */
    const char *expect;   /* the list, as the message says it */
} config_choices[] = {
    {"language", {"fr", "en", NULL}, "fr or en"},
    {"log_level", {"debug", "info", "warn", "error", NULL}, "debug, info, warn or error"},
    {"group_type",
     {"school", "job_seekers", "company", "general_public", "other"},
     "school, job_seekers, company, general_public or other"},
};

/* NULL when VALUE is acceptable for KEY, else the words it expects. */
static const char *config_choice_expect(const char *key, const char *value)
{
    for (size_t i = 0; i < sizeof config_choices / sizeof config_choices[0]; i++) {
        if (strcmp(config_choices[i].key, key) != 0)
            continue;
        for (size_t j = 0; config_choices[i].words[j]; j++)
            if (!strcmp(config_choices[i].words[j], value))
                return NULL;
        return config_choices[i].expect;
    }
    return NULL;
}

/* "" or YYYY-MM-DD. */
static bool day_ok(const char *d)
{
    if (!d[0])
        return true;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? d[i] != '-' : (d[i] < '0' || d[i] > '9'))
            return false;
    return d[10] == '\0';
}

static int set_key(config_t *cfg, const config_key_t *k, const char *text, const char *file,
                   struct fy_node *node, yamldoc_errors_t *errs)
{
    char *field = (char *)cfg + k->offset;
    const char *expect;
    switch (k->type) {
    case KEY_STRING:
        if (strlen(text) >= k->size) {
            yamldoc_errors_at(errs, file, node, "'%s' is too long (at most %zu characters)",
                              k->name, k->size - 1);
            return MF_ERANGE;
        }
        if ((expect = config_choice_expect(k->name, text)) != NULL) {
            yamldoc_errors_at(errs, file, node, "'%s' expects %s, got '%s'", k->name, expect, text);
            return MF_EINVAL;
        }
        if (!strncmp(k->name, "stop_", 5) && strstr(k->name, "_day") && !day_ok(text)) {
            yamldoc_errors_at(errs, file, node, "'%s' expects a day as YYYY-MM-DD, got '%s'",
                              k->name, text);
            return MF_EINVAL;
        }
        memcpy(field, text, strlen(text) + 1);
        return MF_OK;
    case KEY_INT: {
        char *end = NULL;
        long v = strtol(text, &end, 10);
        if (!*text || *end || v < k->min || v > k->max) {
            yamldoc_errors_at(errs, file, node,
                              "'%s' expects a whole number from %d to %d, got '%s'", k->name,
                              k->min, k->max, text);
            return MF_ERANGE;
        }
        *(int *)(void *)field = (int)v;
        return MF_OK;
    }
    case KEY_DOUBLE: {
        char *end = NULL;
        double v = strtod(text, &end);
        if (!*text || *end || v < k->min || v > k->max) {
            yamldoc_errors_at(errs, file, node, "'%s' expects a number from %d to %d, got '%s'",
                              k->name, k->min, k->max, text);
            return MF_ERANGE;
        }
        *(double *)(void *)field = v;
        return MF_OK;
    }
    case KEY_BOOL:
        if (!strcmp(text, "true") || !strcmp(text, "yes") || !strcmp(text, "on")) {
            *(bool *)(void *)field = true;
        } else if (!strcmp(text, "false") || !strcmp(text, "no") || !strcmp(text, "off")) {
            *(bool *)(void *)field = false;
        } else {
            yamldoc_errors_at(errs, file, node, "'%s' expects true or false, got '%s'", k->name,
                              text);
            return MF_EINVAL;
        }
        return MF_OK;
    }
    return MF_EINVAL;
}

static int check_values(const config_t *cfg, const char *file, yamldoc_errors_t *errs)
{
    int rc = MF_OK;
    static const char *const group_types[] = {"",        "school",         "job_seekers",
                                              "company", "general_public", "other"};
    bool type_ok = false;
    for (size_t i = 0; i < sizeof group_types / sizeof group_types[0]; i++)
        type_ok |= strcmp(cfg->group_type, group_types[i]) == 0;
    if (!type_ok) {
        yamldoc_errors_add(errs, file, 0, 0,
                           "'group_type' expects school, job_seekers, company, general_public "
                           "or other, got '%s'",
                           cfg->group_type);
        rc = MF_EINVAL;
    }
    if (!day_ok(cfg->stop_first_day) || !day_ok(cfg->stop_last_day)) {
        yamldoc_errors_add(errs, file, 0, 0,
                           "'stop_first_day' and 'stop_last_day' expect YYYY-MM-DD");
        rc = MF_EINVAL;
    }
    const char *expect;
    if ((expect = config_choice_expect("language", cfg->language)) != NULL) {
        yamldoc_errors_add(errs, file, 0, 0, "'language' expects %s, got '%s'", expect,
                           cfg->language);
        rc = MF_EINVAL;
    }
    if ((expect = config_choice_expect("log_level", cfg->log_level)) != NULL) {
        yamldoc_errors_add(errs, file, 0, 0, "'log_level' expects %s, got '%s'", expect,
                           cfg->log_level);
        rc = MF_EINVAL;
    }
    return rc;
}

int config_load_file(config_t *cfg, const char *path, yamldoc_errors_t *errs)
{
    struct fy_document *doc = yamldoc_load_file(path, errs);
    if (!doc)
        return MF_EPARSE;
    int rc = MF_OK;
    struct fy_node *root = fy_document_root(doc);
    if (!root) { /* an empty file is a valid, empty configuration */
        fy_document_destroy(doc);
        return MF_OK;
    }
    if (!fy_node_is_mapping(root)) {
        yamldoc_errors_at(errs, path, root, "expected 'key: value' lines at the top level");
        fy_document_destroy(doc);
        return MF_EPARSE;
    }
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(root, &it)) != NULL) {
        struct fy_node *key = fy_node_pair_key(pair);
        struct fy_node *val = fy_node_pair_value(pair);
        const char *name = yamldoc_scalar(key);
        const config_key_t *k = NULL;
        for (size_t i = 0; name && i < sizeof config_keys / sizeof config_keys[0]; i++) {
            if (!strcmp(config_keys[i].name, name))
                k = &config_keys[i];
        }
        if (!k) {
            yamldoc_errors_at(errs, path, key, "unknown key '%s' (see docs/CONFIG.md)",
                              name ? name : "?");
            rc = MF_EPARSE;
            continue;
        }
        const char *text = yamldoc_scalar(val);
        if (!text) {
            yamldoc_errors_at(errs, path, val ? val : key, "'%s' expects a single value", name);
            rc = MF_EPARSE;
            continue;
        }
        if (set_key(cfg, k, text, path, val, errs) != MF_OK)
            rc = MF_EPARSE;
    }
    fy_document_destroy(doc); /* every value was checked at its node by set_key */
    return rc;
}

static int env_string(char *dst, size_t size, const char *name, config_getenv_fn get,
                      yamldoc_errors_t *errs)
{
    const char *v = get(name);
    if (!v || !*v)
        return 0;
    if (strlen(v) >= size) {
        yamldoc_errors_add(errs, name, 0, 0, "value is too long (at most %zu characters)",
                           size - 1);
        return MF_ERANGE;
    }
    memcpy(dst, v, strlen(v) + 1);
    return 1;
}

int config_apply_env(config_t *cfg, config_getenv_fn get, yamldoc_errors_t *errs)
{
    int rc = MF_OK;
    int devices = 0;
    int r;
    if (env_string(cfg->data_dir, sizeof cfg->data_dir, "MINIFAB_DATA_DIR", get, errs) < 0)
        rc = MF_EINVAL;
    if (env_string(cfg->content_dir, sizeof cfg->content_dir, "MINIFAB_CONTENT_DIR", get, errs) < 0)
        rc = MF_EINVAL;
    if (env_string(cfg->language, sizeof cfg->language, "MINIFAB_LANGUAGE", get, errs) < 0)
        rc = MF_EINVAL;
    if (env_string(cfg->log_level, sizeof cfg->log_level, "MINIFAB_LOG_LEVEL", get, errs) < 0)
        rc = MF_EINVAL;
    struct {
        const char *name;
        char *dst;
    } dev[] = {{"MINIFAB_PLC", cfg->plc_uri},
               {"MINIFAB_IO", cfg->io_port},
               {"MINIFAB_ENGRAVER", cfg->engraver_port},
               {"MINIFAB_SCANNER", cfg->scanner_port}};
    for (size_t i = 0; i < sizeof dev / sizeof dev[0]; i++) {
        r = env_string(dev[i].dst, CONFIG_ADDR_MAX, dev[i].name, get, errs);
        if (r < 0)
            rc = MF_EINVAL;
        devices += r > 0;
    }
    if (devices > 0)
        cfg->sim = false;

    /* The XDG default for the data directory, once every other source is known. */
    if (!cfg->data_dir[0]) {
        const char *xdg = get("XDG_DATA_HOME");
        const char *home = get("HOME");
        int n;
        if (xdg && *xdg)
            n = snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s/minifab", xdg);
        else
            n = snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s/.local/share/minifab",
                         home && *home ? home : "/tmp");
        if (n < 0 || (size_t)n >= sizeof cfg->data_dir)
            rc = MF_ERANGE;
    }
    if (check_values(cfg, "environment", errs) != MF_OK)
        rc = MF_EINVAL;
    return rc;
}

bool config_uses_sim(const config_t *cfg)
{
    return cfg->sim && !cfg->plc_uri[0] && !cfg->io_port[0] && !cfg->engraver_port[0] &&
           !cfg->scanner_port[0];
}

double config_mm_per_unit(const config_t *cfg)
{
    double w = cfg->screen_px_w, h = cfg->screen_px_h;
    double shorter_mm = cfg->screen_diagonal_in * 25.4 * fmin(w, h) / hypot(w, h);
    return shorter_mm / 100.0;
}

int config_apply_flag(config_t *cfg, const char *name, const char *value, yamldoc_errors_t *errs)
{
    struct {
        const char *flag;
        char *dst;
        size_t size;
        bool device;
    } strings[] = {
        {"data-dir", cfg->data_dir, sizeof cfg->data_dir, false},
        {"content", cfg->content_dir, sizeof cfg->content_dir, false},
        {"language", cfg->language, sizeof cfg->language, false},
        {"log-level", cfg->log_level, sizeof cfg->log_level, false},
        {"plc", cfg->plc_uri, sizeof cfg->plc_uri, true},
        {"io", cfg->io_port, sizeof cfg->io_port, true},
        {"engraver", cfg->engraver_port, sizeof cfg->engraver_port, true},
        {"scanner", cfg->scanner_port, sizeof cfg->scanner_port, true},
    };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (strcmp(name, strings[i].flag) != 0)
            continue;
        if (!value || strlen(value) >= strings[i].size) {
            yamldoc_errors_add(errs, "command line", 0, 0,
                               "--%s expects a value of at most %zu characters", name,
                               strings[i].size - 1);
            return MF_EINVAL;
        }
        memcpy(strings[i].dst, value, strlen(value) + 1);
        if (strings[i].device)
            cfg->sim = false;
        return check_values(cfg, "command line", errs) == MF_OK ? MF_OK : MF_EINVAL;
    }
    if (strcmp(name, "idle-timeout") == 0) {
        char *end = NULL;
        long v = value ? strtol(value, &end, 10) : -1;
        if (!value || !*value || *end || v < 10 || v > 3600) {
            yamldoc_errors_add(errs, "command line", 0, 0,
                               "--idle-timeout expects seconds from 10 to 3600, got '%s'",
                               value ? value : "");
            return MF_EINVAL;
        }
        cfg->idle_timeout_s = (int)v;
        return MF_OK;
    }
    if (strcmp(name, "sim") == 0) {
        cfg->sim = true;
        cfg->plc_uri[0] = cfg->io_port[0] = cfg->engraver_port[0] = cfg->scanner_port[0] = '\0';
        return MF_OK;
    }
    if (strcmp(name, "fullscreen") == 0) {
        cfg->fullscreen = true;
        return MF_OK;
    }
    if (strcmp(name, "high-contrast") == 0) {
        cfg->high_contrast = true;
        return MF_OK;
    }
    yamldoc_errors_add(errs, "command line", 0, 0, "unknown option --%s", name);
    return MF_EINVAL;
}

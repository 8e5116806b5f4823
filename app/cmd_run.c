/*
 * cmd_run.c - `minifab run`: the visitor kiosk.
 *
 * Start-up in order: options -> configuration (defaults < file < environment
 * < flags, see app/core/config.h) -> logging -> simulated line when no device
 * is configured -> the devices (app/platform/devices.h: an address that
 * cannot be right stops here, non-zero) -> the main loop (app/platform/app.c).
 */
#include "app.h"
#include "commands.h"
#include "config.h"
#include "devices.h"
#include "staff_edge.h"
#include "staff_pack.h"
#include "staff_stats.h"
#include "kiosk_pack.h"
#include "engrave_preview.h"
#include "line_relay.h"
#include "mf_error.h"
#include "mf_log.h"
#include "simproc.h"
#include "stats_store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void run_usage(FILE *out)
{
    fprintf(
        out,
        "usage: minifab run [OPTIONS]\n\n"
        "The visitor kiosk. With no device configured it starts the simulated line.\n\n"
        "options:\n"
        "  --config FILE        configuration file (YAML; also MINIFAB_CONFIG; docs/CONFIG.md)\n"
        "  --data-dir DIR       statistics and logs (also MINIFAB_DATA_DIR;\n"
        "                       default $XDG_DATA_HOME/minifab)\n"
        "  --content DIR        content pack folder (default: the pack in the sources)\n"
        "  --language fr|en     language of the attract screen (default fr)\n"
        "  --idle-timeout S     back to the attract screen after S seconds untouched (90)\n"
        "  --fullscreen         full screen, for a real kiosk (F11 toggles)\n"
        "  --high-contrast      start in the high-contrast theme\n"
        "  --size WxH           window size in pixels (default 1280x720)\n"
        "  --headless           no window: SDL's dummy video driver, software renderer\n"
        "  --script FILE        run a test script, then exit (0 when every expect held)\n"
        "  --shots DIR          where the script's 'shot NAME' writes NAME.png\n"
        "  --stay               after the script, go on as an ordinary kiosk (demos, benchmarks)\n"
        "  --sim                use the simulated line (started as child processes)\n"
        "  --plc URI            line PLC, e.g. tcp://192.168.0.10:502\n"
        "  --io PORT            remote I/O module (Modbus RTU serial port)\n"
        "  --engraver PORT      GRBL laser engraver (serial port)\n"
        "  --scanner PORT       ticket scanner (serial port)\n"
        "  --log-level LEVEL    debug, info, warn or error (default info)\n"
        "  --help               this text\n\n"
        "Keys: F5 reloads the content pack (SIGHUP too), F11 toggles full screen,\n"
        "Escape goes back.\n\n"
        "Script commands (one a line, '#' comments; X Y in window pixels):\n"
        "  tap X Y | tap \"label\" | tap #id   longpress TARGET MS   swipe X1 Y1 X2 Y2\n"
        "  type \"text\"   key NAME   advance MS (kiosk clock)   wait MS (real time)\n"
        "  shot NAME   dump   expect [no] screen ID   expect [no] text \"...\"\n");
}

static int parse_size(const char *s, int *w, int *h)
{
    char *end = NULL;
    long a = strtol(s, &end, 10);
    if (!end || (*end != 'x' && *end != 'X'))
        return MF_EINVAL;
    long b = strtol(end + 1, &end, 10);
    if (*end || a < 200 || b < 200 || a > 7680 || b > 7680)
        return MF_EINVAL;
    *w = (int)a;
    *h = (int)b;
    return MF_OK;
}

static int mkdir_p(const char *path)
{
    char buf[CONFIG_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return mf_error_from_errno(errno);
            *p = '/';
        }
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return mf_error_from_errno(errno);
    return MF_OK;
}

static const char *env_get(const char *name)
{
    return getenv(name);
}

static void print_errors(const yamldoc_errors_t *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        fprintf(stderr, "%s\n", errs->items[i]);
}

static void play_usage(FILE *out)
{
    fprintf(out,
            "usage: minifab play FILE [--captions FILE] [--poster FILE] [OPTIONS]\n\n"
            "Shows one video in the kiosk's own player, full window, with its captions and\n"
            "controls: how an organiser previews a new job video before putting it in the\n"
            "content pack. Back (or closing the window) ends the preview.\n\n"
            "  --captions FILE   SubRip (.srt) or WebVTT (.vtt) captions. Without it, the\n"
            "                    first that exists of FILE's name with .fr.srt, .srt, .fr.vtt,\n"
            "                    .vtt, or the pack's captions/<name>.fr.srt\n"
            "  --poster FILE     picture shown while loading or when the video cannot play\n"
            "                    (default: FILE's name with .poster.png, when it exists)\n\n"
            "Every option of 'minifab run' works too (--headless, --size, --script, --shots,\n"
            "--fullscreen, --config, --language...); see 'minifab run --help'.\n");
}

/* The first existing file among MEDIA's name with each suffix. */
static bool sibling(const char *media, const char *const *suffixes, char *out, size_t size)
{
    char base[CONFIG_PATH_MAX];
    snprintf(base, sizeof base, "%s", media);
    char *dot = strrchr(base, '.');
    char *slash = strrchr(base, '/');
    if (dot && (!slash || dot > slash))
        *dot = '\0';
    for (size_t i = 0; suffixes[i]; i++) {
        int n = snprintf(out, size, "%s%s", base, suffixes[i]);
        if (n > 0 && (size_t)n < size && access(out, R_OK) == 0)
            return true;
    }
    /* content/media/generated/<id>.mp4 -> content/captions/<id>.fr.srt */
    if (slash && strstr(suffixes[0], "srt")) {
        *slash = '\0';
        char *parent = strrchr(base, '/');
        char *grand = parent ? (*parent = '\0', strrchr(base, '/')) : NULL;
        if (grand) {
            int n = snprintf(out, size, "%.*s/captions/%s.fr.srt", (int)(grand - base), base,
                             slash + 1);
            if (n > 0 && (size_t)n < size && access(out, R_OK) == 0)
                return true;
        }
    }
    out[0] = '\0';
    return false;
}

/* The kiosk's sink: the statistics store, and each event in the log at debug
 * level (what the e2e test compares with the store's export). */
typedef struct {
    stats_store_t *store;
    bool log;
} run_sink_t;

static void run_emit(void *ctx, const visit_event_t *ev)
{
    run_sink_t *r = ctx;
    if (r->log) {
        char line[320];
        visit_event_format(ev, line, sizeof line);
        mf_log_debug("visit", "%s", line);
    }
    stats_store_record(r->store, ev);
}

/* Opens DATA_DIR/stats.db and applies the configuration's stop and group when
 * they differ from the store's (until the staff console sets them). NULL when
 * the store cannot be used: the kiosk runs on, without statistics. */
static stats_store_t *run_stats_open(const config_t *cfg)
{
    char path[CONFIG_PATH_MAX + 16];
    stats_store_opts_t so;
    stats_error_t err = {0};
    stats_store_opts_default(&so);
    so.kiosk_id = cfg->kiosk_id;
    so.retention_months = cfg->stats_retention_months;
    snprintf(path, sizeof path, "%s/stats.db", cfg->data_dir);
    stats_store_t *s = stats_store_open(path, &so, &err);
    if (!s) {
        mf_log_error("run", "visitor statistics are NOT recorded: %s", err.text);
        return NULL;
    }
    stats_stop_t stop, cur_stop;
    stats_group_t group, cur_group;
    stats_store_context(s, &cur_stop, &cur_group);
    if (cfg->stop_id[0]) {
        memset(&stop, 0, sizeof stop);
        snprintf(stop.id, sizeof stop.id, "%s", cfg->stop_id);
        snprintf(stop.town, sizeof stop.town, "%s", cfg->stop_town);
        snprintf(stop.venue, sizeof stop.venue, "%s", cfg->stop_venue);
        snprintf(stop.first_day, sizeof stop.first_day, "%s", cfg->stop_first_day);
        snprintf(stop.last_day, sizeof stop.last_day, "%s", cfg->stop_last_day);
        if (memcmp(&stop, &cur_stop, sizeof stop) != 0 && stats_store_set_stop(s, &stop) != MF_OK)
            mf_log_warn("run", "the configuration's stop '%s' is not valid", cfg->stop_id);
    }
    if (cfg->group_type[0]) {
        memset(&group, 0, sizeof group);
        stats_group_type_parse(cfg->group_type, &group.type);
        snprintf(group.level, sizeof group.level, "%s", cfg->group_level);
        snprintf(group.name, sizeof group.name, "%s", cfg->group_name);
        group.headcount = cfg->group_headcount;
        if (!cur_group.id[0] || group.type != cur_group.type ||
            strcmp(group.level, cur_group.level) || strcmp(group.name, cur_group.name) ||
            group.headcount != cur_group.headcount)
            stats_store_set_group(s, &group);
    }
    mf_log_info("run", "visitor statistics in %s (kiosk %s)", path, stats_store_kiosk_id(s));
    return s;
}

static int kiosk_main(int argc, char **argv, bool play);

int cmd_run(int argc, char **argv)
{
    return kiosk_main(argc, argv, false);
}

int cmd_play(int argc, char **argv)
{
    return kiosk_main(argc, argv, true);
}

/* `minifab run`, and `minifab play FILE` (the same kiosk on its player screen). */
static int kiosk_main(int argc, char **argv, bool play)
{
    enum {
        OPT_CONFIG = 256,
        OPT_SIZE,
        OPT_HEADLESS,
        OPT_SCRIPT,
        OPT_SHOTS,
        OPT_STAY,
        OPT_HELP,
        OPT_CAPTIONS,
        OPT_POSTER,
        OPT_FLAG
    };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"size", required_argument, NULL, OPT_SIZE},
        {"headless", no_argument, NULL, OPT_HEADLESS},
        {"script", required_argument, NULL, OPT_SCRIPT},
        {"shots", required_argument, NULL, OPT_SHOTS},
        {"stay", no_argument, NULL, OPT_STAY},
        {"help", no_argument, NULL, OPT_HELP},
        {"captions", required_argument, NULL, OPT_CAPTIONS},
        {"poster", required_argument, NULL, OPT_POSTER},
        {"data-dir", required_argument, NULL, OPT_FLAG},
        {"content", required_argument, NULL, OPT_FLAG},
        {"language", required_argument, NULL, OPT_FLAG},
        {"idle-timeout", required_argument, NULL, OPT_FLAG},
        {"log-level", required_argument, NULL, OPT_FLAG},
        {"plc", required_argument, NULL, OPT_FLAG},
        {"io", required_argument, NULL, OPT_FLAG},
        {"engraver", required_argument, NULL, OPT_FLAG},
        {"scanner", required_argument, NULL, OPT_FLAG},
        {"sim", no_argument, NULL, OPT_FLAG},
        {"fullscreen", no_argument, NULL, OPT_FLAG},
        {"high-contrast", no_argument, NULL, OPT_FLAG},
        {NULL, 0, NULL, 0},
    };
    /* Flags are collected first and applied after the file and the environment. */
    struct {
        const char *name;
        const char *value;
    } flags[32];
    int nflags = 0, status = 1;
    const char *media = NULL;
    char captions[CONFIG_PATH_MAX] = "", poster[CONFIG_PATH_MAX] = "";
    bool explicit_sim = false;
    const char *config_path = getenv("MINIFAB_CONFIG");
    app_options_t app = {0};
    int size_w = 0, size_h = 0;
    config_t cfg;
    yamldoc_errors_t errs;
    simproc_t *sim = NULL;
    kiosk_pack_t *content = NULL;
    devices_t *devices = NULL;
    staff_edge_t *staff = NULL;
    stats_store_t *stats = NULL;
    run_sink_t sink_ctx = {0};
    engrave_preview_t *preview = NULL;

    yamldoc_errors_init(&errs);
    optind = 1;
    int c, idx = 0;
    while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
        switch (c) {
        case OPT_CONFIG:
            config_path = optarg;
            break;
        case OPT_SIZE:
            if (parse_size(optarg, &size_w, &size_h) != MF_OK) {
                fprintf(stderr, "minifab run: --size expects WxH (e.g. 1920x1080), got '%s'\n",
                        optarg);
                goto done;
            }
            break;
        case OPT_HEADLESS:
            app.headless = true;
            break;
        case OPT_SCRIPT:
            app.script_path = optarg;
            break;
        case OPT_SHOTS:
            app.shots_dir = optarg;
            break;
        case OPT_STAY:
            app.stay = true;
            break;
        case OPT_CAPTIONS:
        case OPT_POSTER:
            if (!play) {
                fprintf(stderr, "minifab run: --%s is an option of 'minifab play'\n",
                        opts[idx].name);
                status = 2;
                goto done;
            }
            if (c == OPT_CAPTIONS)
                snprintf(captions, sizeof captions, "%s", optarg);
            else
                snprintf(poster, sizeof poster, "%s", optarg);
            break;
        case OPT_HELP:
        case 'h':
            if (play) {
                play_usage(stdout);
                status = 0;
                goto done;
            }
            run_usage(stdout);
            status = 0;
            goto done;
        case OPT_FLAG:
            if (strcmp(opts[idx].name, "sim") == 0)
                explicit_sim = true;
            if (nflags < (int)(sizeof flags / sizeof flags[0])) {
                flags[nflags].name = opts[idx].name;
                flags[nflags].value = optarg;
                nflags++;
            }
            break;
        default:
            fprintf(stderr, "minifab run: see 'minifab run --help'\n");
            status = 2;
            goto done;
        }
    }
    if (play) {
        if (optind != argc - 1) {
            fprintf(stderr, "minifab play: expected one video FILE (see 'minifab play --help')\n");
            status = 2;
            goto done;
        }
        media = argv[optind];
        static const char *const cap_suffixes[] = {".fr.srt", ".srt", ".fr.vtt", ".vtt", NULL};
        static const char *const poster_suffixes[] = {".poster.png", ".png", ".jpg", NULL};
        if (!captions[0])
            sibling(media, cap_suffixes, captions, sizeof captions);
        if (!poster[0])
            sibling(media, poster_suffixes, poster, sizeof poster);
    } else if (optind < argc) {
        fprintf(stderr, "minifab run: unexpected argument '%s' (see --help)\n", argv[optind]);
        status = 2;
        goto done;
    }

    config_init(&cfg);
    if (config_path && config_load_file(&cfg, config_path, &errs) != MF_OK) {
        print_errors(&errs);
        fprintf(stderr, "minifab run: the configuration %s is not valid\n", config_path);
        goto done;
    }
    int rc = config_apply_env(&cfg, env_get, &errs);
    for (int i = 0; i < nflags && rc == MF_OK; i++)
        rc = config_apply_flag(&cfg, flags[i].name, flags[i].value, &errs);
    if (rc != MF_OK) {
        print_errors(&errs);
        goto done;
    }

    mf_log_level_t level = MF_LOG_INFO;
    mf_log_level_parse(cfg.log_level, &level);
    mf_log_set_level(level);
    if (mkdir_p(cfg.data_dir) == MF_OK) {
        char log_path[CONFIG_PATH_MAX + 16];
        snprintf(log_path, sizeof log_path, "%s/minifab.log", cfg.data_dir);
        if (mf_log_open_file(log_path, (size_t)cfg.log_file_kib * 1024u) != MF_OK)
            mf_log_warn("run", "cannot write the log file %s", log_path);
    } else {
        mf_log_warn("run", "cannot create the data directory %s", cfg.data_dir);
    }
    /* The visitor statistics: the store is the kiosk's sink (not for previews). */
    if (!play && (stats = run_stats_open(&cfg)) != NULL) {
        sink_ctx.store = stats;
        sink_ctx.log = level <= MF_LOG_DEBUG;
        app.sink = (visit_sink_t){.emit = run_emit, .ctx = &sink_ctx};
    }

    /* A broken pack does not start the visitor screens: the staff-facing
     * problem screen shows the validator's messages (also on stderr and in
     * the log) until the pack is fixed and reloaded with F5 or SIGHUP. */
    content = kiosk_pack_create(cfg.content_dir);
    if (!content)
        goto done;
    if (kiosk_pack_load(content) != MF_OK) {
        fprintf(stderr, "minifab run: the content pack %s is not valid:\n%s", cfg.content_dir,
                kiosk_pack_problem(content));
        fprintf(stderr, "(all messages: minifab content check %s)\n", cfg.content_dir);
    }

    /* Scripted runs (tests) start the simulated line only when asked to. */
    if (config_uses_sim(&cfg) && ((!app.script_path && !play) || explicit_sim)) {
        char bin_dir[512];
        simproc_addresses_t addr;
        if (simproc_self_dir(bin_dir, sizeof bin_dir) == MF_OK &&
            (sim = simproc_start(bin_dir, &addr)) != NULL) {
            snprintf(cfg.plc_uri, sizeof cfg.plc_uri, "%s", addr.plc_uri);
            snprintf(cfg.io_port, sizeof cfg.io_port, "%s", addr.io_port);
            snprintf(cfg.engraver_port, sizeof cfg.engraver_port, "%s", addr.engraver_port);
            snprintf(cfg.scanner_port, sizeof cfg.scanner_port, "%s", addr.scanner_port);
            /* scripts' `sim "COMMAND"` talks to it (tests drive faults so) */
            setenv("MINIFAB_SIM_CONTROL", addr.control, 1);
        }
    }

    /* Every configured device, each through its driver on its own thread. An
     * address that cannot be right stops the kiosk here; an unreachable device
     * is not an error (the visitor side goes on, the log and the screens say
     * it is down, its driver retries). */
    devices_config_t dc = {.line_poll_ms = cfg.line_poll_ms, .engraver_home = cfg.engrave_home};
    dc.address[DEVICE_LINE] = cfg.plc_uri;
    dc.address[DEVICE_IO] = cfg.io_port;
    dc.address[DEVICE_ENGRAVER] = cfg.engraver_port;
    dc.address[DEVICE_SCANNER] = cfg.scanner_port;
    char why[512];
    devices = devices_create(&dc, why, sizeof why);
    if (!devices) {
        mf_log_error("run", "%s", why);
        fprintf(stderr, "minifab run: cannot start: %s\n", why);
        status = 1;
        goto done;
    }

    /* Make your own: with an engraver this kiosk is the order desk; the
     * preview the visitor sees and the laser's job come from the same
     * G-code (engrave_preview.h). */
    if (devices_engraver(devices) && !play) {
        gcode_text_cfg_t gc;
        gcode_text_cfg_default(&gc);
        if (cfg.engrave_w_mm > 0 && cfg.engrave_h_mm > 0) {
            gc.area_x = cfg.engrave_x_mm;
            gc.area_y = cfg.engrave_y_mm;
            gc.area_w = cfg.engrave_w_mm;
            gc.area_h = cfg.engrave_h_mm;
        }
        if (cfg.engrave_power > 0)
            gc.power = cfg.engrave_power;
        if (cfg.engrave_feed > 0)
            gc.feed = cfg.engrave_feed;
        if (cfg.engrave_max_chars > 0)
            gc.max_chars = cfg.engrave_max_chars;
        preview = engrave_preview_create(&gc);
        if (!preview)
            mf_log_error("run", "no orders on this kiosk: the engraving font is missing");
        app.kiosk.engrave_max_chars = gc.max_chars;
    }
    app.preview = preview;
    app.kiosk.has_engraver = preview != NULL;
    app.kiosk.strokes = preview ? engrave_preview_strokes : NULL;
    app.kiosk.strokes_ctx = preview;

    app.fullscreen = cfg.fullscreen;
    app.video_volume_max = cfg.video_volume_max;
    if (play) {
        app.video = media;
        app.video_captions = captions[0] ? captions : NULL;
        app.video_poster = poster[0] ? poster : NULL;
        mf_log_info("play", "%s (captions: %s)", media, captions[0] ? captions : "none");
    }
    app.devices = devices;
    /* The staff console: PINs and lockout in the data directory; the stop
     * and group, figures, exports and audit lines in the statistics store
     * (only logged when there is none). */
    staff_edge_opts_t so = {.devices = devices, .data_dir = cfg.data_dir};
    so.hooks.audit = staff_edge_audit_log;
    so.hooks.reload = staff_pack_reload;
    so.hooks.install = staff_pack_install_hook; /* the stick's pack, off the UI thread */
    so.hooks.reload_ctx = content;
    if (stats) { /* the stop and group, figures, exports and audit: the store's */
        so.hooks.context_get = staff_stats_context_get;
        so.hooks.context_set = staff_stats_context_set;
        so.hooks.figures = staff_stats_figures;
        so.hooks.export_file = staff_stats_export;
        so.hooks.audit = staff_stats_audit;
        so.hooks.store_status = staff_stats_store_status;
        so.hooks.ctx = stats;
    }
    /* the line's events the console does not take go to the order desk */
    static line_relay_t relay;
    so.other_line_event = line_relay_push;
    so.other_ctx = &relay;
    app.line_relay = &relay;
    staff = staff_edge_create(&so);
    if (!staff)
        mf_log_warn("run", "the staff console cannot start (data directory %s)", cfg.data_dir);
    app.staff = staff;
    app.line_poll_ms = cfg.line_poll_ms;
    app.width = size_w ? size_w : cfg.window_w;
    app.height = size_h ? size_h : cfg.window_h;
    app.kiosk.idle_timeout_ms = cfg.idle_timeout_s * 1000;
    app.kiosk.language = cfg.language;
    app.kiosk.high_contrast = cfg.high_contrast;
    app.kiosk.text = kiosk_pack_text;
    app.kiosk.text_ctx = content;
    app.kiosk.pack = kiosk_pack_content(content);
    app.kiosk.qr_base_url = cfg.qr_base_url;
    app.kiosk.mm_per_unit = (float)config_mm_per_unit(&cfg);
    /* tests' scripted journeys fix the quiz's questions (docs/CONFIG.md) */
    if (getenv("MINIFAB_QUIZ_SEED"))
        app.kiosk.quiz_seed = strtoull(getenv("MINIFAB_QUIZ_SEED"), NULL, 10);
    app.stations = kiosk_pack_stations(content, &app.station_count);
    app.problem = kiosk_pack_valid(content) ? NULL : kiosk_pack_problem(content);
    app.reload = kiosk_pack_reload;
    app.reload_ctx = content;
    status = app_run(&app);
    if (status == 0 && !kiosk_pack_valid(content) && !app.script_path)
        status = 1; /* closed without ever having a valid pack */
    if (status == 2 && !app.headless)
        fprintf(stderr, "minifab run: no display here. Run headless instead:\n"
                        "  minifab run --headless --script FILE --shots DIR\n"
                        "or start a virtual display: xvfb-run -a minifab run\n");

done:
    engrave_preview_destroy(preview);
    staff_edge_destroy(staff);
    devices_destroy(devices);
    if (stats) {
        stats_status_t st;
        stats_store_sync(stats, 3000);
        stats_store_status(stats, &st);
        if (st.queued || st.dropped)
            mf_log_warn("run", "statistics: %zu events not written, %llu dropped (%s)", st.queued,
                        (unsigned long long)st.dropped, st.last_error_text);
    }
    stats_store_close(stats);
    simproc_stop(sim);
    kiosk_pack_destroy(content);
    yamldoc_errors_deinit(&errs);
    mf_log_open_file(NULL, 0);
    return status;
}

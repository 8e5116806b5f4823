/*
 * config.h - the kiosk's configuration: defaults, file, environment, flags.
 *
 * Precedence, lowest to highest: the defaults below (config_init), the YAML
 * file (config_load_file), the environment (config_apply_env), then the
 * command line (the caller sets fields after parsing its flags). Every key of
 * the file is documented in docs/CONFIG.md; unknown keys are errors so a typo
 * never silently falls back to a default.
 */
#ifndef MF_CONFIG_H
#define MF_CONFIG_H

#include "yamldoc.h"

#include <stdbool.h>

#define CONFIG_PATH_MAX 512
#define CONFIG_ADDR_MAX 256

typedef struct {
    /* Where things are. */
    char content_dir[CONFIG_PATH_MAX]; /* content pack folder */
    char data_dir[CONFIG_PATH_MAX];    /* statistics, logs; default XDG data home/minifab */

    /* The visitor side. */
    char language[8];       /* "fr" (default) or "en": language at the attract screen */
    int idle_timeout_s;     /* no touch for this long -> back to the attract screen */
    bool high_contrast;     /* start in the high-contrast theme */
    bool fullscreen;        /* a real kiosk runs full screen */
    int window_w, window_h; /* window size when not full screen */
    int video_volume_max;   /* cap on the job videos' volume, percent 0..100 */
    char qr_base_url[CONFIG_ADDR_MAX]; /* thanks screen's QR code for several trades */
    /* The touch screen's physical size: touch targets are at least 15 mm on it. */
    double screen_diagonal_in;      /* inches, corner to corner */
    int screen_px_w, screen_px_h;   /* its resolution (its aspect ratio matters) */

    /* The devices. Empty address + sim=true: firmware-sim is started as children. */
    bool sim;                            /* start minifab-sim and use its devices */
    char plc_uri[CONFIG_ADDR_MAX];       /* line PLC, e.g. tcp://192.168.0.10:502 */
    char io_port[CONFIG_ADDR_MAX];       /* remote I/O module (Modbus RTU) */
    char engraver_port[CONFIG_ADDR_MAX]; /* GRBL laser engraver */
    char scanner_port[CONFIG_ADDR_MAX];  /* ticket scanner */
    int line_poll_ms;                    /* PLC polling period */

    /* The laser engraver's job (0 = the driver's default, gcode_text_cfg_default()). */
    double engrave_x_mm, engrave_y_mm;     /* lower-left corner of the area, machine mm */
    double engrave_w_mm, engrave_h_mm;     /* size of the area, mm */
    int engrave_power;                     /* laser power, the S word */
    int engrave_feed;                      /* burning feed, mm/min */
    int engrave_max_chars;                 /* longest text a visitor may engrave */
    bool engrave_home;                     /* home ($H) at start instead of unlocking ($X) */

    /* The visitor statistics (app/stats, docs/STATS.md). */
    char kiosk_id[48];          /* "" = the id the store made once at its creation */
    int stats_retention_months; /* events older than this are purged */
    /* The current stop and group, until the staff console sets them ("" = leave
     * what the store has). */
    char stop_id[48], stop_town[64], stop_venue[96];
    char stop_first_day[11], stop_last_day[11]; /* YYYY-MM-DD */
    char group_type[16]; /* school, job_seekers, company, general_public, other */
    char group_level[32], group_name[96];
    int group_headcount;

    /* Logging. */
    char log_level[8]; /* debug, info, warn, error */
    int log_file_kib;  /* cap of minifab.log in the data directory, KiB */
} config_t;

/* Fills every field with its default (documented in config.c). */
void config_init(config_t *cfg);

/* Reads a YAML config file over CFG. Problems are added to ERRS as
 * FILE:LINE:COL messages. Returns 0, MF_ENOENT or MF_EPARSE. */
int config_load_file(config_t *cfg, const char *path, yamldoc_errors_t *errs);

/* The environment as a function, so tests can pass their own. */
typedef const char *(*config_getenv_fn)(const char *name);

/* Applies MINIFAB_* variables (MINIFAB_DATA_DIR, MINIFAB_CONTENT_DIR,
 * MINIFAB_LANGUAGE, MINIFAB_PLC, MINIFAB_IO, MINIFAB_ENGRAVER, MINIFAB_SCANNER,
 * MINIFAB_LOG_LEVEL). Returns 0 or MF_EINVAL (message in ERRS). */
int config_apply_env(config_t *cfg, config_getenv_fn get, yamldoc_errors_t *errs);

/* True when no device address is configured (then the kiosk uses the sim). */
bool config_uses_sim(const config_t *cfg);

/* Millimetres per layout unit (the screen's shorter side is 100 units) on
 * the configured screen: 1.94 for the default 15.6" 1920x1080. */
double config_mm_per_unit(const config_t *cfg);

/* Applies one command-line option (its long name without dashes, e.g.
 * "plc", "data-dir") with VALUE (NULL for switches such as "sim",
 * "fullscreen", "high-contrast"). Returns 0, or MF_EINVAL for an unknown
 * option or a bad value (message in ERRS). Flags are applied last and win. */
int config_apply_flag(config_t *cfg, const char *name, const char *value, yamldoc_errors_t *errs);
#endif

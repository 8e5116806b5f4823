/*
 * content.h - the content pack: stations, trades, quiz questions, survey
 * questions and every UI string, loaded from a folder of YAML files into one
 * immutable model (see docs/CONTENT.md for the layout an organiser edits).
 *
 * Pure logic (no SDL): the kiosk's screens read this model; the quiz engine
 * (quiz.h) draws questions from it; `minifab content check` runs
 * content_check() and prints the collected "FILE:LINE:COL: message" lines.
 *
 * Ownership: content_load() returns a pack the caller frees with
 * content_destroy(). Every pointer reached through the pack (records, texts,
 * paths) lives as long as the pack and must not be freed or modified.
 * A pack is never modified after loading, so one pack may be read from several
 * threads; reloading means loading a new pack and swapping pointers (keep the
 * old one when the new load fails).
 */
#ifndef MF_CONTENT_H
#define MF_CONTENT_H

#include "yamldoc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Identifiers (station, trade, question ids) are lowercase ascii letters,
 * digits and dashes, 1 to CONTENT_ID_MAX - 1 characters. */
#define CONTENT_ID_MAX 64
/* Languages a pack may declare (fr and en today; room for more). */
#define CONTENT_LANG_MAX 8
/* Answers of one single/multiple choice question. */
#define CONTENT_ANSWERS_MAX 6
/* Points of a survey scale. */
#define CONTENT_SCALE_MAX 7
/* Optional reasons offered after the satisfaction question. */
#define CONTENT_REASONS_MAX 8
/* Sample clips are 24 s long; a trade may say otherwise (video_seconds). */
#define CONTENT_DEFAULT_VIDEO_MS 24000

typedef struct content_pack content_pack_t;

/* Where a record was written: for messages that point staff at the file. */
typedef struct {
    const char *file;
    int line, col;
} content_src_t;

/* A translated text: t[i] is the text in the pack's language i
 * (content_language()), NULL when absent. Read it with content_text(). */
typedef struct {
    const char *t[CONTENT_LANG_MAX];
} content_text_t;

typedef enum { CONTENT_STATION_LINE = 0, CONTENT_STATION_EXHIBIT = 1 } content_station_kind_t;

typedef struct {
    const char *id;
    content_station_kind_t kind;
    int plc_station;      /* line stations: the PLC's station number (1 = order desk); exhibit: 0 */
    content_text_t title; /* a few words */
    content_text_t summary; /* one sentence: what happens here */
    const char *picture;    /* path of an SVG/PNG/JPEG drawing (pack dir prepended) */
    uint32_t colour;        /* 0xRRGGBB */
    const size_t *trades;   /* indices into content_trade() */
    size_t trade_count;
    const size_t *questions; /* indices into content_question(), in file order */
    size_t question_count;
    content_src_t src;
} content_station_t;

typedef struct {
    const char *id;              /* the file name: trades/<id>.yaml */
    content_text_t name;         /* French with both genders: "soudeur / soudeuse" */
    content_text_t day;          /* what the person does in a day */
    const content_text_t *paths; /* ways into the trade, from CAP to engineer, retraining... */
    size_t path_count;
    int salary_min, salary_max;             /* starting salary, gross euros per month */
    int salary_year;                        /* the year these figures are for */
    const char *link;                       /* QR code target: an official job sheet (https://) */
    const char *video;                      /* path of the job video (pack dir prepended) */
    const char *poster;                     /* path of the video's poster image */
    const char *captions[CONTENT_LANG_MAX]; /* caption file per pack language (SRT or WebVTT) */
    int video_ms;                           /* length of the video: captions must end before */
    content_src_t src;
} content_trade_t;

typedef enum {
    CONTENT_Q_SINGLE = 0,   /* exactly one correct answer */
    CONTENT_Q_MULTIPLE = 1, /* two or more correct answers, at least one wrong */
    CONTENT_Q_TRUEFALSE = 2 /* answers[0] = true, answers[1] = false */
} content_qtype_t;

typedef struct {
    const char *id;   /* stable across edits: statistics are keyed on it */
    unsigned version; /* bump when the meaning of the question changes */
    size_t station;   /* index into content_station() */
    content_qtype_t type;
    int difficulty; /* 1 easy, 2 medium, 3 hard */
    content_text_t prompt;
    content_text_t explanation; /* shown after answering */
    content_text_t answers[CONTENT_ANSWERS_MAX];
    size_t answer_count;
    uint32_t correct_mask; /* bit i set: answers[i] is correct */
    const char *image;     /* optional picture (pack dir prepended) or NULL */
    content_src_t src;
} content_question_t;

/* A question on a scale (perception of industry, satisfaction), from the
 * lowest option to the highest. */
typedef struct {
    const char *id;
    unsigned version;
    content_text_t prompt;
    content_text_t options[CONTENT_SCALE_MAX];
    size_t option_count;
    /* satisfaction only, optional: "what did you like most?" answers, each
     * with a stable id (statistics count ids, never free text) */
    content_text_t reasons_prompt;
    const char *reason_ids[CONTENT_REASONS_MAX];
    content_text_t reasons[CONTENT_REASONS_MAX];
    size_t reason_count;
} content_survey_t;

/* --- Loading ------------------------------------------------------------ */

/* Loads the pack in DIR. Returns NULL when anything is wrong, with every
 * problem added to ERRS as "FILE:LINE:COL: message". Media files are not
 * opened (content_check does that). */
content_pack_t *content_load(const char *dir, yamldoc_errors_t *errs);
void content_destroy(content_pack_t *pack);

/* content_check flags. */
#define CONTENT_CHECK_MEDIA 0x1u /* open pictures, posters and captions (check's default) */
#define CONTENT_CHECK_STRICT                                                                       \
    0x2u /* a missing generated video/poster is an error, not a warning                            \
          */

typedef struct {
    size_t stations, trades, questions;
} content_counts_t;

/* Loads DIR and runs every validation. Errors go to ERRS, warnings (which
 * do not make a pack invalid) to WARNS (may be NULL). COUNTS (may be NULL)
 * receives what was read even when the pack is invalid. Returns 0 when the
 * pack is valid, MF_ECONTENT when not. */
int content_check(const char *dir, unsigned flags, yamldoc_errors_t *errs, yamldoc_errors_t *warns,
                  content_counts_t *counts);

/* Same as content_check but keeps the pack when valid (the kiosk's start-up
 * path: refuse a broken pack with the same messages). NULL when invalid. */
content_pack_t *content_load_checked(const char *dir, unsigned flags, yamldoc_errors_t *errs,
                                     yamldoc_errors_t *warns);

/* --- Reading ------------------------------------------------------------ */

const char *content_dir(const content_pack_t *pack);
size_t content_language_count(const content_pack_t *pack);
const char *content_language(const content_pack_t *pack, size_t i); /* "fr", "en" */
/* Index of LANG in the pack's languages, or -1. */
int content_language_index(const content_pack_t *pack, const char *lang);

/* The text in LANG, else in French, else in the first language that has it;
 * "" when empty. Never NULL. */
const char *content_text(const content_pack_t *pack, const char *lang, const content_text_t *text);
/* A UI string by key (strings.yaml): LANG, else French, else KEY itself.
 * Never NULL; a binary search over the sorted keys. */
const char *content_string(const content_pack_t *pack, const char *lang, const char *key);
/* Fills the {name} fields of TMPL (a pack string such as "Question {n} sur
 * {total}") into BUF: each {NAMES[i]} becomes VALUES[i]; an unknown {field}
 * is copied as written. Always NUL-terminates (when SIZE > 0) and returns
 * the length the whole result needs, like snprintf. */
size_t content_format(char *buf, size_t size, const char *tmpl, const char *const *names,
                      const char *const *values, size_t count);
/* True when strings.yaml defines KEY. */
bool content_has_string(const content_pack_t *pack, const char *key);

size_t content_station_count(const content_pack_t *pack);
const content_station_t *content_station(const content_pack_t *pack, size_t i);
const content_station_t *content_station_find(const content_pack_t *pack, const char *id);
/* The line station with that PLC station number, or NULL. */
const content_station_t *content_station_by_plc(const content_pack_t *pack, int plc_station);

size_t content_trade_count(const content_pack_t *pack);
const content_trade_t *content_trade(const content_pack_t *pack, size_t i);
const content_trade_t *content_trade_find(const content_pack_t *pack, const char *id);

size_t content_question_count(const content_pack_t *pack);
const content_question_t *content_question(const content_pack_t *pack, size_t i);
const content_question_t *content_question_find(const content_pack_t *pack, const char *id);
/* Index of Q in content_question() order. */
size_t content_question_index(const content_pack_t *pack, const content_question_t *q);

/* Asked before and after a visit (same question, compare the two answers). */
const content_survey_t *content_perception(const content_pack_t *pack);
/* Asked at the end of a visit. */
const content_survey_t *content_satisfaction(const content_pack_t *pack);

/* --- Helpers shared with the media checks and tests ---------------------- */

/* Width and height of a PNG, JPEG or SVG file from its header (SVG: width and
 * height attributes, else the viewBox). 0 or MF_ENOENT / MF_EMEDIA. */
int content_image_size(const char *path, int *w, int *h);

/* Length of an MP4 video from its 'mvhd' header, in milliseconds.
 * 0, MF_ENOENT, or MF_EMEDIA when the file has no readable movie header. */
int content_video_duration(const char *path, int64_t *ms);

/* --- Bounds on media: what the kiosk agrees to decode -------------------- *
 * One place for them (docs/CONTENT.md tells organisers). A picture or video
 * beyond them is refused by `minifab content check` and by every loader,
 * before anything is decoded: a 254-byte PNG may say 60000x60000 pixels (12 GB
 * once decoded). Caption files: CAPTIONS_FILE_MAX in captions.c (4 MiB). */
#define CONTENT_PICTURE_MAX_SIDE 8192                  /* pixels, either side */
#define CONTENT_PICTURE_MAX_PIXELS (4096LL * 4096LL)   /* 16.8 Mpx: 64 MiB as RGBA */
#define CONTENT_PICTURE_MAX_BYTES (32LL * 1000 * 1000) /* a file, 32 MB */
#define CONTENT_VIDEO_MAX_SIDE 3840                    /* pixels: 4K UHD, either way round */
#define CONTENT_VIDEO_MAX_PIXELS (3840LL * 2160LL)     /* 8.3 Mpx a frame */
#define CONTENT_VIDEO_MAX_BYTES (1000LL * 1000 * 1000) /* a file, 1 GB */

/* Whether PATH is a file the kiosk may read: it exists, is a regular file
 * (not a directory, a FIFO, a device or a loop of symbolic links), is not
 * empty, is readable and at most MAX_BYTES (0 = no cap). 0, or MF_ENOENT,
 * MF_EINVAL (not a file), MF_EMEDIA (empty), MF_ETOOBIG or MF_EIO, with WHY
 * completing "'PATH' ..." ("is a directory, not a file"). *SIZE may be NULL. */
int content_file_check(const char *path, long long max_bytes, long long *size, char *why,
                       size_t why_len);
/* A picture within the bounds, judged from its header: 0 with its size, or
 * an error code (MF_ETOOBIG beyond the bounds, MF_EMEDIA unreadable...) and WHY. */
int content_picture_check(const char *path, int *w, int *h, char *why, size_t why_len);
/* A video: the file, its size from the MP4 track headers (0x0 when unknown,
 * WebM), within the bounds; an MP4 cut short is MF_ETRUNCATED. 0 or an error
 * code with WHY. */
int content_video_check(const char *path, int *w, int *h, char *why, size_t why_len);
/* W x H against the video bounds (the player, with the codec's own size). */
int content_video_dims_check(int w, int h, char *why, size_t why_len);

#endif

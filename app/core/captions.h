/*
 * captions.h - parsing SubRip (.srt) and WebVTT (.vtt) caption files into
 * cues, and checking them against a video's length.
 *
 * Pure logic shared by the content validator (minifab content check) and the
 * video player's caption renderer: parse once into captions_t, then ask
 * captions_at(now) while the video plays. Cue text keeps its line breaks
 * ("\n") and any markup (<i>...</i>) as written; the renderer decides what to
 * do with markup.
 */
#ifndef MF_CAPTIONS_H
#define MF_CAPTIONS_H

#include "yamldoc.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int64_t start_ms, end_ms;
    char *text; /* NUL-terminated, owned by the captions_t */
    int line;   /* line of the cue's timing line in the file (messages) */
} captions_cue_t;

/* Caller-owned list of cues, in file order (captions_deinit frees). */
typedef struct {
    captions_cue_t *cues;
    size_t count;
} captions_t;

/* Parses TEXT (SRT, or WebVTT when it starts with "WEBVTT"); NAME is used in
 * messages. Syntax problems go to ERRS as "NAME:LINE:COL: message" and make
 * the result MF_EPARSE (the cues read so far stay in OUT, which must be
 * deinitialised either way). */
int captions_parse(const char *name, const char *text, size_t len, captions_t *out,
                   yamldoc_errors_t *errs);
/* Same, reading PATH. MF_ENOENT when it cannot be read. */
int captions_load_file(const char *path, captions_t *out, yamldoc_errors_t *errs);
void captions_deinit(captions_t *caps);

/* Checks cues are in order, do not overlap, are not empty, and end within
 * DURATION_MS. Returns 0 or MF_ERANGE with the problems added to ERRS. */
int captions_validate(const captions_t *caps, const char *name, int64_t duration_ms,
                      yamldoc_errors_t *errs);

/* The cue showing at T_MS, or NULL between cues (binary search; cues must be
 * valid as per captions_validate). */
const captions_cue_t *captions_at(const captions_t *caps, int64_t t_ms);

#endif

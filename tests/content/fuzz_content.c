/*
 * fuzz_content.c - the content.fuzz target: arbitrary bytes as one file of a
 * content pack, through the whole loader and validator (libfyaml, our YAML
 * walk, the SRT/WebVTT parser, image headers), then the quiz engine over
 * whatever loads.
 *
 * The first byte picks which file of tests/content/fixtures/good the rest of
 * the input replaces in a private copy of that pack; the file is restored
 * after each run. Built two ways (tests/content/CMakeLists.txt):
 *   -DMINIFAB_FUZZ=ON with clang: fuzz_content, a libFuzzer binary;
 *   always: test_content_fuzz_corpus, which feeds every file of
 *   tests/content/fuzz-corpus/ through the same entry point (CTest
 *   content.fuzz-corpus), so CI runs the corpus under the sanitizers.
 */
#include "captions.h"
#include "content.h"
#include "pack_fixture.h"
#include "quiz.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_files[] = {
    "pack.yaml",
    "strings.yaml",
    "stations.yaml",
    "survey.yaml",
    "trades/welder.yaml",
    "quiz/press.yaml",
    "captions/welder.fr.srt",
    "captions/welder.en.vtt",
    "media/pictures/desk.svg",
    "media/pictures/press.png",
    "media/generated/welder.mp4",
};
#define FUZZ_FILE_COUNT (sizeof fuzz_files / sizeof fuzz_files[0])

static char *fuzz_dir;
static char *fuzz_original[FUZZ_FILE_COUNT];
static size_t fuzz_original_len[FUZZ_FILE_COUNT];

static void fuzz_cleanup(void)
{
    if (fuzz_dir)
        fixture_rm_tree(fuzz_dir);
    free(fuzz_dir);
    for (size_t i = 0; i < FUZZ_FILE_COUNT; i++)
        free(fuzz_original[i]);
}

static int fuzz_init(void)
{
    fuzz_dir = fixture_tmpdir();
    if (!fuzz_dir || fixture_copy_tree(FIXTURE_DIR "/good", fuzz_dir) != 0)
        return -1;
    for (size_t i = 0; i < FUZZ_FILE_COUNT; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", fuzz_dir, fuzz_files[i]);
        fuzz_original[i] = fixture_read(path, &fuzz_original_len[i]);
        if (!fuzz_original[i])
            return -1;
    }
    atexit(fuzz_cleanup);
    return 0;
}

static void fuzz_quiz(const content_pack_t *pack, uint64_t seed)
{
    quiz_t *q =
        quiz_create(pack, (quiz_audience_t)(seed % QUIZ_AUDIENCE_COUNT), seed, 1, NULL, NULL);
    if (!q)
        return;
    for (size_t s = 0; s < content_station_count(pack); s++) {
        if (quiz_start(q, content_station(pack, s)->id, 3, 0) <= 0)
            continue;
        do {
            const content_question_t *cq = quiz_current(q);
            quiz_answer(q, cq->correct_mask ? cq->correct_mask : 1u, 1, NULL);
        } while (quiz_next(q, 2) == 0);
    }
    quiz_destroy(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_dir && fuzz_init() != 0)
        abort();
    if (size == 0)
        return 0;
    size_t which = data[0] % FUZZ_FILE_COUNT;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;

    /* The parsers on their own, straight from memory. */
    yamldoc_errors_t errs, warns;
    yamldoc_errors_init(&errs);
    struct fy_document *doc = yamldoc_load_string("fuzz.yaml", body, len, &errs);
    if (doc)
        fy_document_destroy(doc);
    captions_t caps;
    captions_parse("fuzz.srt", body, len, &caps, &errs);
    captions_validate(&caps, "fuzz.srt", 24000, &errs);
    if (caps.count)
        captions_at(&caps, (int64_t)data[0] * 100);
    captions_deinit(&caps);
    yamldoc_errors_deinit(&errs);

    /* The whole pack with this file replaced. */
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir, fuzz_files[which]);
    if (fixture_write(path, body, len) != 0)
        abort();
    yamldoc_errors_init(&errs);
    yamldoc_errors_init(&warns);
    content_pack_t *pack =
        content_load_checked(fuzz_dir, CONTENT_CHECK_MEDIA | CONTENT_CHECK_STRICT, &errs, &warns);
    if (pack) {
        /* Accessors must hold for anything that loads. */
        for (size_t i = 0; i < content_station_count(pack); i++)
            (void)content_text(pack, "en", &content_station(pack, i)->title);
        (void)content_string(pack, "fr", "quiz.true");
        fuzz_quiz(pack, data[0]);
        content_destroy(pack);
    }
    yamldoc_errors_deinit(&errs);
    yamldoc_errors_deinit(&warns);
    if (fixture_write(path, fuzz_original[which], fuzz_original_len[which]) != 0)
        abort();
    return 0;
}

/*
 * test_content_check.c - content.check: the validator over the good fixture
 * pack and over each broken case under fixtures/broken/<case>/.
 *
 * A broken case is a few files laid over a copy of fixtures/good (and a
 * DELETE list of files to remove); its expected.txt lists every error message
 * the check must print, in order, with the pack folder written as PACK.
 * To add a case: make the folder, then run this test with
 * MINIFAB_UPDATE_EXPECTED=1 to write expected.txt, and read it before
 * committing: it is the specification of the messages.
 */
#include "content.h"
#include "mf_error.h"
#include "pack_fixture.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* ERRS as one text, one message a line, with PREFIX replaced by "PACK". */
static char *join_messages(const yamldoc_errors_t *errs, const char *prefix)
{
    size_t cap = 1, plen = strlen(prefix);
    for (size_t i = 0; i < errs->count; i++)
        cap += strlen(errs->items[i]) + 8;
    char *out = calloc(1, cap);
    assert_non_null(out);
    for (size_t i = 0; i < errs->count; i++) {
        const char *m = errs->items[i];
        const char *hit;
        while ((hit = strstr(m, prefix)) != NULL) {
            strncat(out, m, (size_t)(hit - m));
            strcat(out, "PACK");
            m = hit + plen;
        }
        strcat(out, m);
        strcat(out, "\n");
    }
    return out;
}

static void good_pack_is_valid(void **state)
{
    yamldoc_errors_t errs, warns;
    yamldoc_errors_init(&errs);
    yamldoc_errors_init(&warns);
    content_counts_t counts = {0};
    int rc = content_check(FIXTURE_DIR "/good", CONTENT_CHECK_MEDIA | CONTENT_CHECK_STRICT, &errs,
                           &warns, &counts);
    for (size_t i = 0; i < errs.count; i++)
        fprintf(stderr, "unexpected: %s\n", errs.items[i]);
    assert_int_equal(rc, MF_OK);
    assert_int_equal(errs.count, 0);
    assert_int_equal(counts.stations, 3);
    assert_int_equal(counts.trades, 2);
    assert_int_equal(counts.questions, 7);
    assert_int_equal(warns.count, 1);
    assert_string_equal(warns.items[0], FIXTURE_DIR "/good/stations.yaml:18:9: warning: station "
                                                    "'vr-welding' has no quiz question");
    yamldoc_errors_deinit(&errs);
    yamldoc_errors_deinit(&warns);
}

static void check_case(const char *name)
{
    char case_dir[2048], expected_path[4096];
    snprintf(case_dir, sizeof case_dir, "%s/broken/%s", FIXTURE_DIR, name);
    snprintf(expected_path, sizeof expected_path, "%s/expected.txt", case_dir);
    char *tmp = fixture_tmpdir();
    assert_non_null(tmp);
    assert_int_equal(fixture_copy_tree(FIXTURE_DIR "/good", tmp), 0);
    assert_int_equal(fixture_overlay(case_dir, tmp), 0);

    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    content_counts_t counts;
    int rc = content_check(tmp, CONTENT_CHECK_MEDIA | CONTENT_CHECK_STRICT, &errs, NULL, &counts);
    char *got = join_messages(&errs, tmp);
    const char *update = getenv("MINIFAB_UPDATE_EXPECTED");
    if (update && *update) {
        assert_int_equal(fixture_write(expected_path, got, strlen(got)), 0);
    } else {
        char *want = fixture_read(expected_path, NULL);
        if (!want)
            fail_msg("case '%s' has no expected.txt", name);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "case '%s'\n--- expected\n%s--- got\n%s", name, want, got);
        assert_string_equal(got, want);
        free(want);
    }
    assert_int_equal(rc, MF_ECONTENT);
    assert_true(errs.count > 0);
    /* content_load refuses the same pack with the same messages. */
    yamldoc_errors_t again;
    yamldoc_errors_init(&again);
    assert_null(
        content_load_checked(tmp, CONTENT_CHECK_MEDIA | CONTENT_CHECK_STRICT, &again, NULL));
    assert_int_equal(again.count, errs.count);
    yamldoc_errors_deinit(&again);
    free(got);
    yamldoc_errors_deinit(&errs);
    fixture_rm_tree(tmp);
    free(tmp);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void broken_cases_report_every_problem(void **state)
{
    DIR *d = opendir(FIXTURE_DIR "/broken");
    assert_non_null(d);
    char *names[64] = {0};
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        check_case(names[i]);
        free(names[i]);
    }
}

/* A fresh clone has no media/generated/: a warning, an error with --strict. */
static void missing_generated_media(void **state)
{
    char *tmp = fixture_tmpdir();
    assert_non_null(tmp);
    assert_int_equal(fixture_copy_tree(FIXTURE_DIR "/good", tmp), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/media/generated", tmp);
    fixture_rm_tree(path);

    yamldoc_errors_t errs, warns;
    yamldoc_errors_init(&errs);
    yamldoc_errors_init(&warns);
    assert_int_equal(content_check(tmp, CONTENT_CHECK_MEDIA, &errs, &warns, NULL), MF_OK);
    assert_int_equal(errs.count, 0);
    char *w = join_messages(&warns, tmp);
    assert_string_equal(w, "PACK/stations.yaml:18:9: warning: station 'vr-welding' has no quiz "
                           "question\n"
                           "PACK/media/generated: warning: 4 videos and posters are not generated "
                           "yet, the folder does not exist (run content/make-sample-media.sh)\n");
    free(w);
    yamldoc_errors_deinit(&errs);
    yamldoc_errors_deinit(&warns);

    yamldoc_errors_init(&errs);
    assert_int_equal(
        content_check(tmp, CONTENT_CHECK_MEDIA | CONTENT_CHECK_STRICT, &errs, NULL, NULL),
        MF_ECONTENT);
    char *e = join_messages(&errs, tmp);
    assert_string_equal(
        e, "PACK/trades/tester.yaml:8:8: video 'PACK/media/generated/tester.mp4' is missing (run "
           "content/make-sample-media.sh)\n"
           "PACK/trades/tester.yaml:9:9: poster 'PACK/media/generated/tester.poster.png' is "
           "missing (run content/make-sample-media.sh)\n"
           "PACK/trades/welder.yaml:10:8: video 'PACK/media/generated/welder.mp4' is missing (run "
           "content/make-sample-media.sh)\n"
           "PACK/trades/welder.yaml:11:9: poster 'PACK/media/generated/welder.poster.png' is "
           "missing (run content/make-sample-media.sh)\n");
    free(e);
    yamldoc_errors_deinit(&errs);

    /* With the folder there, each missing file is its own warning. */
    assert_int_equal(mkdir(path, 0755), 0);
    yamldoc_errors_init(&warns);
    yamldoc_errors_init(&errs);
    assert_int_equal(content_check(tmp, CONTENT_CHECK_MEDIA, &errs, &warns, NULL), MF_OK);
    assert_int_equal(warns.count, 5);
    w = join_messages(&warns, tmp);
    assert_non_null(strstr(w, "PACK/trades/welder.yaml:10:8: warning: video "
                              "'PACK/media/generated/welder.mp4' is not there yet"));
    free(w);
    yamldoc_errors_deinit(&warns);
    yamldoc_errors_deinit(&errs);
    fixture_rm_tree(tmp);
    free(tmp);
}

/* Issue 14: what is in place of a file is said, not "missing": a FIFO (the
 * check must not block on it), a directory, a loop of symbolic links, an
 * empty file. Made here: git keeps none of them. */
static void not_files_say_what_they_are(void **state)
{
    char *tmp = fixture_tmpdir();
    assert_non_null(tmp);
    assert_int_equal(fixture_copy_tree(FIXTURE_DIR "/good", tmp), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/captions/welder.fr.srt", tmp);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
    snprintf(path, sizeof path, "%s/media/pictures/press.png", tmp);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/media/generated/welder.mp4", tmp);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink(path, path), 0);
    snprintf(path, sizeof path, "%s/media/generated/tester.poster.png", tmp);
    assert_int_equal(fixture_write(path, "", 0), 0);
    snprintf(path, sizeof path, "%s/captions/tester.en.srt", tmp);
    assert_int_equal(fixture_write(path, "", 0), 0);
    snprintf(path, sizeof path, "%s/survey.yaml", tmp);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/quiz/desk.yaml", tmp);
    assert_int_equal(fixture_write(path, "", 0), 0);

    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    assert_int_equal(
        content_check(tmp, CONTENT_CHECK_MEDIA | CONTENT_CHECK_STRICT, &errs, NULL, NULL),
        MF_ECONTENT);
    char *got = join_messages(&errs, tmp);
    const char *want[] = {
        "PACK/survey.yaml: it is a directory, not a file (a pack needs survey.yaml)\n",
        "PACK/quiz/desk.yaml: the file is empty (0 bytes)\n",
        "PACK/trades/tester.yaml:9:9: poster 'PACK/media/generated/tester.poster.png' is empty "
        "(0 bytes)\n",
        "PACK/trades/tester.yaml:11:44: caption file 'PACK/captions/tester.en.srt' is empty (0 "
        "bytes)\n",
        "PACK/trades/welder.yaml:10:8: video 'PACK/media/generated/welder.mp4' is a loop of "
        "symbolic links, not a file\n",
        "PACK/trades/welder.yaml:12:16: caption file 'PACK/captions/welder.fr.srt' is a named "
        "pipe (FIFO), not a file\n",
        "PACK/stations.yaml:15:14: picture 'PACK/media/pictures/press.png' is a directory, not a "
        "file\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(got, want[i]))
            fail_msg("want \"%s\" in:\n%s", want[i], got);
    assert_null(strstr(got, "missing"));
    assert_null(strstr(got, "unreadable"));
    free(got);
    yamldoc_errors_deinit(&errs);
    fixture_rm_tree(tmp);
    free(tmp);
}

/* Without CONTENT_CHECK_MEDIA, media are not opened (content_load's path). */
static void load_does_not_open_media(void **state)
{
    char *tmp = fixture_tmpdir();
    assert_non_null(tmp);
    assert_int_equal(fixture_copy_tree(FIXTURE_DIR "/good", tmp), 0);
    assert_int_equal(fixture_overlay(FIXTURE_DIR "/broken/media", tmp), 0);
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    content_pack_t *pack = content_load(tmp, &errs);
    assert_non_null(pack);
    assert_int_equal(errs.count, 0);
    content_destroy(pack);
    yamldoc_errors_deinit(&errs);
    fixture_rm_tree(tmp);
    free(tmp);
}

static void not_a_folder(void **state)
{
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    content_counts_t counts = {9, 9, 9};
    assert_int_equal(content_check("/nonexistent/pack", CONTENT_CHECK_MEDIA, &errs, NULL, &counts),
                     MF_ECONTENT);
    assert_int_equal(errs.count, 1);
    assert_string_equal(errs.items[0],
                        "/nonexistent/pack: not a content pack folder (cannot open it)");
    assert_int_equal(counts.stations + counts.trades + counts.questions, 0);
    assert_null(content_load("/nonexistent/pack", &errs));
    yamldoc_errors_deinit(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_pack_is_valid),
        cmocka_unit_test(broken_cases_report_every_problem),
        cmocka_unit_test(not_files_say_what_they_are),
        cmocka_unit_test(missing_generated_media),
        cmocka_unit_test(load_does_not_open_media),
        cmocka_unit_test(not_a_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_content_load.c - content.load: what the kiosk reads from a loaded pack
 * (the good fixture): records, translated texts with their fallbacks, UI
 * strings by key, lookups by id and PLC number, survey questions.
 */
#include "content.h"
#include "mf_error.h"
#include "pack_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static int setup(void **state)
{
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    content_pack_t *pack = content_load(FIXTURE_DIR "/good", &errs);
    yamldoc_errors_deinit(&errs);
    *state = pack;
    return pack ? 0 : -1;
}

static int teardown(void **state)
{
    content_destroy(*state);
    return 0;
}

static void languages(void **state)
{
    const content_pack_t *p = *state;
    assert_int_equal(content_language_count(p), 2);
    assert_string_equal(content_language(p, 0), "fr");
    assert_string_equal(content_language(p, 1), "en");
    assert_null(content_language(p, 2));
    assert_int_equal(content_language_index(p, "en"), 1);
    assert_int_equal(content_language_index(p, "de"), -1);
    assert_string_equal(content_dir(p), FIXTURE_DIR "/good");
}

static void strings_with_fallbacks(void **state)
{
    const content_pack_t *p = *state;
    assert_string_equal(content_string(p, "fr", "app.title"), "La mini-usine");
    assert_string_equal(content_string(p, "en", "app.title"), "The mini-factory");
    /* An unknown language falls back to French; an unknown key to the key. */
    assert_string_equal(content_string(p, "de", "app.title"), "La mini-usine");
    assert_string_equal(content_string(p, NULL, "app.title"), "La mini-usine");
    assert_string_equal(content_string(p, "en", "no.such.key"), "no.such.key");
    assert_true(content_has_string(p, "quiz.true"));
    assert_false(content_has_string(p, "quiz.maybe"));
    /* Keys are sorted for the binary search whatever the file's order. */
    assert_string_equal(content_string(p, "en", "only.french"), "Only in French");
    assert_string_equal(content_string(p, "en", "quiz.false"), "False");
}

static void text_falls_back_to_french(void **state)
{
    const content_pack_t *p = *state;
    content_text_t t = {{"bonjour", NULL}};
    assert_string_equal(content_text(p, "en", &t), "bonjour");
    content_text_t only_en = {{NULL, "hello"}};
    assert_string_equal(content_text(p, "fr", &only_en), "hello");
    content_text_t none = {{NULL, NULL}};
    assert_string_equal(content_text(p, "fr", &none), "");
}

static void stations(void **state)
{
    const content_pack_t *p = *state;
    assert_int_equal(content_station_count(p), 3);
    const content_station_t *s = content_station(p, 1);
    assert_string_equal(s->id, "press");
    assert_int_equal(s->kind, CONTENT_STATION_LINE);
    assert_int_equal(s->plc_station, 3);
    assert_string_equal(content_text(p, "fr", &s->title), "La presse");
    assert_string_equal(content_text(p, "en", &s->summary), "The press bends the blank.");
    assert_string_equal(s->picture, FIXTURE_DIR "/good/media/pictures/press.png");
    assert_int_equal(s->colour, 0xEF6C00);
    assert_int_equal(s->trade_count, 2);
    assert_string_equal(content_trade(p, s->trades[0])->id, "welder");
    assert_string_equal(content_trade(p, s->trades[1])->id, "tester");
    assert_int_equal(s->question_count, 6);
    assert_string_equal(content_question(p, s->questions[0])->id, "p-easy-1");
    assert_int_equal(s->src.line, 10);
    assert_ptr_equal(content_station_find(p, "press"), s);
    assert_ptr_equal(content_station_by_plc(p, 3), s);
    assert_null(content_station_by_plc(p, 2));
    assert_null(content_station_by_plc(p, 0)); /* exhibits have no number */
    assert_null(content_station_find(p, "paint-shop"));
    assert_null(content_station(p, 3));
    const content_station_t *vr = content_station_find(p, "vr-welding");
    assert_int_equal(vr->kind, CONTENT_STATION_EXHIBIT);
    assert_int_equal(vr->plc_station, 0);
    assert_int_equal(vr->question_count, 0);
}

static void trades(void **state)
{
    const content_pack_t *p = *state;
    assert_int_equal(content_trade_count(p), 2);
    /* Trades are read in file name order. */
    assert_string_equal(content_trade(p, 0)->id, "tester");
    const content_trade_t *t = content_trade_find(p, "welder");
    assert_non_null(t);
    assert_string_equal(content_text(p, "fr", &t->name), "soudeur / soudeuse");
    assert_string_equal(content_text(p, "en", &t->name), "welder");
    assert_string_equal(content_text(p, "en", &t->day), "She joins metal parts.");
    assert_int_equal(t->path_count, 2);
    assert_string_equal(content_text(p, "fr", &t->paths[1]),
                        "Titre professionnel pour les adultes.");
    assert_int_equal(t->salary_min, 1850);
    assert_int_equal(t->salary_max, 2300);
    assert_int_equal(t->salary_year, 2025);
    assert_string_equal(t->link,
                        "https://www.onisep.fr/ressources/univers-metier/metiers/soudeur-soudeuse");
    assert_string_equal(t->video, FIXTURE_DIR "/good/media/generated/welder.mp4");
    assert_string_equal(t->poster, FIXTURE_DIR "/good/media/generated/welder.poster.png");
    assert_string_equal(t->captions[0], FIXTURE_DIR "/good/captions/welder.fr.srt");
    assert_string_equal(t->captions[1], FIXTURE_DIR "/good/captions/welder.en.vtt");
    assert_int_equal(t->video_ms, 24000); /* pack.yaml's video_seconds */
    assert_int_equal(content_trade_find(p, "tester")->video_ms, 10000);
    assert_null(content_trade_find(p, "astronaut"));
}

static void questions(void **state)
{
    const content_pack_t *p = *state;
    assert_int_equal(content_question_count(p), 7);
    const content_question_t *q = content_question_find(p, "p-mid-1");
    assert_non_null(q);
    assert_int_equal(q->type, CONTENT_Q_MULTIPLE);
    assert_int_equal(q->difficulty, 2);
    assert_int_equal(q->version, 1);
    assert_int_equal(q->answer_count, 4);
    assert_int_equal(q->correct_mask, 0x5);
    assert_string_equal(content_text(p, "en", &q->answers[2]), "A vessel");
    assert_string_equal(content_text(p, "fr", &q->explanation), "Des cuves et des réservoirs.");
    assert_string_equal(content_station(p, q->station)->id, "press");
    assert_null(q->image);
    assert_int_equal(content_question_index(p, q), 3);

    const content_question_t *tf = content_question_find(p, "p-easy-2");
    assert_int_equal(tf->type, CONTENT_Q_TRUEFALSE);
    assert_int_equal(tf->version, 3);
    assert_int_equal(tf->answer_count, 2);
    assert_int_equal(tf->correct_mask, 0x1);
    assert_string_equal(content_text(p, "fr", &tf->answers[0]), "Vrai");
    assert_string_equal(content_text(p, "en", &tf->answers[1]), "False");
    assert_int_equal(content_question_find(p, "p-mid-2")->correct_mask, 0x2);

    const content_question_t *img = content_question_find(p, "p-hard-1");
    assert_string_equal(img->image, FIXTURE_DIR "/good/media/pictures/press.png");
    assert_int_equal(img->src.line, 38);
    assert_string_equal(img->src.file, FIXTURE_DIR "/good/quiz/press.yaml");
    /* desk.yaml comes before press.yaml. */
    assert_string_equal(content_question(p, 0)->id, "d-1");
}

static void survey(void **state)
{
    const content_pack_t *p = *state;
    const content_survey_t *s = content_perception(p);
    assert_string_equal(s->id, "perception-industry");
    assert_int_equal(s->version, 2);
    assert_int_equal(s->option_count, 3);
    assert_string_equal(content_text(p, "en", &s->options[2]), "Yes");
    const content_survey_t *sat = content_satisfaction(p);
    assert_string_equal(sat->id, "satisfaction-visit");
    assert_int_equal(sat->option_count, 2);
    assert_string_equal(content_text(p, "fr", &sat->prompt), "As-tu aimé la visite ?");
}

static void format_fields(void **state)
{
    const char *names[] = {"min", "max", "year"};
    const char *values[] = {"1850", "2300", "2025"};
    char buf[64];
    size_t n = content_format(buf, sizeof buf, "de {min} à {max} € ({year})", names, values, 3);
    assert_string_equal(buf, "de 1850 à 2300 € (2025)");
    assert_int_equal(n, strlen(buf));
    /* Unknown fields and lone braces stay as written. */
    content_format(buf, sizeof buf, "{max}{who} { {min", names, values, 3);
    assert_string_equal(buf, "2300{who} { {min");
    /* Truncated like snprintf, returning the length needed. */
    char small[6];
    assert_int_equal(content_format(small, sizeof small, "{min}-{max}", names, values, 3), 9);
    assert_string_equal(small, "1850-");
    assert_int_equal(content_format(NULL, 0, "{year}!", names, values, 3), 5);
}

static void trailing_slash_in_dir(void **state)
{
    yamldoc_errors_t errs;
    yamldoc_errors_init(&errs);
    content_pack_t *p = content_load(FIXTURE_DIR "/good//", &errs);
    assert_non_null(p);
    assert_string_equal(content_dir(p), FIXTURE_DIR "/good");
    content_destroy(p);
    content_destroy(NULL);
    yamldoc_errors_deinit(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(languages),
        cmocka_unit_test(strings_with_fallbacks),
        cmocka_unit_test(text_falls_back_to_french),
        cmocka_unit_test(stations),
        cmocka_unit_test(trades),
        cmocka_unit_test(questions),
        cmocka_unit_test(survey),
        cmocka_unit_test(trailing_slash_in_dir),
        cmocka_unit_test(format_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

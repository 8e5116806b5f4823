/*
 * test_gcode.c - drivers/gcode: text to G-code (fitting, centring, accents,
 * refusals) and the offensive-word filter with its usual tricks.
 */
#include "gcode_text.h"
#include "mf_error.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static gcode_font_t *font;

static int setup(void **state)
{
    font = gcode_font_load("rowmans");
    return font ? 0 : -1;
}

static int teardown(void **state)
{
    gcode_font_destroy(font);
    return 0;
}

/* Checks every line is valid for GRBL (<= 80 chars) and motion stays in the area. */
static void check_program(const gcode_program_t *p, const gcode_text_cfg_t *cfg)
{
    int lines = 0;
    const char *s = p->text;
    while (*s) {
        const char *e = strchr(s, '\n');
        assert_non_null(e);
        assert_true(e - s <= 80);
        assert_true(e - s > 0);
        double x, y;
        if (sscanf(s, "G1 X%lf Y%lf", &x, &y) == 2 || sscanf(s, "G0 X%lf Y%lf", &x, &y) == 2) {
            assert_true(x >= cfg->area_x - 1e-6 && x <= cfg->area_x + cfg->area_w + 1e-6);
            assert_true(y >= cfg->area_y - 1e-6 && y <= cfg->area_y + cfg->area_h + 1e-6);
        }
        lines++;
        s = e + 1;
    }
    assert_int_equal(lines, p->lines);
}

static void test_render_fits_and_centres(void **state)
{
    gcode_text_cfg_t cfg;
    gcode_text_cfg_default(&cfg);
    cfg.area_x = 10;
    cfg.area_y = 5;
    gcode_program_t p;
    gcode_text_check_t chk;
    assert_int_equal(gcode_text_render(font, &cfg, "Bienvenue", &p, &chk), 0);
    check_program(&p, &cfg);
    /* Inside the margins, centred on the area's centre. */
    assert_true(p.min_x >= cfg.area_x + cfg.margin - 1e-6);
    assert_true(p.max_x <= cfg.area_x + cfg.area_w - cfg.margin + 1e-6);
    assert_true(p.min_y >= cfg.area_y + cfg.margin - 1e-6);
    assert_true(p.max_y <= cfg.area_y + cfg.area_h - cfg.margin + 1e-6);
    assert_true(fabs((p.min_x + p.max_x) / 2 - (cfg.area_x + cfg.area_w / 2)) < 0.01);
    assert_true(fabs((p.min_y + p.max_y) / 2 - (cfg.area_y + cfg.area_h / 2)) < 0.01);
    /* Power and feed from the configuration; laser off at the end. */
    assert_non_null(strstr(p.text, "M4 S300\n"));
    assert_non_null(strstr(p.text, " F800\n"));
    assert_true(strstr(p.text, "G21\nG90\nM5\n") == p.text);
    assert_true(p.burn_mm > 10);
    gcode_program_free(&p);
    assert_null(p.text);

    /* A short text is capped at max_cap_h. */
    assert_int_equal(gcode_text_render(font, &cfg, "A", &p, &chk), 0);
    assert_true(fabs(p.cap_h_mm - cfg.max_cap_h) < 1e-6);
    gcode_program_free(&p);
}

static int count_strokes(const char *text)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, "M4 ")); p++)
        n++;
    return n;
}

static void test_accents(void **state)
{
    gcode_text_cfg_t cfg;
    gcode_text_cfg_default(&cfg);
    gcode_program_t plain, acc;
    gcode_text_check_t chk;
    /* é = e + an acute: one more stroke, drawn above the x-height. */
    assert_int_equal(gcode_text_render(font, &cfg, "e", &plain, &chk), 0);
    assert_int_equal(gcode_text_render(font, &cfg, "\xc3\xa9", &acc, &chk), 0);
    assert_true(acc.lines > plain.lines);
    assert_true(acc.max_y - acc.min_y > plain.max_y - plain.min_y);
    gcode_program_free(&plain);
    gcode_program_free(&acc);
    /* Every French letter is accepted. */
    const char *fr =
        "\xc3\xa9\xc3\xa8\xc3\xaa\xc3\xa0\xc3\xa7\xc3\xb4\xc3\xbb\xc3\xae\xc3\xaf\xc3\xab\xc5\x93";
    assert_int_equal(gcode_text_render(font, &cfg, fr, &acc, &chk), 0);
    gcode_program_free(&acc);
    assert_int_equal(gcode_text_render(font, &cfg,
                                       "\xc3\x89"
                                       "milie \xc3\x87"
                                       "a",
                                       &acc, &chk),
                     0);
    check_program(&acc, &cfg);
    gcode_program_free(&acc);
    /* i is stem + dot; î is stem + circumflex: the dot is dropped. */
    gcode_program_t i_plain, i_circ;
    assert_int_equal(gcode_text_render(font, &cfg, "i", &i_plain, &chk), 0);
    assert_int_equal(gcode_text_render(font, &cfg, "\xc3\xae", &i_circ, &chk), 0);
    assert_int_equal(count_strokes(i_plain.text), 2);
    assert_int_equal(count_strokes(i_circ.text), 2);
    gcode_program_free(&i_plain);
    gcode_program_free(&i_circ);
}

static void test_refusals(void **state)
{
    gcode_text_cfg_t cfg;
    gcode_text_cfg_default(&cfg);
    gcode_program_t p;
    gcode_text_check_t chk;
    assert_int_equal(gcode_text_render(font, &cfg, "   ", &p, &chk), MF_EREFUSED);
    assert_int_equal(chk.verdict, GCODE_TEXT_EMPTY);
    assert_int_equal(gcode_text_render(font, &cfg, "Hi \xf0\x9f\x98\x80", &p, &chk), MF_EREFUSED);
    assert_int_equal(chk.verdict, GCODE_TEXT_BAD_CHAR);
    assert_non_null(strstr(chk.message, "U+1F600"));
    assert_int_equal(gcode_text_render(font, &cfg, "tab\there", &p, &chk), MF_EREFUSED);
    assert_int_equal(chk.verdict, GCODE_TEXT_BAD_CHAR);
    assert_int_equal(gcode_text_render(font, &cfg, "\xc3\x28", &p, &chk), MF_EREFUSED);
    assert_int_equal(chk.verdict, GCODE_TEXT_BAD_UTF8);
    assert_int_equal(gcode_text_render(font, &cfg, "abcdefghijklmnopqrstuvwxyz", &p, &chk),
                     MF_EREFUSED);
    assert_int_equal(chk.verdict, GCODE_TEXT_TOO_LONG);
    /* Within max_chars but too small to read: refused too. */
    cfg.max_chars = 100;
    assert_int_equal(gcode_text_render(font, &cfg, "WWWWWWWWWWWWWWWWWWWWWWWW", &p, &chk),
                     MF_EREFUSED);
    assert_int_equal(chk.verdict, GCODE_TEXT_TOO_LONG);
    assert_non_null(strstr(chk.message, "mm"));
    assert_null(p.text);
    assert_int_equal(gcode_text_render(font, &cfg, "Salope", &p, &chk), MF_EREFUSED);
    assert_int_equal(chk.verdict, GCODE_TEXT_BLOCKED);
    assert_null(strstr(chk.message, "alope")); /* the word is not repeated back */
}

static void test_blocklist(void **state)
{
    const char *bad[] = {
        "fuck",      "FUCK",    "f u c k",  "f.u.c.k",    "fuuuuck", "Fu ck you",
        "fuk",       "sh1t",    "connard",  "CONNARD",    "c0nn4rd", "c o n n a r d",
        "pétasse",   "enculé",  "3ncul3",   "ntm",        "fdp",     "PD",
        "ta gueule", "p u t e", "salooope", "$alope",     "b1tch",   "nazi",
        "Hitler",    "niqu3",   "con",      "Léo le con", "merde",   "emmerde",
    };
    const char *good[] = {
        "Léa",         "Bienvenue",   "Fabrique 4.0", "Collège Jean Moulin",
        "Scunthorpe",  "Pascal",      "Constance",    "Jean-Côme",
        "Technique",   "Computer",    "Sussex",       "Ça marche !",
        "Bastien",     "Assia",       "Cocorico",     "Nathan",
        "Mathis 2009", "Dickens",     "ok",           "Bonne chance",
        "Tant pis",    "As de pique", "Kiki",         "Nigel",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (!gcode_blocklist_match(bad[i]))
            fail_msg("not blocked: %s", bad[i]);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (gcode_blocklist_match(good[i]))
            fail_msg("wrongly blocked: %s", good[i]);
    }
    char out[64];
    gcode_blocklist_normalise("  Él\xc5\x93-4$ ", out, sizeof out);
    assert_string_equal(out, "eloe as");
}

/* Random bytes: refused or rendered, never a crash (ASan/UBSan in CI). */
static void test_random_text(void **state)
{
    gcode_text_cfg_t cfg;
    gcode_text_cfg_default(&cfg);
    unsigned seed = 777;
    char text[32];
    int rendered = 0;
    for (int i = 0; i < 3000; i++) {
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        size_t len = 1 + (seed >> 16) % 24;
        while (n < len) {
            seed = seed * 1103515245u + 12345u;
            unsigned char c = (unsigned char)(seed >> 16);
            /* Mostly printable ASCII and UTF-8 lead/continuation bytes. */
            text[n++] = (char)(c % 3 ? 0x20 + c % 95 : c | 0x80);
        }
        text[n] = '\0';
        gcode_program_t p;
        gcode_text_check_t chk;
        int rc = gcode_text_render(font, &cfg, text, &p, &chk);
        assert_true(rc == 0 || rc == MF_EREFUSED);
        if (rc == 0) {
            rendered++;
            gcode_program_free(&p);
        } else {
            assert_true(chk.message[0] != '\0');
        }
        char norm[128];
        gcode_blocklist_normalise(text, norm, sizeof norm);
    }
    assert_true(rendered > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_fits_and_centres),
        cmocka_unit_test(test_accents),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_blocklist),
        cmocka_unit_test(test_random_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

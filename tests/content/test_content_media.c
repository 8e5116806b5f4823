/*
 * test_content_media.c - content.media: the caption parser (SubRip, WebVTT),
 * cue lookup for the renderer, and picture sizes read from file headers.
 */
#include "captions.h"
#include "content.h"
#include "mf_error.h"
#include "pack_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int parse(const char *text, captions_t *caps, yamldoc_errors_t *errs)
{
    yamldoc_errors_init(errs);
    return captions_parse("t.srt", text, strlen(text), caps, errs);
}

static void srt_cues(void **state)
{
    captions_t c;
    yamldoc_errors_t e;
    const char *srt = "\xEF\xBB\xBF"
                      "1\r\n00:00:00,500 --> 00:00:04,000\r\nLine one\r\nline two\r\n\r\n"
                      "2\n01:02:03,004 --> 01:02:05,000\n<i>Italic</i>\n";
    assert_int_equal(parse(srt, &c, &e), MF_OK);
    assert_int_equal(e.count, 0);
    assert_int_equal(c.count, 2);
    assert_int_equal(c.cues[0].start_ms, 500);
    assert_int_equal(c.cues[0].end_ms, 4000);
    assert_string_equal(c.cues[0].text, "Line one\nline two");
    assert_int_equal(c.cues[0].line, 2);
    assert_int_equal(c.cues[1].start_ms, 3723004);
    assert_string_equal(c.cues[1].text, "<i>Italic</i>");
    captions_deinit(&c);
    yamldoc_errors_deinit(&e);
}

static void webvtt_cues(void **state)
{
    captions_t c;
    yamldoc_errors_t e;
    const char *vtt = "WEBVTT\nKind: captions\n\nNOTE a comment\nspanning lines\n\n"
                      "STYLE\n::cue { color: yellow }\n\n"
                      "intro\n00:01.000 --> 00:02.500 line:90% align:center\nHello\n\n"
                      "00:00:03.000 --> 00:00:04.000\nWorld\n";
    assert_int_equal(parse(vtt, &c, &e), MF_OK);
    assert_int_equal(c.count, 2);
    assert_int_equal(c.cues[0].start_ms, 1000);
    assert_int_equal(c.cues[0].end_ms, 2500);
    assert_string_equal(c.cues[0].text, "Hello");
    assert_int_equal(c.cues[1].start_ms, 3000);
    assert_string_equal(c.cues[1].text, "World");
    captions_deinit(&c);
    yamldoc_errors_deinit(&e);
}

static void syntax_errors(void **state)
{
    captions_t c;
    yamldoc_errors_t e;
    const char *bad = "1\n00:00:01,000 -> 00:00:02,000\nA\n\n"
                      "x\n00:00:01,000 --> 00:00:02,000\nB\n\n"
                      "3\n00:00:61,000 --> 00:00:62,000\nC\n\n"
                      "4\nno timing here\n\n"
                      "5\n00:00:05,000 --> 00:00:06,000\nE\n";
    assert_int_equal(parse(bad, &c, &e), MF_EPARSE);
    assert_int_equal(e.count, 4);
    assert_string_equal(e.items[0], "t.srt:2:1: expected a timing line '00:00:01,000 --> "
                                    "00:00:04,000'");
    assert_string_equal(e.items[1], "t.srt:5:1: expected a cue number or a timing line "
                                    "'00:00:01,000 --> 00:00:04,000'");
    assert_string_equal(e.items[2], "t.srt:10:1: bad timing line: expected 'HH:MM:SS,mmm --> "
                                    "HH:MM:SS,mmm'");
    assert_string_equal(e.items[3], "t.srt:14:1: expected a timing line '00:00:01,000 --> "
                                    "00:00:04,000'");
    /* The good cue after the bad ones is still read. */
    assert_int_equal(c.count, 1);
    assert_string_equal(c.cues[0].text, "E");
    captions_deinit(&c);
    yamldoc_errors_deinit(&e);

    yamldoc_errors_init(&e);
    assert_int_equal(captions_parse("nul.srt", "1\n\0", 3, &c, &e), MF_EPARSE);
    assert_string_equal(e.items[0], "nul.srt: not a text file (contains NUL bytes)");
    captions_deinit(&c);
    yamldoc_errors_deinit(&e);

    yamldoc_errors_init(&e);
    assert_int_equal(captions_load_file("/nonexistent.srt", &c, &e), MF_ENOENT);
    assert_string_equal(e.items[0], "/nonexistent.srt: cannot open the caption file");
    yamldoc_errors_deinit(&e);
}

static void validation(void **state)
{
    captions_t c;
    yamldoc_errors_t e;
    assert_int_equal(parse("", &c, &e), MF_OK);
    assert_int_equal(captions_validate(&c, "t.srt", 24000, &e), MF_ERANGE);
    assert_string_equal(e.items[0], "t.srt: no caption cue in the file");
    captions_deinit(&c);
    yamldoc_errors_deinit(&e);

    const char *srt = "1\n00:00:01,000 --> 00:00:05,000\nA\n\n"
                      "2\n00:00:05,000 --> 00:00:24,000\n \n";
    assert_int_equal(parse(srt, &c, &e), MF_OK);
    assert_int_equal(captions_validate(&c, "t.srt", 24000, &e), MF_ERANGE);
    assert_int_equal(e.count, 1);
    assert_string_equal(e.items[0], "t.srt:6:1: cue has no text");
    yamldoc_errors_deinit(&e);
    yamldoc_errors_init(&e);
    assert_int_equal(captions_validate(&c, "t.srt", 20000, &e), MF_ERANGE);
    assert_string_equal(e.items[0], "t.srt:6:1: cue ends at 00:00:24,000, after the end of the "
                                    "video (00:00:20,000)");
    captions_deinit(&c);
    yamldoc_errors_deinit(&e);
}

static void cue_at_time(void **state)
{
    captions_t c;
    yamldoc_errors_t e;
    const char *srt = "1\n00:00:01,000 --> 00:00:02,000\nA\n\n"
                      "2\n00:00:03,000 --> 00:00:04,000\nB\n\n"
                      "3\n00:00:04,000 --> 00:00:05,000\nC\n";
    assert_int_equal(parse(srt, &c, &e), MF_OK);
    assert_null(captions_at(&c, 0));
    assert_null(captions_at(&c, 999));
    assert_string_equal(captions_at(&c, 1000)->text, "A");
    assert_string_equal(captions_at(&c, 1999)->text, "A");
    assert_null(captions_at(&c, 2000));
    assert_string_equal(captions_at(&c, 3500)->text, "B");
    assert_string_equal(captions_at(&c, 4000)->text, "C");
    assert_null(captions_at(&c, 5000));
    captions_deinit(&c);
    captions_t empty = {0};
    assert_null(captions_at(&empty, 0));
    yamldoc_errors_deinit(&e);
}

static char *tmp_file(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/%s", dir, name);
    assert_int_equal(fixture_write(path, data, len), 0);
    return path;
}

static void image_sizes(void **state)
{
    char *dir = fixture_tmpdir();
    assert_non_null(dir);
    int w, h;

    /* PNG: signature, then IHDR with width 300 and height 200. */
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                        'I',  'H', 'D', 'R', 0,    0,    0x01, 0x2c, 0, 0, 0, 0xc8};
    char *p = tmp_file(dir, "a.png", png, sizeof png);
    assert_int_equal(content_image_size(p, &w, &h), MF_OK);
    assert_int_equal(w, 300);
    assert_int_equal(h, 200);
    free(p);

    /* JPEG: SOI, an APP0 segment to skip, then SOF0 with height 480, width 640. */
    static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0,    4,    'J', 'F', 0xFF, 0xC0, 0,
                                        11,   8,    0x01, 0xE0, 0x02, 0x80, 3,   0,   0,    0};
    p = tmp_file(dir, "a.jpg", jpg, sizeof jpg);
    assert_int_equal(content_image_size(p, &w, &h), MF_OK);
    assert_int_equal(w, 640);
    assert_int_equal(h, 480);
    free(p);
    /* Cut before the frame header. */
    p = tmp_file(dir, "cut.jpg", jpg, 8);
    assert_int_equal(content_image_size(p, &w, &h), MF_EMEDIA);
    free(p);

    const char *svg1 = "<?xml version=\"1.0\"?>\n<!-- drawing -->\n<svg xmlns=\"x\" "
                       "width=\"512px\" height='256' viewBox=\"0 0 10 10\">";
    p = tmp_file(dir, "a.svg", svg1, strlen(svg1));
    assert_int_equal(content_image_size(p, &w, &h), MF_OK);
    assert_int_equal(w, 512);
    assert_int_equal(h, 256);
    free(p);
    const char *svg2 = "<svg\n  width=\"100%\" viewBox=\"0, 0, 64.4, 48\"><rect/></svg>";
    p = tmp_file(dir, "b.svg", svg2, strlen(svg2));
    assert_int_equal(content_image_size(p, &w, &h), MF_OK);
    assert_int_equal(w, 64);
    assert_int_equal(h, 48);
    free(p);
    const char *svg3 = "<svgx width=\"10\" height=\"10\">";
    p = tmp_file(dir, "c.svg", svg3, strlen(svg3));
    assert_int_equal(content_image_size(p, &w, &h), MF_EMEDIA);
    free(p);

    p = tmp_file(dir, "text.png", "hello", 5);
    assert_int_equal(content_image_size(p, &w, &h), MF_EMEDIA);
    free(p);
    assert_int_equal(content_image_size("/nonexistent.png", &w, &h), MF_ENOENT);

    fixture_rm_tree(dir);
    free(dir);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void video_durations(void **state)
{
    char *dir = fixture_tmpdir();
    assert_non_null(dir);
    int64_t ms;
    /* ftyp, a 64-bit-sized 'free' box to skip, then moov > (udta, mvhd v0). */
    unsigned char v0[16 + 24 + 8 + 8 + 8 + 108];
    memset(v0, 0, sizeof v0);
    put32(v0, 16);
    memcpy(v0 + 4, "ftypisom", 8);
    unsigned char *b = v0 + 16;
    put32(b, 1);
    memcpy(b + 4, "free", 4);
    put32(b + 12, 24); /* largesize 24: 16 of header, 8 of body */
    b += 24;
    put32(b, 8 + 8 + 108);
    memcpy(b + 4, "moov", 4);
    b += 8;
    put32(b, 8);
    memcpy(b + 4, "udta", 4);
    b += 8;
    put32(b, 108);
    memcpy(b + 4, "mvhd", 4);
    put32(b + 8 + 12, 90000);           /* timescale */
    put32(b + 8 + 16, 90000 * 24 + 45); /* duration: 24.0005 s */
    char *p = tmp_file(dir, "v0.mp4", v0, sizeof v0);
    assert_int_equal(content_video_duration(p, &ms), MF_OK);
    assert_int_equal(ms, 24000);
    free(p);

    /* Version 1: 64-bit times and duration. */
    unsigned char v1[8 + 8 + 120];
    memset(v1, 0, sizeof v1);
    put32(v1, 8 + 120);
    memcpy(v1 + 4, "moov", 4);
    put32(v1 + 8, 120);
    memcpy(v1 + 12, "mvhd", 4);
    v1[16] = 1;
    put32(v1 + 16 + 20, 1000); /* timescale */
    put32(v1 + 16 + 24, 1);    /* duration, high word: 2^32 ms */
    put32(v1 + 16 + 28, 5);
    p = tmp_file(dir, "v1.mp4", v1, sizeof v1);
    assert_int_equal(content_video_duration(p, &ms), MF_OK);
    assert_int_equal(ms, 4294967301LL);
    free(p);

    /* No movie header (the fixtures' stand-in videos), or a broken box. */
    p = tmp_file(dir, "none.mp4", v0, 16);
    assert_int_equal(content_video_duration(p, &ms), MF_EMEDIA);
    free(p);
    unsigned char bad[8] = {0, 0, 0, 4, 'f', 'r', 'e', 'e'};
    p = tmp_file(dir, "bad.mp4", bad, sizeof bad);
    assert_int_equal(content_video_duration(p, &ms), MF_EMEDIA);
    free(p);
    assert_int_equal(content_video_duration("/nonexistent.mp4", &ms), MF_ENOENT);
    fixture_rm_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(srt_cues),        cmocka_unit_test(webvtt_cues),
        cmocka_unit_test(syntax_errors),   cmocka_unit_test(validation),
        cmocka_unit_test(cue_at_time),     cmocka_unit_test(image_sizes),
        cmocka_unit_test(video_durations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

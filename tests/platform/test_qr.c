/*
 * test_qr.c - platform.qr: the thanks screen's QR code, drawn by the UI
 * (app/ui/draw_qr.c), is read back by an independent decoder (zbarimg, as a
 * phone camera would) as exactly the address it was given; a text too long
 * for any QR code is refused, not drawn wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "draw_qr.h"
#include "mf_error.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Draws TEXT as a QR code of SIDE pixels on a grey surface and decodes the
 * PNG with zbarimg into OUT. */
static int draw_and_decode(const char *text, int side, char *out, size_t size)
{
    SDL_Surface *s =
        SDL_CreateRGBSurfaceWithFormat(0, side + 40, side + 40, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(s);
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 40, 50, 110)); /* the kiosk's dark blue */
    SDL_Renderer *r = SDL_CreateSoftwareRenderer(s);
    assert_non_null(r);
    ui_frect_t rc = {20, 20, (float)side, (float)side};
    int rc_draw = ui_draw_qr(r, text, rc);
    SDL_RenderPresent(r);
    char path[] = "/tmp/minifab-qr-XXXXXX.png";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(IMG_SavePNG(s, path), 0);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    pclose(p);
    unlink(path);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return rc_draw;
}

static void test_qr_reads_back(void **state)
{
    const char *urls[] = {
        "https://www.onisep.fr/ressources/univers-metier/metiers/soudeur-soudeuse",
        "https://metiers.example/fiches?ids=welder,boilermaker,cnc-machinist,robotics-technician",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        char got[512];
        assert_int_equal(draw_and_decode(urls[i], 300, got, sizeof got), 0);
        assert_string_equal(got, urls[i]);
    }
}

static void test_qr_too_long_is_refused(void **state)
{
    char *big = malloc(8000);
    assert_non_null(big);
    memset(big, 'a', 7999);
    big[7999] = '\0';
    char got[64];
    assert_int_equal(draw_and_decode(big, 300, got, sizeof got), MF_EINVAL);
    assert_string_equal(got, ""); /* a blank square, nothing a phone would misread */
    free(big);
}

int main(void)
{
    if (system("command -v zbarimg >/dev/null 2>&1") != 0) {
        fprintf(stderr, "zbarimg is missing (Debian package zbar-tools)\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr_reads_back),
        cmocka_unit_test(test_qr_too_long_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * draw_qr.c - a QR code with SDL (see draw_qr.h). libqrencode does the
 * encoding (versions, masks, error correction); this file only lays its
 * modules out on whole pixels.
 */
#include "draw_qr.h"

#include "mf_error.h"

#include <math.h>
#include <qrencode.h>

int ui_draw_qr(SDL_Renderer *r, const char *text, ui_frect_t rect)
{
    float side = fminf(rect.w, rect.h);
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    int modules = qr ? qr->width + 8 : 29; /* with the quiet zone */
    int px = (int)floorf(side / (float)modules);
    if (px < 1)
        px = 1;
    int total = px * modules;
    int x0 = (int)(rect.x + (rect.w - (float)total) / 2.0f);
    int y0 = (int)(rect.y + (rect.h - (float)total) / 2.0f);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, 255, 255, 255, 255);
    SDL_Rect bg = {x0, y0, total, total};
    SDL_RenderFillRect(r, &bg);
    if (!qr)
        return MF_EINVAL;
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    for (int y = 0; y < qr->width; y++) {
        /* runs of dark modules in a row: one rectangle each */
        int x = 0;
        while (x < qr->width) {
            if (!(qr->data[y * qr->width + x] & 1)) {
                x++;
                continue;
            }
            int start = x;
            while (x < qr->width && (qr->data[y * qr->width + x] & 1))
                x++;
            SDL_Rect m = {x0 + (start + 4) * px, y0 + (y + 4) * px, (x - start) * px, px};
            SDL_RenderFillRect(r, &m);
        }
    }
    QRcode_free(qr);
    return 0;
}

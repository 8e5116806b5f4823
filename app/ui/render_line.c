/*
 * render_line.c - the journey's widgets: state icons' glyphs and a piece on
 * its pallet (see render_line.h). Kept out of render.c so that its drawing
 * caches and these widgets can change apart.
 */
#include "render_line.h"

const char *ui_line_glyph(view_icon_t icon)
{
    switch (icon) {
    case VIEW_ICON_WORKING:
        return "\xE2\x9A\x92"; /* ⚒ */
    case VIEW_ICON_WAITING:
        return "\xE2\x97\xB7"; /* ◷ */
    case VIEW_ICON_FAULT:
        return "\xE2\x9A\xA0"; /* ⚠ */
    case VIEW_ICON_OFFLINE:
        return "\xE2\x8A\x98"; /* ⊘ */
    case VIEW_ICON_NEXT:
        return "\xE2\x86\x92"; /* → */
    case VIEW_ICON_CROSS:
        return "\xE2\x9C\x96"; /* ✖ */
    case VIEW_ICON_STAR:
        return "\xE2\x98\x85"; /* ★ */
    case VIEW_ICON_PIECE:
        return "\xE2\x97\x8F"; /* ● */
    default:
        return NULL;
    }
}

void ui_draw_piece(ui_draw_t *r, const ui_theme_t *th, ui_frect_t rc, const view_widget_t *w)
{
    ui_colour_t metal = th->outline_width > 0 ? th->text : ui_rgb(0x8E9AC8);
    ui_colour_t blank = ui_rgb(w->accent ? w->accent : 0xC3CCEE);
    /* the pallet: the lower fifth of the box */
    ui_frect_t pal = {rc.x, rc.y + rc.h * 0.8f, rc.w, rc.h * 0.2f};
    ui_fill_rounded(r, pal, pal.h * 0.3f, metal);
    ui_frect_t base = {rc.x + rc.w * 0.1f, rc.y + rc.h * 0.6f, rc.w * 0.8f, rc.h * 0.2f};
    ui_fill_rounded(r, base, base.h * 0.3f, blank);
    if (w->value >= 0.5f) { /* bent: the holder's back stands up */
        ui_frect_t back = {rc.x + rc.w * 0.6f, rc.y, rc.w * 0.2f, rc.h * 0.65f};
        ui_fill_rounded(r, back, back.w * 0.3f, blank);
    }
    if (th->outline_width > 0)
        ui_stroke_rounded(r, base, base.h * 0.3f, 1.0f, th->text);
}

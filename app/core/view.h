/*
 * view.h - the screens' model: what a screen shows, as plain data.
 *
 * kiosk_view() fills a view_t from the state; the UI layer draws it and the
 * script runner, the tests and `dump` read it. Nothing here knows SDL.
 *
 * Layout units: the shorter side of the screen is always 100 units, so
 * 1920x1080 is 177.8 x 100, 1280x800 is 160 x 100 and portrait 1080x1920 is
 * 100 x 177.8. Font sizes are in the same units; the renderer shrinks a text
 * that would not fit its box (text is never clipped).
 */
#ifndef MF_VIEW_H
#define MF_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIEW_MAX_WIDGETS 96
#define VIEW_ID_MAX 40
#define VIEW_LABEL_MAX 512
#define VIEW_PATH_MAX 256

typedef struct {
    float x, y, w, h;
} view_rect_t;

typedef enum {
    VIEW_PANEL = 0, /* a rounded card (background for a group) */
    VIEW_TEXT,      /* a text block, wrapped and fitted to its box */
    VIEW_BUTTON,    /* interactive: label, optional icon, id */
    VIEW_IMAGE,     /* a picture from a file (PNG, JPEG, SVG) */
    VIEW_ICON,      /* one of the built-in vector icons (view_icon_t) */
    VIEW_PROGRESS,  /* a bar, value 0..1 */
    VIEW_VIDEO,     /* a video panel (path in `path`) */
    VIEW_CONVEYOR,  /* the attract screen's moving line (animated by `phase`); with
                       style STATUS it is the live line: belt and press only, the
                       pieces are VIEW_PIECE widgets placed where the PLC says */
    VIEW_PIECE,     /* a piece on its pallet, colour `accent`; value >= 0.5: bent */
    VIEW_QR,        /* a QR code of `label` (an address), dark on a light square */
} view_kind_t;

/* Visual roles; the theme maps them to colours and type. */
typedef enum {
    VIEW_STYLE_DEFAULT = 0,
    VIEW_STYLE_PRIMARY,   /* the main action: big, bright */
    VIEW_STYLE_SECONDARY, /* other actions */
    VIEW_STYLE_GHOST,     /* small actions in a corner (back, settings) */
    VIEW_STYLE_TITLE,     /* screen title */
    VIEW_STYLE_BODY,      /* running text */
    VIEW_STYLE_CAPTION,   /* small, muted text */
    VIEW_STYLE_CARD,      /* a tappable card (station, trade) */
    VIEW_STYLE_TOGGLE_ON, /* a toggle in its "on" state */
    VIEW_STYLE_STATUS,    /* a status pill: a coloured dot (accent) and a short text */
} view_style_t;

typedef enum {
    VIEW_ICON_NONE = 0,
    VIEW_ICON_BACK,
    VIEW_ICON_SETTINGS,
    VIEW_ICON_PLAY,
    VIEW_ICON_PAUSE,
    VIEW_ICON_CHECK,
    VIEW_ICON_HAND,
    VIEW_ICON_GLOBE,
    VIEW_ICON_CONTRAST,
    VIEW_ICON_TEXT_SIZE,
    VIEW_ICON_WORKING, /* a station at work (hammer and pick) */
    VIEW_ICON_WAITING, /* a station waiting (a clock) */
    VIEW_ICON_FAULT,   /* a station in fault (a warning sign) */
    VIEW_ICON_OFFLINE, /* no news from the line (a barred circle) */
    VIEW_ICON_NEXT,    /* forward: next station, next question */
    VIEW_ICON_CROSS,   /* a wrong answer */
    VIEW_ICON_STAR,    /* the quiz's score */
    VIEW_ICON_PIECE,   /* a piece on the line (a disc in the piece's colour) */
} view_icon_t;

typedef enum { VIEW_ALIGN_CENTER = 0, VIEW_ALIGN_LEFT } view_align_t;

typedef struct {
    view_kind_t kind;
    view_style_t style;
    char id[VIEW_ID_MAX];       /* stable id; every interactive widget has one */
    char label[VIEW_LABEL_MAX]; /* the visible text (UTF-8), findable by scripts */
    char path[VIEW_PATH_MAX];   /* image or video file */
    view_rect_t rect;           /* in units, screen coordinates */
    float font;                 /* font size in units (0: from the style) */
    view_align_t align;
    view_icon_t icon;
    uint32_t accent; /* 0xRRGGBB, 0 = from the theme */
    float value;     /* progress 0..1, pulse 0..1, conveyor phase */
    bool interactive;
    bool pressed;  /* finger currently down on it */
    bool animated; /* changes with time alone (redrawn each frame) */
} view_widget_t;

typedef struct {
    char screen[VIEW_ID_MAX]; /* screen id: "attract", "home", "settings"... */
    float w, h;               /* screen size in units */
    bool high_contrast;
    float text_scale;   /* 1.0 normal, larger for "bigger text" */
    float transition;   /* 0..1 while sliding in from the previous screen, 1 = done */
    int transition_dir; /* +1 forward (from the right), -1 back */
    size_t count;
    view_widget_t widgets[VIEW_MAX_WIDGETS];
} view_t;

void view_clear(view_t *v, const char *screen, float w, float h);

/* Appends a widget and returns it for further settings, or NULL when full. */
view_widget_t *view_add(view_t *v, view_kind_t kind, const char *id, const char *label,
                        view_rect_t rect);

/* The topmost interactive widget containing the point, or NULL. */
const view_widget_t *view_hit(const view_t *v, float x, float y);
const view_widget_t *view_find_id(const view_t *v, const char *id);
/* An interactive widget whose label is LABEL (exact match), else any widget. */
const view_widget_t *view_find_label(const view_t *v, const char *label);
/* True when some widget shows TEXT (as its whole label or inside it). */
bool view_has_text(const view_t *v, const char *text);

/* A fingerprint of everything drawn except animated widgets: when it does not
 * change, the renderer reuses its cached picture of the static part. */
uint64_t view_static_hash(const view_t *v);

/* Writes the screen id, then one line per widget: id, kind, label, rect. */
void view_dump(const view_t *v, char *buf, size_t size);

/* Layout helpers. */
view_rect_t view_rect(float x, float y, float w, float h);
view_rect_t view_inset(view_rect_t r, float d);
bool view_rect_contains(view_rect_t r, float x, float y);

/* True when V shows a video and no other widget overlaps one: a renderer that
 * keeps its picture between frames may then draw a new video frame alone
 * while the rest of the screen (the same view) stays as it is. */
bool view_videos_clear(const view_t *v);

#endif

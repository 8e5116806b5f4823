/*
 * content.c - loading and validating a content pack (see content.h and
 * docs/CONTENT.md). One pass per file, in dependency order:
 *
 *   pack.yaml      languages (every text must exist in each)
 *   strings.yaml   UI strings by key
 *   trades/ID.yaml one trade per file, the id is the file name
 *   stations.yaml  stations, which name their trades
 *   quiz/NAME.yaml questions, each file for one station
 *   survey.yaml    the perception and satisfaction questions
 *
 * Every problem is collected with the file, line and column of the YAML node
 * it is about, so an organiser can fix a whole pack in one go. Media files
 * (pictures, posters, videos, captions) are opened only when checking.
 * All strings of a loaded pack live in one arena freed with the pack.
 */
#include "content.h"

#include "captions.h"
#include "mf_error.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Raster pictures smaller than this look blurred on the kiosk's 1080p screen. */
#define CONTENT_PICTURE_MIN_PX 256
/* Posters are shown before the video starts: at least a small 16:9 frame. */
#define CONTENT_POSTER_MIN_W 320
#define CONTENT_POSTER_MIN_H 180
/* Plausible gross monthly starting salaries in euros (catches typos: 180, 18000). */
#define CONTENT_SALARY_MIN 1000
#define CONTENT_SALARY_MAX 10000
/* PLC station numbers the line may use. */
#define CONTENT_PLC_MAX 32

/* ---- Arena: every string and array of a pack ------------------------------ */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} arena_block_t;

typedef struct {
    const char *key;
    content_text_t text;
} content_string_t;

struct content_pack {
    char *dir;
    arena_block_t *arena;
    size_t lang_count;
    const char *langs[CONTENT_LANG_MAX];
    int fr_index;
    int default_video_ms;

    content_station_t *stations;
    size_t station_count, station_cap;
    content_trade_t *trades;
    size_t trade_count, trade_cap;
    content_question_t *questions;
    size_t question_count, question_cap;
    content_string_t *strings;
    size_t string_count, string_cap;
    content_survey_t perception, satisfaction;
};

static void *arena_alloc(content_pack_t *p, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!p->arena || p->arena->cap - p->arena->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        arena_block_t *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = p->arena;
        b->used = 0;
        b->cap = cap;
        p->arena = b;
    }
    void *r = p->arena->data + p->arena->used;
    p->arena->used += n;
    memset(r, 0, n);
    return r;
}

static char *arena_strdup(content_pack_t *p, const char *s)
{
    size_t n = strlen(s);
    char *r = arena_alloc(p, n + 1);
    if (r)
        memcpy(r, s, n + 1);
    return r;
}

/* Makes room for one more item in the array whose pointer is at ITEMSP. */
static int grow(void *itemsp, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return MF_OK;
    void *items;
    memcpy(&items, itemsp, sizeof items);
    size_t ncap = *cap ? *cap * 2 : 16;
    void *n = realloc(items, ncap * size);
    if (!n)
        return MF_ENOMEM;
    memset((char *)n + *cap * size, 0, (ncap - *cap) * size);
    memcpy(itemsp, &n, sizeof n);
    *cap = ncap;
    /* n is now owned through *itemsp (cppcheck cannot follow the memcpy) */
    // cppcheck-suppress memleak
    return MF_OK;
}

/* ---- Loader context and messages ---------------------------------------- */

typedef struct {
    content_pack_t *pack;
    yamldoc_errors_t *errs;
    yamldoc_errors_t *warns;
    unsigned flags;
    const char *file;         /* the file being read (arena copy) */
    bool bad;                 /* an error was reported */
    size_t missing_generated; /* generated media missing with their whole folder */
    const char *unparsed[64]; /* trades whose file did not parse: not "unknown" too */
    size_t unparsed_count;
    char missing_folder[1024]; /* the first such folder */
} ld_t;

static void ld_err(ld_t *ld, struct fy_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ld_err(ld_t *ld, struct fy_node *node, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    yamldoc_errors_at(ld->errs, ld->file, node, "%s", msg);
    ld->bad = true;
}

static void ld_warn(ld_t *ld, struct fy_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ld_warn(ld_t *ld, struct fy_node *node, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ld->warns)
        yamldoc_errors_at(ld->warns, ld->file, node, "warning: %s", msg);
}

static void ld_oom(ld_t *ld)
{
    yamldoc_errors_add(ld->errs, ld->file, 0, 0, "%s", mf_strerror(MF_ENOMEM));
    ld->bad = true;
}

static char *ld_strdup(ld_t *ld, const char *s)
{
    char *r = arena_strdup(ld->pack, s);
    if (!r) {
        ld_oom(ld);
        return (char *)"";
    }
    return r;
}

static char *ld_path(ld_t *ld, const char *rel)
{
    size_t n = strlen(ld->pack->dir) + strlen(rel) + 2;
    char *r = arena_alloc(ld->pack, n);
    if (!r) {
        ld_oom(ld);
        return (char *)"";
    }
    snprintf(r, n, "%s/%s", ld->pack->dir, rel);
    return r;
}

static content_src_t ld_src(ld_t *ld, struct fy_node *node)
{
    content_src_t s = {ld->file, 0, 0};
    yamldoc_node_pos(node, &s.line, &s.col);
    return s;
}

/* ---- Small validators --------------------------------------------------- */

static bool content_valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= CONTENT_ID_MAX || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    }
    return true;
}

static bool content_valid_key(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= 128)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_' || s[i] == '.'))
            return false;
    }
    return true;
}

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* A placeholder left in text, or NULL. Case matters for the short words
 * ("todo" is not a French word, but "Tbd" could begin a name). */
static const char *content_placeholder(const char *s)
{
    static const char *const words[] = {"TODO", "FIXME", "XXX", "TBD"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t n = strlen(words[w]);
        for (const char *p = strstr(s, words[w]); p; p = strstr(p + 1, words[w])) {
            if ((p == s || !is_word_char(p[-1])) && !is_word_char(p[n]))
                return words[w];
        }
    }
    if (strcasestr(s, "lorem ipsum"))
        return "lorem ipsum";
    return NULL;
}

static const char *lang_name(const char *code)
{
    if (!strcmp(code, "fr"))
        return "French";
    if (!strcmp(code, "en"))
        return "English";
    return code;
}

/* ---- Node access -------------------------------------------------------- */

/* The scalar text of NODE, or NULL with an error naming WHAT. */
static const char *ld_scalar(ld_t *ld, struct fy_node *node, const char *what)
{
    if (node && fy_node_is_alias(node)) {
        ld_err(ld, node, "'%s': YAML aliases (*name) are not supported in a content pack", what);
        return NULL;
    }
    const char *s = yamldoc_scalar(node);
    if (!s)
        ld_err(ld, node, "'%s' expects a single value, not a list or a group", what);
    return s;
}

/* Reports keys of MAP not in ALLOWED (NULL-terminated). */
static void ld_check_keys(ld_t *ld, struct fy_node *map, const char *const *allowed,
                          const char *what)
{
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(map, &it)) != NULL) {
        struct fy_node *key = fy_node_pair_key(pair);
        const char *name = yamldoc_scalar(key);
        bool ok = false;
        for (size_t i = 0; name && allowed[i]; i++)
            ok = ok || !strcmp(name, allowed[i]);
        if (!ok) {
            char list[256] = "";
            for (size_t i = 0; allowed[i]; i++) {
                strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, allowed[i], sizeof list - strlen(list) - 1);
            }
            ld_err(ld, key, "unknown key '%s' in %s (expected: %s)", name ? name : "?", what, list);
        }
    }
}

/* The key node of KEY in MAP (where to point at a whole list or group), else MAP. */
static struct fy_node *ld_key(struct fy_node *map, const char *key)
{
    struct fy_node_pair *pair = fy_node_mapping_lookup_pair_by_string(map, key, FY_NT);
    return pair ? fy_node_pair_key(pair) : map;
}

static struct fy_node *ld_get(ld_t *ld, struct fy_node *map, const char *key, bool required,
                              const char *what)
{
    struct fy_node *v = fy_node_mapping_lookup_by_string(map, key, FY_NT);
    if (!v && required)
        ld_err(ld, map, "%s is missing '%s'", what, key);
    return v;
}

static struct fy_node *ld_get_map(ld_t *ld, struct fy_node *map, const char *key, bool required,
                                  const char *what)
{
    struct fy_node *v = ld_get(ld, map, key, required, what);
    if (v && !fy_node_is_mapping(v)) {
        ld_err(ld, ld_key(map, key), "'%s' expects a group of 'key: value' lines", key);
        return NULL;
    }
    return v;
}

static struct fy_node *ld_get_seq(ld_t *ld, struct fy_node *map, const char *key, bool required,
                                  const char *what)
{
    struct fy_node *v = ld_get(ld, map, key, required, what);
    if (v && !fy_node_is_sequence(v)) {
        ld_err(ld, ld_key(map, key), "'%s' expects a list ('- item' lines or [a, b])", key);
        return NULL;
    }
    return v;
}

static const char *ld_get_str(ld_t *ld, struct fy_node *map, const char *key, bool required,
                              const char *what)
{
    struct fy_node *v = ld_get(ld, map, key, required, what);
    if (!v)
        return NULL;
    const char *s = ld_scalar(ld, v, key);
    if (s && !*s) {
        ld_err(ld, v, "'%s' is empty", key);
        return NULL;
    }
    return s;
}

static bool ld_get_int(ld_t *ld, struct fy_node *map, const char *key, long min, long max,
                       bool required, const char *what, long *out)
{
    struct fy_node *v = ld_get(ld, map, key, required, what);
    if (!v)
        return false;
    const char *s = ld_scalar(ld, v, key);
    if (!s)
        return false;
    char *end = NULL;
    long n = strtol(s, &end, 10);
    if (!*s || *end || n < min || n > max) {
        ld_err(ld, v, "'%s' expects a whole number from %ld to %ld, got '%s'", key, min, max, s);
        return false;
    }
    *out = n;
    return true;
}

static bool ld_get_bool(ld_t *ld, struct fy_node *map, const char *key, bool *out)
{
    struct fy_node *v = fy_node_mapping_lookup_by_string(map, key, FY_NT);
    if (!v)
        return false;
    const char *s = ld_scalar(ld, v, key);
    if (!s)
        return false;
    if (!strcmp(s, "true") || !strcmp(s, "yes")) {
        *out = true;
    } else if (!strcmp(s, "false") || !strcmp(s, "no")) {
        *out = false;
    } else {
        ld_err(ld, v, "'%s' expects true or false, got '%s'", key, s);
        return false;
    }
    return true;
}

/* A path inside the pack: relative, no "..", no backslash. */
static const char *ld_get_media(ld_t *ld, struct fy_node *map, const char *key, bool required,
                                const char *what, struct fy_node **node)
{
    const char *s = ld_get_str(ld, map, key, required, what);
    *node = fy_node_mapping_lookup_by_string(map, key, FY_NT);
    if (!s)
        return NULL;
    if (s[0] == '/' || strstr(s, "..") || strchr(s, '\\')) {
        ld_err(ld, *node,
               "'%s' must be a path inside the pack, like media/stations/press.svg "
               "(no leading '/', no '..')",
               key);
        return NULL;
    }
    return ld_path(ld, s);
}

/* Checks one text and stores it in the arena; "" on error. */
static const char *ld_text_value(ld_t *ld, struct fy_node *v, const char *what)
{
    const char *s = ld_scalar(ld, v, what);
    if (!s)
        return NULL;
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p) {
        ld_err(ld, v, "'%s' is empty", what);
        return NULL;
    }
    const char *ph = content_placeholder(s);
    if (ph) {
        ld_err(ld, v, "placeholder text '%s' is not allowed in the pack (write the real text)", ph);
        return NULL;
    }
    return ld_strdup(ld, s);
}

/* A translated text: a group {fr: "...", en: "..."} with every pack
 * language; keys in EXTRA (NULL-terminated, may be NULL) are skipped. */
static bool ld_text_node(ld_t *ld, struct fy_node *v, struct fy_node *where, const char *what,
                         const char *const *extra, content_text_t *out)
{
    memset(out, 0, sizeof *out);
    if (!v)
        return false;
    if (!fy_node_is_mapping(v)) {
        ld_err(ld, v, "'%s' expects one text per language, like {fr: \"...\", en: \"...\"}", what);
        return false;
    }
    const content_pack_t *p = ld->pack;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(v, &it)) != NULL) {
        struct fy_node *key = fy_node_pair_key(pair);
        const char *lang = yamldoc_scalar(key);
        bool skip = false;
        for (size_t i = 0; lang && extra && extra[i]; i++)
            skip = skip || !strcmp(lang, extra[i]);
        if (skip)
            continue;
        int li = lang ? content_language_index(p, lang) : -1;
        if (li < 0) {
            char list[64] = "";
            for (size_t i = 0; i < p->lang_count; i++) {
                strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, p->langs[i], sizeof list - strlen(list) - 1);
            }
            ld_err(ld, key, "'%s': unknown language '%s' (pack.yaml declares %s)", what,
                   lang ? lang : "?", list);
            continue;
        }
        out->t[li] = ld_text_value(ld, fy_node_pair_value(pair), what);
    }
    bool ok = true;
    for (size_t i = 0; i < p->lang_count; i++) {
        if (!out->t[i] && !fy_node_mapping_lookup_by_string(v, p->langs[i], FY_NT)) {
            ld_err(ld, where ? where : v, "'%s' is missing its %s text ('%s')", what,
                   lang_name(p->langs[i]), p->langs[i]);
            ok = false;
        } else if (!out->t[i]) {
            ok = false;
        }
    }
    return ok;
}

static bool ld_text(ld_t *ld, struct fy_node *map, const char *key, bool required, const char *what,
                    content_text_t *out)
{
    memset(out, 0, sizeof *out);
    struct fy_node *v = ld_get(ld, map, key, required, what);
    return v ? ld_text_node(ld, v, ld_key(map, key), key, NULL, out) : false;
}

/* ---- Media checks (content_check) --------------------------------------- */

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_svg(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && !strcasecmp(path + n - 4, ".svg");
}

static void ld_check_image(ld_t *ld, struct fy_node *node, const char *path, int min_w, int min_h,
                           const char *what)
{
    int w = 0, h = 0;
    char why[256];
    if (content_picture_check(path, &w, &h, why, sizeof why) != MF_OK)
        ld_err(ld, node, "%s '%s' %s", what, path, why);
    else if (w < min_w || h < min_h)
        ld_err(ld, node, "%s '%s' is too small: %dx%d pixels, at least %dx%d needed", what, path, w,
               h, min_w, min_h);
}

static void ld_check_picture(ld_t *ld, struct fy_node *node, const char *path, const char *what)
{
    if (!(ld->flags & CONTENT_CHECK_MEDIA))
        return;
    /* SVG drawings scale to any size: only require a usable size. */
    int min = is_svg(path) ? 1 : CONTENT_PICTURE_MIN_PX;
    ld_check_image(ld, node, path, min, min, what);
}

/* Generated media (video, poster) may be absent in a fresh clone: a warning
 * unless CONTENT_CHECK_STRICT. */
static bool ld_generated_present(ld_t *ld, struct fy_node *node, const char *path, const char *what)
{
    if (file_exists(path))
        return true;
    /* Something is there, but not a file: say what it is. */
    char why[256];
    if (content_file_check(path, 0, NULL, why, sizeof why) != MF_ENOENT) {
        ld_err(ld, node, "%s '%s' %s", what, path, why);
        return false;
    }
    if (ld->flags & CONTENT_CHECK_STRICT) {
        ld_err(ld, node, "%s '%s' is missing (run content/make-sample-media.sh)", what, path);
        return false;
    }
    /* A fresh clone has no generated folder at all: one warning for the
     * whole pack rather than one per trade (see ld_link). */
    char folder[1024];
    snprintf(folder, sizeof folder, "%s", path);
    char *slash = strrchr(folder, '/');
    if (slash)
        *slash = '\0';
    struct stat st;
    if (slash && stat(folder, &st) != 0) {
        if (!ld->missing_folder[0])
            snprintf(ld->missing_folder, sizeof ld->missing_folder, "%s", folder);
        ld->missing_generated++;
        return false;
    }
    ld_warn(ld, node, "%s '%s' is not there yet (run content/make-sample-media.sh)", what, path);
    return false;
}

static void ld_check_video(ld_t *ld, struct fy_node *node, const char *path, int video_ms)
{
    if (!(ld->flags & CONTENT_CHECK_MEDIA) || !ld_generated_present(ld, node, path, "video"))
        return;
    char why[256];
    int w, h;
    if (content_video_check(path, &w, &h, why, sizeof why) != MF_OK) {
        ld_err(ld, node, "video '%s' %s", path, why);
        return;
    }
    /* Captions are checked against the declared length: it must be the real
     * one (a second's rounding allowed). */
    int64_t real_ms = 0;
    if (content_video_duration(path, &real_ms) == MF_OK &&
        (real_ms < video_ms - 1000 || real_ms > video_ms + 1000))
        ld_err(ld, node,
               "video '%s' lasts %lld.%01lld s but the pack says %d s: set 'video_seconds' "
               "for this trade",
               path, (long long)(real_ms / 1000), (long long)(real_ms % 1000 / 100),
               video_ms / 1000);
}

static void ld_check_captions(ld_t *ld, struct fy_node *node, const char *path, int video_ms)
{
    if (!(ld->flags & CONTENT_CHECK_MEDIA))
        return;
    char why[256];
    if (content_file_check(path, 0, NULL, why, sizeof why) != MF_OK) {
        ld_err(ld, node, "caption file '%s' %s", path, why);
        return;
    }
    captions_t caps;
    size_t before = ld->errs->count;
    int rc = captions_load_file(path, &caps, ld->errs);
    /* Timings are judged when cues were read (not after an encoding error,
     * where "no caption cue" would only add noise). */
    if (rc == MF_OK || (rc == MF_EPARSE && caps.count > 0))
        rc = captions_validate(&caps, path, video_ms, ld->errs) == MF_OK ? rc : MF_ERANGE;
    for (size_t i = 0; i < caps.count; i++) {
        const char *ph = content_placeholder(caps.cues[i].text);
        if (ph) {
            yamldoc_errors_add(ld->errs, path, caps.cues[i].line + 1, 1,
                               "placeholder text '%s' is not allowed in the pack", ph);
        }
    }
    if (ld->errs->count != before || rc != MF_OK)
        ld->bad = true;
    captions_deinit(&caps);
}

/* ---- Files -------------------------------------------------------------- */

/* Opens DIR/REL as the current file; NULL (reported) when it does not parse. */
static struct fy_document *ld_open(ld_t *ld, const char *rel, bool required)
{
    ld->file = ld_path(ld, rel);
    char why[256];
    int rc = content_file_check(ld->file, 0, NULL, why, sizeof why);
    if (!required && rc == MF_ENOENT)
        return NULL;
    if (rc == MF_ENOENT) {
        yamldoc_errors_add(ld->errs, ld->file, 0, 0, "missing file (a pack needs %s)", rel);
        ld->bad = true;
        return NULL;
    }
    if (rc == MF_EMEDIA) { /* empty */
        yamldoc_errors_add(ld->errs, ld->file, 0, 0, "the file %s", why);
        ld->bad = true;
        return NULL;
    }
    if (rc != MF_OK) {
        yamldoc_errors_add(ld->errs, ld->file, 0, 0, "it %s (a pack needs %s)", why, rel);
        ld->bad = true;
        return NULL;
    }
    struct fy_document *doc = yamldoc_load_file(ld->file, ld->errs);
    if (!doc)
        ld->bad = true;
    return doc;
}

/* The root of DOC as a mapping, or NULL (reported). */
static struct fy_node *ld_root_map(ld_t *ld, struct fy_document *doc)
{
    struct fy_node *root = fy_document_root(doc);
    if (!root || !fy_node_is_mapping(root)) {
        if (root)
            ld_err(ld, root, "expected 'key: value' lines at the top level");
        else
            yamldoc_errors_add(ld->errs, ld->file, 0, 0, "the file is empty");
        ld->bad = true;
        return NULL;
    }
    return root;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names of the *.yaml files in DIR/SUB, sorted (arena strings); count in *N. */
static const char **ld_list_yaml(ld_t *ld, const char *sub, size_t *n)
{
    *n = 0;
    const char *path = ld_path(ld, sub);
    DIR *d = opendir(path);
    if (!d) {
        yamldoc_errors_add(ld->errs, path, 0, 0, "missing folder (a pack needs %s/)", sub);
        ld->bad = true;
        return NULL;
    }
    const char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        if (grow(&names, &cap, *n, sizeof *names) != MF_OK) {
            ld_oom(ld);
            break;
        }
        names[(*n)++] = ld_strdup(ld, e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    const char **r = *n ? arena_alloc(ld->pack, *n * sizeof *r) : NULL;
    if (r)
        memcpy(r, names, *n * sizeof *r);
    else
        *n = 0;
    free(names);
    return r;
}

/* ---- pack.yaml ---------------------------------------------------------- */

static void ld_pack_file(ld_t *ld)
{
    content_pack_t *p = ld->pack;
    struct fy_document *doc = ld_open(ld, "pack.yaml", true);
    struct fy_node *root = doc ? ld_root_map(ld, doc) : NULL;
    if (!root)
        goto fail;
    static const char *const keys[] = {"format", "languages", "video_seconds", NULL};
    ld_check_keys(ld, root, keys, "pack.yaml");
    long format = 0;
    if (ld_get_int(ld, root, "format", 1, 1000, true, "pack.yaml", &format) && format != 1)
        ld_err(ld, fy_node_mapping_lookup_by_string(root, "format", FY_NT),
               "this minifab reads format 1 packs, this pack is format %ld", format);
    long secs = 0;
    if (ld_get_int(ld, root, "video_seconds", 1, 3600, false, "pack.yaml", &secs))
        p->default_video_ms = (int)secs * 1000;
    struct fy_node *langs = ld_get_seq(ld, root, "languages", true, "pack.yaml");
    if (!langs)
        goto fail;
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(langs, &it)) != NULL) {
        const char *code = ld_scalar(ld, item, "languages");
        if (!code)
            continue;
        if (strlen(code) != 2 || !islower((unsigned char)code[0]) ||
            !islower((unsigned char)code[1])) {
            ld_err(ld, item, "'%s' is not a two-letter language code like fr or en", code);
        } else if (content_language_index(p, code) >= 0) {
            ld_err(ld, item, "language '%s' is listed twice", code);
        } else if (p->lang_count == CONTENT_LANG_MAX) {
            ld_err(ld, item, "too many languages (at most %d)", CONTENT_LANG_MAX);
        } else {
            p->langs[p->lang_count++] = ld_strdup(ld, code);
        }
    }
    p->fr_index = content_language_index(p, "fr");
    if (p->fr_index < 0)
        ld_err(ld, ld_key(root, "languages"),
               "'languages' must include fr: French is the kiosk's default language");
fail:
    if (doc)
        fy_document_destroy(doc);
}

/* ---- strings.yaml -------------------------------------------------------- */

static int cmp_string(const void *a, const void *b)
{
    return strcmp(((const content_string_t *)a)->key, ((const content_string_t *)b)->key);
}

/* Keys the core itself needs (true/false answers of the quiz). */
static const char *const content_required_strings[] = {"quiz.true", "quiz.false", NULL};

static void ld_strings_file(ld_t *ld)
{
    content_pack_t *p = ld->pack;
    struct fy_document *doc = ld_open(ld, "strings.yaml", true);
    struct fy_node *root = doc ? ld_root_map(ld, doc) : NULL;
    if (!root)
        goto fail;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(root, &it)) != NULL) {
        struct fy_node *key = fy_node_pair_key(pair);
        const char *name = yamldoc_scalar(key);
        if (!name || !content_valid_key(name)) {
            ld_err(ld, key, "string key '%s' must use lowercase letters, digits, '.', '-', '_'",
                   name ? name : "?");
            continue;
        }
        if (grow(&p->strings, &p->string_cap, p->string_count, sizeof *p->strings)) {
            ld_oom(ld);
            break;
        }
        content_string_t *s = &p->strings[p->string_count];
        if (!ld_text_node(ld, fy_node_pair_value(pair), key, name, NULL, &s->text))
            continue;
        s->key = ld_strdup(ld, name);
        p->string_count++;
    }
    if (p->string_count)
        qsort(p->strings, p->string_count, sizeof *p->strings, cmp_string);
    for (size_t i = 0; content_required_strings[i]; i++) {
        if (!content_has_string(p, content_required_strings[i]) &&
            !fy_node_mapping_lookup_by_string(root, content_required_strings[i], FY_NT)) {
            yamldoc_errors_add(ld->errs, ld->file, 0, 0, "missing string '%s'",
                               content_required_strings[i]);
            ld->bad = true;
        }
    }
fail:
    if (doc)
        fy_document_destroy(doc);
}

/* ---- trades/<id>.yaml ---------------------------------------------------- */

static void ld_trade(ld_t *ld, const char *fname)
{
    content_pack_t *p = ld->pack;
    char rel[300];
    snprintf(rel, sizeof rel, "trades/%s", fname);
    char id[CONTENT_ID_MAX + 8];
    snprintf(id, sizeof id, "%.*s", (int)(strlen(fname) - 5), fname);
    struct fy_document *doc = ld_open(ld, rel, true);
    struct fy_node *root = doc ? ld_root_map(ld, doc) : NULL;
    if (!root) {
        if (ld->unparsed_count < sizeof ld->unparsed / sizeof ld->unparsed[0])
            ld->unparsed[ld->unparsed_count++] = ld_strdup(ld, id);
        goto fail;
    }
    if (!content_valid_id(id)) {
        yamldoc_errors_add(ld->errs, ld->file, 0, 0,
                           "'%s' cannot be a trade id: the file name is the id, use lowercase "
                           "letters, digits and dashes, like trades/welder.yaml",
                           id);
        ld->bad = true;
        goto fail;
    }
    if (grow(&p->trades, &p->trade_cap, p->trade_count, sizeof *p->trades)) {
        ld_oom(ld);
        goto fail;
    }
    content_trade_t *t = &p->trades[p->trade_count++];
    memset(t, 0, sizeof *t);
    t->id = ld_strdup(ld, id);
    t->src = ld_src(ld, root);
    t->src.line = t->src.line ? t->src.line : 1;
    static const char *const keys[] = {"name",  "day",    "paths",    "salary",        "link",
                                       "video", "poster", "captions", "video_seconds", NULL};
    ld_check_keys(ld, root, keys, "a trade");
    ld_text(ld, root, "name", true, "a trade", &t->name);
    ld_text(ld, root, "day", true, "a trade", &t->day);

    struct fy_node *paths = ld_get_seq(ld, root, "paths", true, "a trade");
    if (paths) {
        size_t n = (size_t)fy_node_sequence_item_count(paths);
        if (n == 0)
            ld_err(ld, ld_key(root, "paths"), "'paths' needs at least one way into the trade");
        content_text_t *arr = n ? arena_alloc(p, n * sizeof *arr) : NULL;
        if (n && !arr) {
            ld_oom(ld);
        } else {
            void *it = NULL;
            struct fy_node *item;
            while ((item = fy_node_sequence_iterate(paths, &it)) != NULL)
                ld_text_node(ld, item, NULL, "paths", NULL, &arr[t->path_count++]);
            t->paths = arr;
        }
    }

    struct fy_node *sal = ld_get_map(ld, root, "salary", true, "a trade");
    if (sal) {
        static const char *const skeys[] = {"min", "max", "year", NULL};
        ld_check_keys(ld, sal, skeys, "'salary' (gross euros a month)");
        long lo = 0, hi = 0, year = 0;
        bool ok = ld_get_int(ld, sal, "min", CONTENT_SALARY_MIN, CONTENT_SALARY_MAX, true,
                             "'salary'", &lo);
        ok = ld_get_int(ld, sal, "max", CONTENT_SALARY_MIN, CONTENT_SALARY_MAX, true, "'salary'",
                        &hi) &&
             ok;
        ld_get_int(ld, sal, "year", 2000, 2100, true, "'salary'", &year);
        if (ok && lo > hi)
            ld_err(ld, ld_key(root, "salary"), "'salary': min (%ld) is above max (%ld)", lo, hi);
        t->salary_min = (int)lo;
        t->salary_max = (int)hi;
        t->salary_year = (int)year;
    }

    const char *link = ld_get_str(ld, root, "link", true, "a trade");
    if (link && strncmp(link, "https://", 8) != 0)
        ld_err(ld, fy_node_mapping_lookup_by_string(root, "link", FY_NT),
               "'link' must be a web address starting with https://");
    t->link = link ? ld_strdup(ld, link) : "";

    long secs = p->default_video_ms / 1000;
    ld_get_int(ld, root, "video_seconds", 1, 3600, false, "a trade", &secs);
    t->video_ms = (int)secs * 1000;

    struct fy_node *vnode, *pnode;
    const char *video = ld_get_media(ld, root, "video", true, "a trade", &vnode);
    const char *poster = ld_get_media(ld, root, "poster", true, "a trade", &pnode);
    t->video = video ? video : "";
    t->poster = poster ? poster : "";
    if (video)
        ld_check_video(ld, vnode, video, t->video_ms);
    if (poster && (ld->flags & CONTENT_CHECK_MEDIA) &&
        ld_generated_present(ld, pnode, poster, "poster"))
        ld_check_image(ld, pnode, poster, CONTENT_POSTER_MIN_W, CONTENT_POSTER_MIN_H, "poster");

    struct fy_node *caps = ld_get_map(ld, root, "captions", true, "a trade");
    if (caps) {
        void *it = NULL;
        struct fy_node_pair *pair;
        while ((pair = fy_node_mapping_iterate(caps, &it)) != NULL) {
            struct fy_node *key = fy_node_pair_key(pair);
            const char *lang = yamldoc_scalar(key);
            int li = lang ? content_language_index(p, lang) : -1;
            if (li < 0) {
                ld_err(ld, key, "'captions': unknown language '%s'", lang ? lang : "?");
                continue;
            }
            struct fy_node *val = fy_node_pair_value(pair);
            const char *rel_path = ld_scalar(ld, val, "captions");
            if (!rel_path)
                continue;
            if (rel_path[0] == '/' || strstr(rel_path, "..")) {
                ld_err(ld, val, "'captions' must name files inside the pack (no '/', no '..')");
                continue;
            }
            t->captions[li] = ld_path(ld, rel_path);
            ld_check_captions(ld, val, t->captions[li], t->video_ms);
        }
        for (size_t i = 0; i < p->lang_count; i++) {
            if (!t->captions[i] && !fy_node_mapping_lookup_by_string(caps, p->langs[i], FY_NT))
                ld_err(ld, ld_key(root, "captions"),
                       "'captions' is missing the %s caption file ('%s')", lang_name(p->langs[i]),
                       p->langs[i]);
        }
    }
fail:
    if (doc)
        fy_document_destroy(doc);
}

/* ---- stations.yaml -------------------------------------------------------- */

static bool parse_colour(const char *s, uint32_t *out)
{
    if (strlen(s) != 7 || s[0] != '#')
        return false;
    for (int i = 1; i < 7; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
    }
    *out = (uint32_t)strtoul(s + 1, NULL, 16);
    return true;
}

static void ld_station(ld_t *ld, struct fy_node *node)
{
    content_pack_t *p = ld->pack;
    if (!fy_node_is_mapping(node)) {
        ld_err(ld, node, "each station is a group of 'key: value' lines starting with '- id:'");
        return;
    }
    static const char *const keys[] = {"id",      "kind",   "plc",    "title", "summary",
                                       "picture", "colour", "trades", NULL};
    ld_check_keys(ld, node, keys, "a station");
    const char *id = ld_get_str(ld, node, "id", true, "this station");
    if (!id)
        return;
    struct fy_node *idn = fy_node_mapping_lookup_by_string(node, "id", FY_NT);
    if (!content_valid_id(id)) {
        ld_err(ld, idn, "station id '%s': use lowercase letters, digits and dashes", id);
        return;
    }
    const content_station_t *dup = content_station_find(p, id);
    if (dup) {
        ld_err(ld, idn, "duplicate station id '%s' (first at line %d)", id, dup->src.line);
        return;
    }
    if (grow(&p->stations, &p->station_cap, p->station_count, sizeof *p->stations)) {
        ld_oom(ld);
        return;
    }
    content_station_t *s = &p->stations[p->station_count++];
    memset(s, 0, sizeof *s);
    s->id = ld_strdup(ld, id);
    s->src = ld_src(ld, idn);

    const char *kind = ld_get_str(ld, node, "kind", true, "a station");
    struct fy_node *plc = fy_node_mapping_lookup_by_string(node, "plc", FY_NT);
    if (kind && !strcmp(kind, "line")) {
        s->kind = CONTENT_STATION_LINE;
        long n = 0;
        if (ld_get_int(ld, node, "plc", 1, CONTENT_PLC_MAX, true,
                       "a line station (its PLC station number)", &n)) {
            const content_station_t *other = content_station_by_plc(p, (int)n);
            if (other && other != s)
                ld_err(ld, plc, "PLC station %ld is already station '%s'", n, other->id);
            s->plc_station = (int)n;
        }
    } else if (kind && !strcmp(kind, "exhibit")) {
        s->kind = CONTENT_STATION_EXHIBIT;
        if (plc)
            ld_err(ld, plc, "an exhibit station has no PLC station number: remove 'plc'");
    } else if (kind) {
        ld_err(ld, fy_node_mapping_lookup_by_string(node, "kind", FY_NT),
               "'kind' expects line or exhibit, got '%s'", kind);
    }
    ld_text(ld, node, "title", true, "a station", &s->title);
    ld_text(ld, node, "summary", true, "a station", &s->summary);
    struct fy_node *pic;
    const char *picture = ld_get_media(ld, node, "picture", true, "a station", &pic);
    s->picture = picture ? picture : "";
    if (picture)
        ld_check_picture(ld, pic, picture, "picture");
    const char *colour = ld_get_str(ld, node, "colour", true, "a station");
    if (colour && !parse_colour(colour, &s->colour))
        ld_err(ld, fy_node_mapping_lookup_by_string(node, "colour", FY_NT),
               "'colour' expects \"#RRGGBB\" (quoted), like \"#1f77b4\", got '%s'", colour);

    struct fy_node *trades = ld_get_seq(ld, node, "trades", true, "a station");
    if (trades) {
        size_t n = (size_t)fy_node_sequence_item_count(trades);
        size_t *idx = n ? arena_alloc(p, n * sizeof *idx) : NULL;
        if (n && !idx) {
            ld_oom(ld);
            return;
        }
        void *it = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(trades, &it)) != NULL) {
            const char *tid = ld_scalar(ld, item, "trades");
            if (!tid)
                continue;
            const content_trade_t *t = content_trade_find(p, tid);
            bool unparsed = false;
            for (size_t k = 0; k < ld->unparsed_count; k++)
                unparsed = unparsed || !strcmp(ld->unparsed[k], tid);
            if (!t && unparsed)
                continue; /* its file's syntax error is already reported */
            if (!t) {
                ld_err(ld, item, "unknown trade '%s' (no file trades/%s.yaml)", tid, tid);
                continue;
            }
            size_t ti = (size_t)(t - p->trades);
            bool twice = false;
            for (size_t k = 0; k < s->trade_count; k++)
                twice = twice || idx[k] == ti;
            if (twice) {
                ld_err(ld, item, "trade '%s' is listed twice for this station", tid);
                continue;
            }
            idx[s->trade_count++] = ti;
        }
        s->trades = idx;
    }
}

static void ld_stations_file(ld_t *ld)
{
    struct fy_document *doc = ld_open(ld, "stations.yaml", true);
    struct fy_node *root = doc ? ld_root_map(ld, doc) : NULL;
    if (!root)
        goto fail;
    static const char *const keys[] = {"stations", NULL};
    ld_check_keys(ld, root, keys, "stations.yaml");
    struct fy_node *list = ld_get_seq(ld, root, "stations", true, "stations.yaml");
    if (!list)
        goto fail;
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(list, &it)) != NULL)
        ld_station(ld, item);
fail:
    if (doc)
        fy_document_destroy(doc);
}

/* ---- quiz/<name>.yaml ----------------------------------------------------- */

static void ld_answers(ld_t *ld, struct fy_node *node, content_question_t *q)
{
    struct fy_node *answers = ld_get_seq(ld, node, "answers", true, "a choice question");
    if (!answers)
        return;
    struct fy_node *where = ld_key(node, "answers");
    int n = fy_node_sequence_item_count(answers);
    if (n < 2 || n > CONTENT_ANSWERS_MAX) {
        ld_err(ld, where, "a choice question needs 2 to %d answers, this one has %d",
               CONTENT_ANSWERS_MAX, n);
        return;
    }
    static const char *const extra[] = {"correct", NULL};
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(answers, &it)) != NULL) {
        size_t i = q->answer_count++;
        if (!ld_text_node(ld, item, NULL, "answers", extra, &q->answers[i]))
            continue;
        bool correct = false;
        ld_get_bool(ld, item, "correct", &correct);
        if (correct)
            q->correct_mask |= 1u << i;
    }
    int correct = __builtin_popcount(q->correct_mask);
    if (q->type == CONTENT_Q_SINGLE && correct != 1) {
        ld_err(ld, where,
               "a single choice question needs exactly one answer with 'correct: true', "
               "this one has %d",
               correct);
    } else if (q->type == CONTENT_Q_MULTIPLE && (correct < 2 || correct == (int)q->answer_count)) {
        ld_err(ld, where,
               "a multiple choice question needs at least two correct answers and one wrong "
               "answer, this one has %d correct out of %zu",
               correct, q->answer_count);
    }
}

static void ld_question(ld_t *ld, struct fy_node *node, size_t station)
{
    content_pack_t *p = ld->pack;
    if (!fy_node_is_mapping(node)) {
        ld_err(ld, node, "each question is a group of 'key: value' lines starting with '- id:'");
        return;
    }
    static const char *const keys[] = {"id",       "version", "type",   "difficulty",
                                       "question", "answers", "answer", "explanation",
                                       "image",    NULL};
    ld_check_keys(ld, node, keys, "a question");
    const char *id = ld_get_str(ld, node, "id", true, "this question");
    if (!id)
        return;
    struct fy_node *idn = fy_node_mapping_lookup_by_string(node, "id", FY_NT);
    if (!content_valid_id(id)) {
        ld_err(ld, idn, "question id '%s': use lowercase letters, digits and dashes", id);
        return;
    }
    const content_question_t *dup = content_question_find(p, id);
    if (dup) {
        ld_err(ld, idn, "duplicate question id '%s' (first in %s:%d)", id, dup->src.file,
               dup->src.line);
        return;
    }
    if (grow(&p->questions, &p->question_cap, p->question_count, sizeof *p->questions)) {
        ld_oom(ld);
        return;
    }
    content_question_t *q = &p->questions[p->question_count++];
    memset(q, 0, sizeof *q);
    q->id = ld_strdup(ld, id);
    q->src = ld_src(ld, idn);
    q->station = station;
    long version = 1, difficulty = 1;
    ld_get_int(ld, node, "version", 1, 1000000, true, "a question", &version);
    ld_get_int(ld, node, "difficulty", 1, 3, true, "a question (1 easy, 2 medium, 3 hard)",
               &difficulty);
    q->version = (unsigned)version;
    q->difficulty = (int)difficulty;
    ld_text(ld, node, "question", true, "a question", &q->prompt);
    ld_text(ld, node, "explanation", true, "a question", &q->explanation);

    const char *type = ld_get_str(ld, node, "type", true, "a question");
    struct fy_node *tn = fy_node_mapping_lookup_by_string(node, "type", FY_NT);
    struct fy_node *answer = fy_node_mapping_lookup_by_string(node, "answer", FY_NT);
    struct fy_node *answers = fy_node_mapping_lookup_by_string(node, "answers", FY_NT);
    if (!type)
        return;
    if (!strcmp(type, "true-false")) {
        q->type = CONTENT_Q_TRUEFALSE;
        if (answers)
            ld_err(ld, ld_key(node, "answers"),
                   "a true-false question has 'answer: true' or 'answer: false', "
                   "not a list of answers");
        bool value = false;
        if (!answer)
            ld_err(ld, node, "a true-false question is missing 'answer' (true or false)");
        else if (ld_get_bool(ld, node, "answer", &value))
            q->correct_mask = value ? 1u : 2u;
        q->answer_count = 2;
        for (size_t li = 0; li < p->lang_count; li++) {
            q->answers[0].t[li] = content_string(p, p->langs[li], "quiz.true");
            q->answers[1].t[li] = content_string(p, p->langs[li], "quiz.false");
        }
    } else if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
        q->type = !strcmp(type, "single") ? CONTENT_Q_SINGLE : CONTENT_Q_MULTIPLE;
        if (answer)
            ld_err(ld, answer,
                   "'answer' is only for true-false questions; mark the right "
                   "answers with 'correct: true'");
        ld_answers(ld, node, q);
    } else {
        ld_err(ld, tn, "'type' expects single, multiple or true-false, got '%s'", type);
    }
    struct fy_node *imgn;
    const char *image = ld_get_media(ld, node, "image", false, "a question", &imgn);
    q->image = image;
    if (image)
        ld_check_picture(ld, imgn, image, "image");
}

static void ld_quiz_file(ld_t *ld, const char *fname)
{
    char rel[300];
    snprintf(rel, sizeof rel, "quiz/%s", fname);
    struct fy_document *doc = ld_open(ld, rel, true);
    struct fy_node *root = doc ? ld_root_map(ld, doc) : NULL;
    if (!root)
        goto fail;
    static const char *const keys[] = {"station", "questions", NULL};
    ld_check_keys(ld, root, keys, "a quiz file");
    const char *sid = ld_get_str(ld, root, "station", true, "a quiz file");
    struct fy_node *list = ld_get_seq(ld, root, "questions", true, "a quiz file");
    if (!sid || !list)
        goto fail;
    const content_station_t *s = content_station_find(ld->pack, sid);
    if (!s) {
        ld_err(ld, fy_node_mapping_lookup_by_string(root, "station", FY_NT),
               "unknown station '%s' (not in stations.yaml)", sid);
        goto fail;
    }
    size_t si = (size_t)(s - ld->pack->stations);
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(list, &it)) != NULL)
        ld_question(ld, item, si);
fail:
    if (doc)
        fy_document_destroy(doc);
}

/* ---- survey.yaml ---------------------------------------------------------- */

/* The optional reasons after the satisfaction question: a prompt and a list
 * of {id: ..., fr: ..., en: ...}. */
static void ld_survey_reasons(ld_t *ld, struct fy_node *node, const char *key,
                              content_survey_t *out)
{
    struct fy_node *reasons = ld_get_seq(ld, node, "reasons", false, key);
    if (!reasons)
        return;
    ld_text(ld, node, "reasons_question", true, key, &out->reasons_prompt);
    int n = fy_node_sequence_item_count(reasons);
    if (n < 1 || n > CONTENT_REASONS_MAX) {
        ld_err(ld, ld_key(node, "reasons"), "'reasons' needs 1 to %d items", CONTENT_REASONS_MAX);
        return;
    }
    static const char *const extra[] = {"id", NULL};
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(reasons, &it)) != NULL) {
        const char *id = fy_node_is_mapping(item) ? ld_get_str(ld, item, "id", true, "reasons")
                                                  : NULL;
        if (!fy_node_is_mapping(item)) {
            ld_err(ld, item, "a reason is {id: ..., fr: \"...\", en: \"...\"}");
            continue;
        }
        if (id && !content_valid_id(id))
            ld_err(ld, fy_node_mapping_lookup_by_string(item, "id", FY_NT),
                   "id '%s': use lowercase letters, digits and dashes", id);
        size_t i = out->reason_count++;
        out->reason_ids[i] = id ? ld_strdup(ld, id) : "";
        ld_text_node(ld, item, NULL, "reasons", extra, &out->reasons[i]);
    }
}

static void ld_survey(ld_t *ld, struct fy_node *root, const char *key, content_survey_t *out,
                      bool with_reasons)
{
    struct fy_node *node = ld_get_map(ld, root, key, true, "survey.yaml");
    if (!node)
        return;
    static const char *const keys[] = {"id", "version", "question", "options", NULL};
    static const char *const keys_reasons[] = {
        "id", "version", "question", "options", "reasons_question", "reasons", NULL};
    ld_check_keys(ld, node, with_reasons ? keys_reasons : keys, key);
    if (with_reasons)
        ld_survey_reasons(ld, node, key, out);
    const char *id = ld_get_str(ld, node, "id", true, key);
    if (id && !content_valid_id(id))
        ld_err(ld, fy_node_mapping_lookup_by_string(node, "id", FY_NT),
               "id '%s': use lowercase letters, digits and dashes", id);
    out->id = id ? ld_strdup(ld, id) : "";
    long version = 1;
    ld_get_int(ld, node, "version", 1, 1000000, true, key, &version);
    out->version = (unsigned)version;
    ld_text(ld, node, "question", true, key, &out->prompt);
    struct fy_node *opts = ld_get_seq(ld, node, "options", true, key);
    if (!opts)
        return;
    int n = fy_node_sequence_item_count(opts);
    if (n < 2 || n > CONTENT_SCALE_MAX) {
        ld_err(ld, ld_key(node, "options"),
               "'options' needs 2 to %d points, from the lowest to the highest", CONTENT_SCALE_MAX);
        return;
    }
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(opts, &it)) != NULL)
        ld_text_node(ld, item, NULL, "options", NULL, &out->options[out->option_count++]);
}

static void ld_survey_file(ld_t *ld)
{
    struct fy_document *doc = ld_open(ld, "survey.yaml", true);
    struct fy_node *root = doc ? ld_root_map(ld, doc) : NULL;
    if (!root)
        goto fail;
    static const char *const keys[] = {"perception", "satisfaction", NULL};
    ld_check_keys(ld, root, keys, "survey.yaml");
    ld_survey(ld, root, "perception", &ld->pack->perception, false);
    ld_survey(ld, root, "satisfaction", &ld->pack->satisfaction, true);
fail:
    if (doc)
        fy_document_destroy(doc);
}

/* ---- Whole pack ---------------------------------------------------------- */

/* Per-station question lists, and what is defined but never shown. */
static void ld_link(ld_t *ld)
{
    content_pack_t *p = ld->pack;
    for (size_t si = 0; si < p->station_count; si++) {
        content_station_t *s = &p->stations[si];
        size_t n = 0;
        for (size_t q = 0; q < p->question_count; q++)
            n += p->questions[q].station == si;
        size_t *idx = n ? arena_alloc(p, n * sizeof *idx) : NULL;
        if (n && !idx) {
            ld_oom(ld);
            return;
        }
        for (size_t q = 0; q < p->question_count; q++) {
            if (p->questions[q].station == si)
                idx[s->question_count++] = q;
        }
        s->questions = idx;
        if (!n && ld->warns)
            yamldoc_errors_add(ld->warns, s->src.file, s->src.line, s->src.col,
                               "warning: station '%s' has no quiz question", s->id);
    }
    if (ld->missing_generated && ld->warns)
        yamldoc_errors_add(ld->warns, ld->missing_folder, 0, 0,
                           "warning: %zu videos and posters are not generated yet, the folder "
                           "does not exist (run content/make-sample-media.sh)",
                           ld->missing_generated);
    for (size_t ti = 0; ti < p->trade_count; ti++) {
        bool shown = false;
        for (size_t si = 0; si < p->station_count && !shown; si++) {
            for (size_t k = 0; k < p->stations[si].trade_count; k++)
                shown = shown || p->stations[si].trades[k] == ti;
        }
        if (!shown && ld->warns)
            yamldoc_errors_add(ld->warns, p->trades[ti].src.file, 1, 1,
                               "warning: trade '%s' is not shown at any station", p->trades[ti].id);
    }
}

static content_pack_t *content_load_internal(const char *dir, unsigned flags,
                                             yamldoc_errors_t *errs, yamldoc_errors_t *warns,
                                             bool *ok)
{
    content_pack_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->dir = strdup(dir);
    if (!p->dir) {
        free(p);
        return NULL;
    }
    /* Messages name files as DIR/..., without a doubled slash. */
    size_t dl = strlen(p->dir);
    while (dl > 1 && p->dir[dl - 1] == '/')
        p->dir[--dl] = '\0';
    p->fr_index = -1;
    p->default_video_ms = CONTENT_DEFAULT_VIDEO_MS;

    ld_t ld = {.pack = p, .errs = errs, .warns = warns, .flags = flags, .file = dir};
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        yamldoc_errors_add(errs, dir, 0, 0, "not a content pack folder (cannot open it)");
        *ok = false;
        return p;
    }
    ld_pack_file(&ld);
    if (p->lang_count == 0 || p->fr_index < 0) {
        *ok = false; /* every text would fail: stop at the first cause */
        return p;
    }
    ld_strings_file(&ld);
    size_t n;
    const char **names = ld_list_yaml(&ld, "trades", &n);
    for (size_t i = 0; i < n; i++)
        ld_trade(&ld, names[i]);
    ld_stations_file(&ld);
    names = ld_list_yaml(&ld, "quiz", &n);
    for (size_t i = 0; i < n; i++)
        ld_quiz_file(&ld, names[i]);
    ld_survey_file(&ld);
    ld.file = p->dir;
    if (p->station_count == 0 || p->trade_count == 0) {
        yamldoc_errors_add(errs, p->dir, 0, 0, "the pack has no %s",
                           p->station_count == 0 ? "station" : "trade");
        ld.bad = true;
    }
    ld_link(&ld);
    *ok = !ld.bad;
    return p;
}

content_pack_t *content_load(const char *dir, yamldoc_errors_t *errs)
{
    return content_load_checked(dir, 0, errs, NULL);
}

content_pack_t *content_load_checked(const char *dir, unsigned flags, yamldoc_errors_t *errs,
                                     yamldoc_errors_t *warns)
{
    bool ok = false;
    content_pack_t *p = content_load_internal(dir, flags, errs, warns, &ok);
    if (!p) {
        yamldoc_errors_add(errs, dir, 0, 0, "%s", mf_strerror(MF_ENOMEM));
        return NULL;
    }
    if (!ok) {
        content_destroy(p);
        return NULL;
    }
    return p;
}

int content_check(const char *dir, unsigned flags, yamldoc_errors_t *errs, yamldoc_errors_t *warns,
                  content_counts_t *counts)
{
    bool ok = false;
    content_pack_t *p = content_load_internal(dir, flags, errs, warns, &ok);
    if (!p) {
        yamldoc_errors_add(errs, dir, 0, 0, "%s", mf_strerror(MF_ENOMEM));
        return MF_ENOMEM;
    }
    if (counts) {
        counts->stations = p->station_count;
        counts->trades = p->trade_count;
        counts->questions = p->question_count;
    }
    content_destroy(p);
    return ok ? MF_OK : MF_ECONTENT;
}

void content_destroy(content_pack_t *pack)
{
    if (!pack)
        return;
    arena_block_t *b = pack->arena;
    while (b) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    free(pack->stations);
    free(pack->trades);
    free(pack->questions);
    free(pack->strings);
    free(pack->dir);
    free(pack);
}

/* ---- Reading ------------------------------------------------------------- */

const char *content_dir(const content_pack_t *pack)
{
    return pack->dir;
}

size_t content_language_count(const content_pack_t *pack)
{
    return pack->lang_count;
}

const char *content_language(const content_pack_t *pack, size_t i)
{
    return i < pack->lang_count ? pack->langs[i] : NULL;
}

int content_language_index(const content_pack_t *pack, const char *lang)
{
    for (size_t i = 0; lang && i < pack->lang_count; i++) {
        if (!strcmp(pack->langs[i], lang))
            return (int)i;
    }
    return -1;
}

const char *content_text(const content_pack_t *pack, const char *lang, const content_text_t *text)
{
    int li = content_language_index(pack, lang);
    if (li >= 0 && text->t[li])
        return text->t[li];
    if (pack->fr_index >= 0 && text->t[pack->fr_index])
        return text->t[pack->fr_index];
    for (size_t i = 0; i < pack->lang_count; i++) {
        if (text->t[i])
            return text->t[i];
    }
    return "";
}

static const content_string_t *string_find(const content_pack_t *pack, const char *key)
{
    size_t lo = 0, hi = pack->string_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(pack->strings[mid].key, key);
        if (c == 0)
            return &pack->strings[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *content_string(const content_pack_t *pack, const char *lang, const char *key)
{
    const content_string_t *s = string_find(pack, key);
    if (!s)
        return key;
    const char *t = content_text(pack, lang, &s->text);
    return *t ? t : key;
}

static void format_put(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
    if (*len < size) {
        size_t room = size - 1 - *len;
        memcpy(buf + *len, s, n < room ? n : room);
    }
    *len += n;
}

size_t content_format(char *buf, size_t size, const char *tmpl, const char *const *names,
                      const char *const *values, size_t count)
{
    size_t len = 0;
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!close) {
            format_put(buf, size, &len, p, strlen(p));
            break;
        }
        format_put(buf, size, &len, p, (size_t)(open - p));
        size_t n = (size_t)(close - open - 1);
        const char *value = NULL;
        for (size_t i = 0; i < count && !value; i++) {
            if (strlen(names[i]) == n && !strncmp(names[i], open + 1, n))
                value = values[i] ? values[i] : "";
        }
        if (value)
            format_put(buf, size, &len, value, strlen(value));
        else
            format_put(buf, size, &len, open, n + 2);
        p = close + 1;
    }
    if (size > 0)
        buf[len < size ? len : size - 1] = '\0';
    return len;
}

bool content_has_string(const content_pack_t *pack, const char *key)
{
    return string_find(pack, key) != NULL;
}

size_t content_station_count(const content_pack_t *pack)
{
    return pack->station_count;
}

const content_station_t *content_station(const content_pack_t *pack, size_t i)
{
    return i < pack->station_count ? &pack->stations[i] : NULL;
}

const content_station_t *content_station_find(const content_pack_t *pack, const char *id)
{
    for (size_t i = 0; i < pack->station_count; i++) {
        if (!strcmp(pack->stations[i].id, id))
            return &pack->stations[i];
    }
    return NULL;
}

const content_station_t *content_station_by_plc(const content_pack_t *pack, int plc_station)
{
    for (size_t i = 0; plc_station > 0 && i < pack->station_count; i++) {
        if (pack->stations[i].kind == CONTENT_STATION_LINE &&
            pack->stations[i].plc_station == plc_station)
            return &pack->stations[i];
    }
    return NULL;
}

size_t content_trade_count(const content_pack_t *pack)
{
    return pack->trade_count;
}

const content_trade_t *content_trade(const content_pack_t *pack, size_t i)
{
    return i < pack->trade_count ? &pack->trades[i] : NULL;
}

const content_trade_t *content_trade_find(const content_pack_t *pack, const char *id)
{
    for (size_t i = 0; i < pack->trade_count; i++) {
        if (!strcmp(pack->trades[i].id, id))
            return &pack->trades[i];
    }
    return NULL;
}

size_t content_question_count(const content_pack_t *pack)
{
    return pack->question_count;
}

const content_question_t *content_question(const content_pack_t *pack, size_t i)
{
    return i < pack->question_count ? &pack->questions[i] : NULL;
}

const content_question_t *content_question_find(const content_pack_t *pack, const char *id)
{
    for (size_t i = 0; i < pack->question_count; i++) {
        if (!strcmp(pack->questions[i].id, id))
            return &pack->questions[i];
    }
    return NULL;
}

size_t content_question_index(const content_pack_t *pack, const content_question_t *q)
{
    assert(q >= pack->questions && q < pack->questions + pack->question_count);
    return (size_t)(q - pack->questions);
}

const content_survey_t *content_perception(const content_pack_t *pack)
{
    return &pack->perception;
}

const content_survey_t *content_satisfaction(const content_pack_t *pack)
{
    return &pack->satisfaction;
}

/*
 * cmd_diag.c - `minifab diag`: the technician's view of the truck's devices,
 * through the very drivers the kiosk uses (drivers/). Each subcommand opens
 * one device, shows what it sees, and exits 0 on success or non-zero with a
 * one-line reason:
 *   diag ports                      serial ports with their USB ids
 *   diag line --plc URI             one snapshot of the PLC, --watch to follow
 *   diag io --port P                the I/O module's inputs, --light to test
 *   diag engrave --text T           G-code for a text (--dry-run) or engrave it
 *   diag scan --port P              ticket codes as they are scanned
 */
#include "commands.h"
#include "config.h"

#include "gcode_text.h"
#include "grbl_drv.h"
#include "io_drv.h"
#include "line_drv.h"
#include "mf_error.h"
#include "mf_log.h"
#include "scanner_drv.h"
#include "serial.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t diag_stop;

static void on_signal(int sig)
{
    (void)sig;
    diag_stop = 1;
}

static void catch_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static const char *env_or(const char *value, const char *env)
{
    if (value)
        return value;
    const char *e = getenv(env);
    return e && *e ? e : NULL;
}

/* ---- diag ports ----------------------------------------------------------- */

static int diag_ports(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: minifab diag ports [--json]\n\n"
                   "Lists the serial ports with their USB vendor:product ids and serial numbers,\n"
                   "to write an address such as usb:1a86:7523 (see drivers/README.md).\n");
            return 0;
        } else {
            fprintf(stderr, "minifab diag ports: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    serial_port_info_t ports[64];
    int n = serial_list_ports(ports, 64);
    if (n < 0) {
        fprintf(stderr, "minifab diag ports: cannot list ports: %s\n", mf_strerror(n));
        return 1;
    }
    if (json)
        printf("[");
    for (int i = 0; i < n; i++) {
        serial_port_info_t *p = &ports[i];
        if (json) {
            printf(
                "%s{\"name\":\"%s\",\"usb\":%s,\"vid\":\"%04x\",\"pid\":\"%04x\",\"serial\":\"%s\","
                "\"description\":\"%s\"}",
                i ? "," : "", p->name, p->is_usb ? "true" : "false", p->vid, p->pid, p->usb_serial,
                p->description);
        } else if (p->is_usb) {
            printf("%-20s usb:%04x:%04x%s%s  %s %s\n", p->name, p->vid, p->pid,
                   p->usb_serial[0] ? ":" : "", p->usb_serial, p->manufacturer, p->product);
        } else {
            printf("%-20s %s\n", p->name, p->description);
        }
    }
    if (json)
        printf("]\n");
    else if (n == 0)
        printf("no serial port found (pseudo-terminals of minifab-sim are not listed)\n");
    return 0;
}

/* ---- diag line ------------------------------------------------------------ */

/* A string as a JSON string literal (quotes included). */
static void json_str(const char *v)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static const char *json_bool(bool b)
{
    return b ? "true" : "false";
}

static void line_print_text(const line_snapshot_t *s)
{
    printf("connection  %s%s%s%s\n", line_conn_name(s->conn), s->stale ? " (stale)" : "",
           s->last_error[0] ? ": " : "", s->last_error);
    if (s->last_good_ms == 0 || s->incompatible || s->conn == LINE_CONN_MISCONFIGURED)
        return; /* nothing decoded that could be trusted */
    printf("line        %s, mode %s%s%s\n", line_packml_name(s->line_state),
           line_mode_name(s->line_mode), s->estop ? ", EMERGENCY STOP" : "",
           s->running ? ", running" : "");
    printf("counters    submitted %u, good %u, rejected %u, finished %u, uptime %u s\n",
           s->submitted, s->good, s->rejected, s->finished, s->uptime_s);
    if (s->missed_pieces)
        printf("missed      %u finished piece(s) not seen (more than %d between two reads)\n",
               s->missed_pieces, MF_PLC_FINISHED_SLOTS);
    for (int i = 0; i < MF_STATION_COUNT; i++) {
        const line_station_t *st = &s->stations[i];
        printf("station %d   %-10s", i + MF_STATION_FIRST, line_packml_name(st->state));
        if (st->order)
            printf(" order %u (%s) %u%%", st->order, line_colour_name(st->colour), st->progress);
        if (st->alarm)
            printf(" ALARM %s", line_alarm_name(st->alarm));
        printf("\n");
    }
    printf("queue       %d order(s)", s->queue_len);
    for (int i = 0; i < s->queue_len; i++)
        printf(" %u(%s%s)", s->queue[i].order, line_colour_name(s->queue[i].colour),
               s->queue[i].engrave ? ",engrave" : "");
    printf("\n");
    for (int i = 0; i < s->alarm_count; i++) {
        char text[128];
        printf("alarm       %s%s%s\n", line_alarm_describe(&s->alarms[i], text, sizeof text),
               s->alarms[i].active ? ", active" : ", cleared",
               s->alarms[i].unacked ? ", not acknowledged" : "");
    }
    if (s->alarm_total > s->alarm_count)
        printf("alarm       and %d more not listed by the PLC\n", s->alarm_total - s->alarm_count);
    if (s->engrave_order)
        printf("engraver    order %u waits, %u s left\n", s->engrave_order, s->engrave_left_s);
    printf("magazines  ");
    for (int c = 0; c < MF_COLOUR_COUNT; c++)
        printf(" %s=%u", line_colour_name((uint16_t)(c + 1)), s->magazine[c]);
    printf("\n");
}

static void line_print_json(const line_snapshot_t *s)
{
    printf("{\"connection\":\"%s\",\"stale\":%s,\"usable\":%s,\"error\":", line_conn_name(s->conn),
           json_bool(s->stale), json_bool(line_snapshot_usable(s)));
    json_str(s->last_error);
    printf(",\"map_version\":%u,\"incompatible\":%s,\"exception\":%u,\"missed_pieces\":%u",
           s->map_version, json_bool(s->incompatible), s->exception, s->missed_pieces);
    printf(",\"state\":\"%s\",\"mode\":\"%s\",\"estop\":%s,\"running\":%s,"
           "\"submitted\":%u,\"good\":%u,\"rejected\":%u,\"finished\":%u,\"uptime_s\":%u,"
           "\"queue_len\":%d,\"alarms\":%d,\"alarm_total\":%u,\"engrave_order\":%u,\"stations\":[",
           line_packml_name(s->line_state), line_mode_name(s->line_mode), json_bool(s->estop),
           json_bool(s->running), s->submitted, s->good, s->rejected, s->finished, s->uptime_s,
           s->queue_len, s->alarm_count, s->alarm_total, s->engrave_order);
    for (int i = 0; i < MF_STATION_COUNT; i++)
        printf("%s{\"station\":%d,\"state\":\"%s\",\"order\":%u,\"progress\":%u,\"alarm\":%u}",
               i ? "," : "", i + MF_STATION_FIRST, line_packml_name(s->stations[i].state),
               s->stations[i].order, s->stations[i].progress, s->stations[i].alarm);
    printf("],\"alarm_list\":[");
    for (int i = 0; i < s->alarm_count; i++) {
        const line_alarm_t *a = &s->alarms[i];
        char text[128];
        printf("%s{\"code\":%u,\"station\":%u,\"param\":%u,\"active\":%s,\"unacked\":%s,\"text\":",
               i ? "," : "", a->code, a->station, a->param, json_bool(a->active),
               json_bool(a->unacked));
        json_str(line_alarm_describe(a, text, sizeof text));
        printf("}");
    }
    printf("]}\n");
}

/* One JSON object for an error, so that --json output is JSON, always. */
static void line_json_error(const char *error, const char *reason)
{
    printf("{\"error\":");
    json_str(error);
    printf(",\"reason\":");
    json_str(reason);
    printf("}\n");
    fflush(stdout);
}

static int parse_colour(const char *name)
{
    for (int c = 1; c <= MF_COLOUR_COUNT; c++)
        if (strcmp(name, line_colour_name((uint16_t)c)) == 0)
            return c;
    return 0;
}

typedef struct {
    line_cmd_kind_t kind;
    int colour;
    bool engrave;
    uint32_t order; /* cancel:N */
    int alarm;      /* ack:CODE, 0 = all */
} line_send_t;

/* Checks a --send SPEC before anything connects. 0 or -1. */
static int line_send_parse(const char *spec, line_send_t *out)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", spec);
    memset(out, 0, sizeof *out);
    if (strcmp(buf, "start") == 0)
        out->kind = LINE_CMD_START;
    else if (strcmp(buf, "stop") == 0)
        out->kind = LINE_CMD_STOP;
    else if (strcmp(buf, "reset") == 0)
        out->kind = LINE_CMD_RESET;
    else if (strcmp(buf, "ack") == 0)
        out->kind = LINE_CMD_ACK;
    else if (strncmp(buf, "ack:", 4) == 0 || strncmp(buf, "cancel:", 7) == 0) {
        bool ack = buf[0] == 'a';
        const char *num = buf + (ack ? 4 : 7);
        char *end;
        unsigned long v = strtoul(num, &end, 10);
        if (end == num || *end || *num == '-' || (ack && v > MF_ALARM_CODE_MAX) ||
            (!ack && (v == 0 || v > 0xFFFFFFFFul)))
            return -1;
        out->kind = ack ? LINE_CMD_ACK : LINE_CMD_CANCEL;
        if (ack)
            out->alarm = (int)v;
        else
            out->order = (uint32_t)v;
    } else if (strncmp(buf, "order:", 6) == 0) {
        char *colour = buf + 6, *flag = strchr(colour, ':');
        if (flag)
            *flag++ = '\0';
        out->kind = LINE_CMD_SUBMIT_ORDER;
        out->colour = parse_colour(colour);
        out->engrave = flag != NULL;
        if (!out->colour || (flag && strcmp(flag, "engrave") != 0))
            return -1;
    } else {
        return -1;
    }
    return 0;
}

/* Sends the parsed command and waits for its result. */
static int line_send(line_drv_t *d, const line_send_t *c, int json)
{
    uint32_t tag = 0;
    int rc;
    switch (c->kind) {
    case LINE_CMD_START:
        rc = line_drv_start(d, &tag);
        break;
    case LINE_CMD_STOP:
        rc = line_drv_stop(d, &tag);
        break;
    case LINE_CMD_RESET:
        rc = line_drv_reset(d, &tag);
        break;
    case LINE_CMD_ACK:
        rc = c->alarm ? line_drv_ack_alarm(d, (uint16_t)c->alarm, 0, 0, &tag)
                      : line_drv_ack(d, &tag);
        break;
    case LINE_CMD_CANCEL:
        rc = line_drv_cancel_order(d, c->order, &tag);
        break;
    default:
        rc = line_drv_submit_order(d, (mf_colour_t)c->colour, c->engrave, &tag);
        break;
    }
    if (rc) {
        if (json)
            line_json_error("send failed", mf_strerror(rc));
        fprintf(stderr, "minifab diag line: %s\n", mf_strerror(rc));
        return 1;
    }
    long long end = now_ms() + 5000;
    line_event_t ev;
    while (now_ms() < end && !diag_stop) {
        if (!line_drv_poll_event(d, &ev)) {
            sleep_ms(5);
            continue;
        }
        if (ev.kind != LINE_EV_RESULT || ev.tag != tag)
            continue;
        const char *result = ev.result == LINE_RESULT_ACCEPTED  ? "accepted"
                             : ev.result == LINE_RESULT_REFUSED ? "refused"
                                                                : "timed out";
        if (json) {
            printf("{\"command\":\"%s\",\"result\":\"%s\",\"order\":%u,\"reason\":",
                   line_cmd_name(ev.cmd), result, ev.order);
            json_str(ev.text);
            printf("}\n");
        }
        if (ev.result == LINE_RESULT_ACCEPTED) {
            if (json)
                return 0;
            if (ev.cmd == LINE_CMD_SUBMIT_ORDER)
                printf("%s: accepted, order %u\n", line_cmd_name(ev.cmd), ev.order);
            else
                printf("%s: accepted\n", line_cmd_name(ev.cmd));
            return 0;
        }
        fprintf(stderr, "minifab diag line: %s %s: %s\n", line_cmd_name(ev.cmd), result, ev.text);
        return 1;
    }
    if (json)
        line_json_error("no result", "the driver gave no answer within 5 s");
    fprintf(stderr, "minifab diag line: no result\n");
    return 1;
}

/* One event of --watch: a text line, or a JSON object. */
static void line_print_event(const line_event_t *ev, int json)
{
    const char *name = ev->kind == LINE_EV_CONNECTED        ? "connected"
                       : ev->kind == LINE_EV_DISCONNECTED   ? "disconnected"
                       : ev->kind == LINE_EV_PIECE_FINISHED ? "piece_finished"
                       : ev->kind == LINE_EV_PIECES_MISSED  ? "pieces_missed"
                                                            : NULL;
    if (!name)
        return;
    if (json) {
        printf("{\"event\":\"%s\"", name);
        if (ev->kind == LINE_EV_DISCONNECTED) {
            printf(",\"reason\":");
            json_str(ev->text);
        } else if (ev->kind == LINE_EV_PIECE_FINISHED) {
            printf(",\"order\":%u,\"outcome\":\"%s\",\"colour\":\"%s\"", ev->order,
                   ev->outcome == MF_PLC_OUTCOME_DELIVERED ? "delivered" : "rejected",
                   line_colour_name(ev->colour));
        } else if (ev->kind == LINE_EV_PIECES_MISSED) {
            printf(",\"count\":%u", ev->count);
        }
        printf("}\n");
    } else if (ev->kind == LINE_EV_CONNECTED) {
        printf("-- connected\n");
    } else if (ev->kind == LINE_EV_DISCONNECTED) {
        printf("-- disconnected: %s\n", ev->text);
    } else if (ev->kind == LINE_EV_PIECE_FINISHED) {
        printf("-- order %u finished: %s\n", ev->order,
               ev->outcome == MF_PLC_OUTCOME_DELIVERED ? "delivered" : "rejected");
    } else {
        printf("-- %s\n", ev->text);
    }
}

__attribute__((format(printf, 2, 3))) static int diag_line_usage_error(int json, const char *fmt,
                                                                       ...)
{
    char reason[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (json)
        line_json_error("usage", reason);
    fprintf(stderr, "minifab diag line: %s\n", reason);
    return 2;
}

static int diag_line(int argc, char **argv)
{
    static const struct option opts[] = {{"plc", required_argument, 0, 'p'},
                                         {"watch", no_argument, 0, 'w'},
                                         {"json", no_argument, 0, 'j'},
                                         {"send", required_argument, 0, 's'},
                                         {"poll-ms", required_argument, 0, 'P'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *plc = NULL, *send = NULL, *poll_arg = NULL;
    int watch = 0, json = 0, poll_ms = 50, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            plc = optarg;
            break;
        case 'w':
            watch = 1;
            break;
        case 'j':
            json = 1;
            break;
        case 's':
            send = optarg;
            break;
        case 'P':
            poll_arg = optarg;
            break;
        case 'h':
            printf(
                "usage: minifab diag line --plc URI [--watch] [--json] [--send CMD] [--poll-ms "
                "N]\n\n"
                "  --plc URI      tcp://HOST[:PORT] (default port 502; $MINIFAB_PLC if absent)\n"
                "  --watch        follow the line until Ctrl-C: one status line every 0.5 s,\n"
                "                 disconnections and recoveries as they happen\n"
                "  --json         one JSON object a line, errors and events included\n"
                "  --send CMD     send start, stop, reset, ack, ack:CODE (one alarm code, 0 =\n"
                "                 all), cancel:ORDER (a queued order) or order:COLOUR[:engrave]\n"
                "                 through the mailbox handshake and print its result\n"
                "  --poll-ms N    polling period, 10..5000 (default 50)\n\n"
                "Exit status 0, 1 when the PLC cannot be used (unreachable, incompatible,\n"
                "misconfigured) or refuses the command, 2 on a usage error.\n");
            return 0;
        default:
            return diag_line_usage_error(json, "unknown option (see --help)");
        }
    }
    /* Every argument is checked before anything connects. */
    if (optind < argc)
        return diag_line_usage_error(json, "unexpected argument '%s'", argv[optind]);
    if (poll_arg) {
        char *end;
        long v = strtol(poll_arg, &end, 10);
        if (end == poll_arg || *end || v < 10 || v > 5000)
            return diag_line_usage_error(
                json, "--poll-ms: 10..5000 milliseconds expected, got '%s'", poll_arg);
        poll_ms = (int)v;
    }
    line_send_t cmd;
    if (send && line_send_parse(send, &cmd) != 0)
        return diag_line_usage_error(json,
                                     "--send '%s': start, stop, reset, ack, ack:CODE (0..7), "
                                     "cancel:ORDER or order:COLOUR[:engrave], COLOUR one of red "
                                     "blue green yellow black silver",
                                     send);
    plc = env_or(plc, "MINIFAB_PLC");
    if (!plc)
        return diag_line_usage_error(json, "--plc URI is required");
    line_drv_opts_t o;
    line_drv_opts_default(&o);
    o.poll_ms = poll_ms;
    line_drv_t *d = line_drv_create(plc, &o);
    if (!d)
        return diag_line_usage_error(json, "bad PLC address '%s' (tcp://HOST[:PORT])", plc);
    catch_signals();
    line_snapshot_t s;
    int rc = 0;
    long long end = now_ms() + 2000;
    do {
        sleep_ms(10);
        line_drv_snapshot(d, &s);
    } while (s.last_good_ms == 0 && s.conn != LINE_CONN_MISCONFIGURED && now_ms() < end &&
             !diag_stop);
    if (!watch) {
        if (s.conn == LINE_CONN_MISCONFIGURED || s.incompatible) {
            if (json)
                line_print_json(&s);
            else
                line_print_text(&s);
            fprintf(stderr, "minifab diag line: PLC %s cannot be used: %s\n", plc, s.last_error);
            if (send && json)
                line_json_error("not sent", s.last_error);
            rc = 1;
        } else if (s.last_good_ms == 0) {
            char reason[200];
            snprintf(reason, sizeof reason, "%s", s.last_error[0] ? s.last_error : "no answer");
            if (json)
                line_json_error("unreachable", reason);
            fprintf(stderr, "minifab diag line: PLC %s unreachable: %s\n", plc, reason);
            rc = 1;
        } else if (send) {
            rc = line_send(d, &cmd, json);
        } else if (json) {
            line_print_json(&s);
        } else {
            line_print_text(&s);
        }
        line_drv_destroy(d);
        return rc;
    }
    if (send && s.last_good_ms)
        line_send(d, &cmd, json);
    long long next = 0;
    while (!diag_stop) {
        line_event_t ev;
        while (line_drv_poll_event(d, &ev))
            line_print_event(&ev, json);
        if (now_ms() >= next) {
            next = now_ms() + 500;
            line_drv_snapshot(d, &s);
            if (json) {
                line_print_json(&s);
            } else {
                printf("%-12s %-9s %s good=%u rejected=%u queue=%d alarms=%d%s%s\n",
                       line_conn_name(s.conn), s.stale ? "stale" : "fresh",
                       line_packml_name(s.line_state), s.good, s.rejected, s.queue_len,
                       s.alarm_count, s.last_error[0] ? "  " : "", s.last_error);
            }
        }
        fflush(stdout);
        sleep_ms(20);
    }
    line_drv_destroy(d);
    return 0;
}

/* ---- diag io -------------------------------------------------------------- */

static int parse_lamp(const char *v, io_lamp_pattern_t *out)
{
    if (strcmp(v, "on") == 0)
        *out = IO_LAMP_ON;
    else if (strcmp(v, "off") == 0)
        *out = IO_LAMP_OFF;
    else if (strcmp(v, "blink") == 0)
        *out = IO_LAMP_BLINK_SLOW;
    else if (strcmp(v, "fast") == 0)
        *out = IO_LAMP_BLINK_FAST;
    else
        return -1;
    return 0;
}

/* "green=on,orange=blink,red=off,buzzer=3" */
static int parse_light(const char *spec, io_light_t *l)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", spec);
    memset(l, 0, sizeof *l);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq)
            return -1;
        *eq++ = '\0';
        if (strcmp(tok, "green") == 0) {
            if (parse_lamp(eq, &l->green))
                return -1;
        } else if (strcmp(tok, "orange") == 0) {
            if (parse_lamp(eq, &l->orange))
                return -1;
        } else if (strcmp(tok, "red") == 0) {
            if (parse_lamp(eq, &l->red))
                return -1;
        } else if (strcmp(tok, "buzzer") == 0) {
            if (strcmp(eq, "on") == 0) {
                l->buzzer = IO_BUZZER_ON;
            } else if (strcmp(eq, "off") == 0) {
                l->buzzer = IO_BUZZER_OFF;
            } else {
                l->buzzer = IO_BUZZER_BURSTS;
                l->bursts = atoi(eq);
                if (l->bursts < 1 || l->bursts > 10)
                    return -1;
            }
        } else {
            return -1;
        }
    }
    return 0;
}

static int diag_io(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, 0, 'p'},  {"watch", no_argument, 0, 'w'},
        {"light", required_argument, 0, 'l'}, {"seconds", required_argument, 0, 's'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *port = NULL, *light = NULL;
    int watch = 0, seconds = 3, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            port = optarg;
            break;
        case 'w':
            watch = 1;
            break;
        case 'l':
            light = optarg;
            break;
        case 's':
            seconds = atoi(optarg);
            break;
        case 'h':
            printf(
                "usage: minifab diag io --port ADDRESS [--watch] [--light SPEC [--seconds N]]\n\n"
                "  --port ADDRESS  the I/O module's serial port (drivers/README.md syntax;\n"
                "                  $MINIFAB_IO if absent), Modbus RTU 115200 8N1, unit 2\n"
                "  --watch         print start-button and emergency-stop events until Ctrl-C\n"
                "  --light SPEC    show a stack-light pattern for N seconds (default 3), e.g.\n"
                "                  green=on,orange=blink,red=fast,buzzer=2 (on|off|blink|fast;\n"
                "                  buzzer on|off|N bursts)\n");
            return 0;
        default:
            return 2;
        }
    }
    port = env_or(port, "MINIFAB_IO");
    if (!port) {
        fprintf(stderr, "minifab diag io: --port ADDRESS is required\n");
        return 2;
    }
    io_light_t l;
    if (light && parse_light(light, &l) != 0) {
        fprintf(stderr, "minifab diag io: bad --light '%s'\n", light);
        return 2;
    }
    io_drv_t *d = io_drv_create(port, NULL);
    if (!d) {
        fprintf(stderr, "minifab diag io: cannot use port '%s'\n", port);
        return 2;
    }
    catch_signals();
    io_snapshot_t s;
    long long end = now_ms() + 2000;
    do {
        sleep_ms(10);
        io_drv_snapshot(d, &s);
    } while (s.last_good_ms == 0 && now_ms() < end && !diag_stop);
    if (s.last_good_ms == 0) {
        fprintf(stderr, "minifab diag io: no answer from the I/O module on %s: %s\n", port,
                s.last_error[0] ? s.last_error : "timed out");
        io_drv_destroy(d);
        return 1;
    }
    printf("module 0x%04x firmware %u.%u: start button %s, emergency stop %s (presses %u, e-stops "
           "%u)\n",
           s.module_id, s.firmware >> 8, s.firmware & 0xFF, s.start_button ? "pressed" : "released",
           s.estop_ok ? "closed (ok)" : "OPEN", s.start_count, s.estop_count);
    if (light) {
        io_drv_set_light(d, &l);
        long long until = now_ms() + (long long)seconds * 1000;
        while (now_ms() < until && !diag_stop)
            sleep_ms(20);
    }
    while (watch && !diag_stop) {
        io_event_t ev;
        while (io_drv_poll_event(d, &ev)) {
            static const char *const names[] = {"",
                                                "connected",
                                                "disconnected",
                                                "start pressed",
                                                "emergency stop opened",
                                                "emergency stop closed"};
            printf("-- %s%s%s\n", names[ev.kind], ev.text[0] ? ": " : "", ev.text);
            fflush(stdout);
        }
        sleep_ms(20);
    }
    io_drv_destroy(d);
    return 0;
}

/* ---- diag engrave --------------------------------------------------------- */

/* The engraving settings of the kiosk's configuration (0 = driver default). */
static void diag_engrave_from_config(const config_t *kc, gcode_text_cfg_t *cfg, int *home)
{
    if (kc->engrave_w_mm > 0 && kc->engrave_h_mm > 0) {
        cfg->area_x = kc->engrave_x_mm;
        cfg->area_y = kc->engrave_y_mm;
        cfg->area_w = kc->engrave_w_mm;
        cfg->area_h = kc->engrave_h_mm;
    }
    if (kc->engrave_power > 0)
        cfg->power = kc->engrave_power;
    if (kc->engrave_feed > 0)
        cfg->feed = kc->engrave_feed;
    if (kc->engrave_max_chars > 0)
        cfg->max_chars = kc->engrave_max_chars;
    if (kc->engrave_home)
        *home = 1;
}

/* An option's integer within [MIN, MAX]; else a message naming the option,
 * what it means and its range. */
static int diag_engrave_int(const char *opt, const char *v, long min, long max, const char *what,
                            int *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < min || x > max) {
        fprintf(stderr,
                "minifab diag engrave: %s '%s' is not valid: %s, an integer from %ld to %ld\n", opt,
                v, what, min, max);
        return -1;
    }
    *out = (int)x;
    return 0;
}

/* --area WxH: two sizes in mm, each within (0, 2000]. */
static int diag_engrave_area(const char *v, double *w, double *h)
{
    char *end;
    double a = strtod(v, &end), b = 0;
    int ok = end != v && (*end == 'x' || *end == 'X');
    if (ok) {
        const char *p = end + 1;
        b = strtod(p, &end);
        ok = end != p && *end == '\0';
    }
    if (!ok || !(a > 0 && a <= 2000 && b > 0 && b <= 2000)) {
        fprintf(stderr,
                "minifab diag engrave: --area '%s' is not valid: WxH in mm, each above 0 and up "
                "to 2000, e.g. 60x20\n",
                v);
        return -1;
    }
    *w = a;
    *h = b;
    return 0;
}

static int diag_engrave(int argc, char **argv)
{
    static const struct option opts[] = {{"port", required_argument, 0, 'p'},
                                         {"text", required_argument, 0, 't'},
                                         {"dry-run", no_argument, 0, 'n'},
                                         {"send-wait", no_argument, 0, 'W'},
                                         {"power", required_argument, 0, 'S'},
                                         {"feed", required_argument, 0, 'F'},
                                         {"area", required_argument, 0, 'a'},
                                         {"home", no_argument, 0, 'H'},
                                         {"config", required_argument, 0, 'C'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *port = NULL, *text = NULL;
    int dry = 0, send_wait = 0, home = 0, c;
    gcode_text_cfg_t cfg;
    gcode_text_cfg_default(&cfg);
    /* The kiosk's configuration file (--config or MINIFAB_CONFIG) first, so the
     * technician tests the truck's real settings; flags override it. */
    const char *config_path = getenv("MINIFAB_CONFIG");
    char config_port[CONFIG_ADDR_MAX] = "";
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--config") == 0)
            config_path = argv[i + 1];
    }
    if (config_path) {
        config_t kc;
        yamldoc_errors_t errs;
        config_init(&kc);
        yamldoc_errors_init(&errs);
        int lrc = config_load_file(&kc, config_path, &errs);
        for (size_t i = 0; i < errs.count; i++)
            fprintf(stderr, "%s\n", errs.items[i]);
        yamldoc_errors_deinit(&errs);
        if (lrc != MF_OK) {
            fprintf(stderr, "minifab diag engrave: the configuration %s is not valid\n",
                    config_path);
            return 1;
        }
        diag_engrave_from_config(&kc, &cfg, &home);
        if (kc.engraver_port[0])
            snprintf(config_port, sizeof config_port, "%s", kc.engraver_port);
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'C':
            break; /* read above */
        case 'p':
            port = optarg;
            break;
        case 't':
            text = optarg;
            break;
        case 'n':
            dry = 1;
            break;
        case 'W':
            send_wait = 1;
            break;
        case 'H':
            home = 1;
            break;
        case 'S':
            if (diag_engrave_int("--power", optarg, 1, 100000,
                                 "laser power, the S word (at most GRBL's $30)", &cfg.power) != 0)
                return 2;
            break;
        case 'F':
            if (diag_engrave_int("--feed", optarg, 1, 60000, "burning feed in mm/min", &cfg.feed) !=
                0)
                return 2;
            break;
        case 'a':
            if (diag_engrave_area(optarg, &cfg.area_w, &cfg.area_h) != 0)
                return 2;
            break;
        case 'h':
            printf(
                "usage: minifab diag engrave --text TEXT [--dry-run | --port ADDRESS] [OPTIONS]\n\n"
                "  --text TEXT     what to engrave (UTF-8; French accents are drawn)\n"
                "  --dry-run       print the G-code on stdout; no port needed\n"
                "  --port ADDRESS  the GRBL engraver's serial port ($MINIFAB_ENGRAVER if absent)\n"
                "  --power S       laser power, S word, 1..100000 and at most GRBL's $30\n"
                "                  (default %d)\n"
                "  --feed F        burning feed, mm/min, 1..60000 (default %d)\n"
                "  --area WxH      engraving area in mm, each up to 2000 (default %.0fx%.0f);\n"
                "                  refused beyond the machine's travel ($130, $131)\n"
                "  --home          home ($H) instead of unlocking ($X) at start; GRBL answers\n"
                "                  nothing while it homes (up to 60 s)\n"
                "  --config FILE   take area, power, feed and port from the kiosk's configuration\n"
                "                  (also MINIFAB_CONFIG; flags win; docs/CONFIG.md)\n"
                "  --send-wait     stream line by line instead of character counting\n",
                cfg.power, cfg.feed, cfg.area_w, cfg.area_h);
            return 0;
        default:
            return 2;
        }
    }
    if (!text) {
        fprintf(stderr, "minifab diag engrave: --text TEXT is required\n");
        return 2;
    }
    gcode_font_t *font = gcode_font_load(cfg.font);
    if (!font) {
        fprintf(stderr, "minifab diag engrave: Hershey font '%s' not found (hershey-fonts-data)\n",
                cfg.font);
        return 1;
    }
    gcode_program_t prog;
    gcode_text_check_t chk;
    int rc = gcode_text_render(font, &cfg, text, &prog, &chk);
    gcode_font_destroy(font);
    if (rc == MF_EREFUSED) {
        fprintf(stderr, "minifab diag engrave: refused: %s\n", chk.message);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "minifab diag engrave: %s\n", mf_strerror(rc));
        return 1;
    }
    if (dry) {
        fwrite(prog.text, 1, prog.len, stdout);
        fprintf(stderr, "%d lines, letters %.1f mm high, %.0f mm burned, %.0f mm travel\n",
                prog.lines, prog.cap_h_mm, prog.burn_mm, prog.travel_mm);
        gcode_program_free(&prog);
        return 0;
    }
    port = env_or(port, "MINIFAB_ENGRAVER");
    if (!port && config_port[0])
        port = config_port;
    if (!port) {
        gcode_program_free(&prog);
        fprintf(stderr, "minifab diag engrave: --port ADDRESS or --dry-run is required\n");
        return 2;
    }
    grbl_opts_t o;
    grbl_opts_default(&o);
    o.mode = send_wait ? GRBL_STREAM_SEND_WAIT : GRBL_STREAM_CHAR_COUNT;
    o.home_on_start = home;
    grbl_drv_t *d = grbl_drv_create(port, &o);
    if (!d) {
        gcode_program_free(&prog);
        fprintf(stderr, "minifab diag engrave: bad port address '%s'\n", port);
        return 2;
    }
    catch_signals();
    rc = 1;
    grbl_event_t ev;
    grbl_snapshot_t s;
    /* A one-shot tool: a port that cannot be opened (absent, busy) fails at
     * once; so does an engraver that goes offline or locks in an alarm while
     * starting. Homing may take up to home_timeout_ms, GRBL silent meanwhile. */
    long long end = now_ms() + 3LL * o.banner_timeout_ms + (home ? o.home_timeout_ms : 3000) + 1000;
    int ready = 0, said_homing = 0;
    const char *fail = NULL;
    char why[160] = "";
    while (!ready && !fail && now_ms() < end && !diag_stop) {
        while (!fail && grbl_drv_poll_event(d, &ev)) {
            if (ev.kind == GRBL_EV_READY)
                ready = 1;
            else if (ev.kind == GRBL_EV_WARNING)
                fprintf(stderr, "warning: %s\n", ev.text);
            else if (ev.kind == GRBL_EV_OFFLINE || ev.kind == GRBL_EV_ALARM) {
                snprintf(why, sizeof why, "%s", ev.text);
                fail = why;
            }
        }
        grbl_drv_snapshot(d, &s);
        if (!ready && !fail && s.state == GRBL_DRV_OFFLINE && s.open_failures > 0) {
            snprintf(why, sizeof why, "%s", s.last_message);
            fail = why;
        }
        if (s.homing && !said_homing) {
            fprintf(stderr, "homing ($H), up to %d s...\n", o.home_timeout_ms / 1000);
            said_homing = 1;
        }
        sleep_ms(10);
    }
    if (!ready) {
        grbl_drv_snapshot(d, &s);
        if (!fail)
            fail = diag_stop ? "interrupted" : s.last_message[0] ? s.last_message : "no answer";
        fprintf(stderr, "minifab diag engrave: engraver on %s not ready: %s\n", port, fail);
        goto done;
    }
    while (grbl_drv_poll_event(d, &ev)) /* a warning right after READY */
        if (ev.kind == GRBL_EV_WARNING)
            fprintf(stderr, "warning: %s\n", ev.text);
    grbl_drv_snapshot(d, &s);
    fprintf(stderr, "GRBL %s on %s (%s)", s.version, port, s.port_kind);
    if (s.settings_known)
        fprintf(stderr, ", $30=%.0f, laser mode %s, travel %.0fx%.0f mm", s.max_power,
                s.laser_mode ? "on" : "off", s.travel[0], s.travel[1]);
    fprintf(stderr, "\n");
    uint32_t job;
    if ((rc = grbl_stream_start(d, prog.text, &job)) != 0) {
        fprintf(stderr, "minifab diag engrave: %s\n", mf_strerror(rc));
        rc = 1;
        goto done;
    }
    rc = 1;
    long long next = 0;
    for (;;) {
        if (diag_stop) {
            grbl_drv_abort(d);
            diag_stop = 0; /* wait for the abort's JOB_DONE */
        }
        if (grbl_drv_poll_event(d, &ev)) {
            if (ev.kind == GRBL_EV_JOB_DONE && ev.job == job) {
                if (ev.ok) {
                    fprintf(stderr, "\n%s in %.1f s\n", ev.text, ev.seconds);
                    rc = 0;
                } else {
                    fprintf(stderr, "\nminifab diag engrave: job failed: %s\n", ev.text);
                }
                break;
            }
            if (ev.kind == GRBL_EV_HELD && ev.code == 1)
                fprintf(stderr, "\n%s (Ctrl-C aborts)\n", ev.text);
            else if (ev.kind == GRBL_EV_RESUMED && ev.code == 1)
                fprintf(stderr, "\n%s\n", ev.text);
            else if (ev.kind == GRBL_EV_WARNING)
                fprintf(stderr, "\nwarning: %s\n", ev.text);
            continue;
        }
        if (now_ms() >= next) {
            next = now_ms() + 250;
            grbl_drv_snapshot(d, &s);
            if (s.job == job) /* once the driver's thread has taken it */
                fprintf(stderr, "\r%-8s %-7s %d/%d lines, X%.1f Y%.1f, %.0f s left   ",
                        grbl_drv_state_name(s.state), s.machine_state, s.lines_acked, s.lines_total,
                        s.wpos[0], s.wpos[1], s.seconds_left);
        }
        sleep_ms(10);
    }
done:
    grbl_drv_destroy(d);
    gcode_program_free(&prog);
    return rc;
}

/* ---- diag scan ------------------------------------------------------------ */

static int diag_scan(int argc, char **argv)
{
    static const struct option opts[] = {{"port", required_argument, 0, 'p'},
                                         {"count", required_argument, 0, 'c'},
                                         {"timeout", required_argument, 0, 't'},
                                         {"pattern", required_argument, 0, 'r'},
                                         {"baud", required_argument, 0, 'b'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *port = NULL;
    int count = 0, timeout = 0, c;
    scanner_opts_t o;
    scanner_opts_default(&o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            port = optarg;
            break;
        case 'c':
            count = atoi(optarg);
            break;
        case 't':
            timeout = atoi(optarg);
            break;
        case 'r':
            o.pattern = optarg;
            break;
        case 'b':
            o.baud = atoi(optarg);
            break;
        case 'h':
            printf("usage: minifab diag scan --port ADDRESS [--count N] [--timeout S] [--pattern "
                   "RE]\n\n"
                   "  --port ADDRESS  the scanner's serial port ($MINIFAB_SCANNER if absent)\n"
                   "  --count N       exit 0 after N tickets (default: until Ctrl-C)\n"
                   "  --timeout S     exit 1 if no ticket within S seconds\n"
                   "  --pattern RE    POSIX extended regex of a valid ticket code\n"
                   "                  (default ^[A-Z0-9-]{4,32}$)\n"
                   "  --baud N        default 9600 (or @BAUD in the address)\n");
            return 0;
        default:
            return 2;
        }
    }
    port = env_or(port, "MINIFAB_SCANNER");
    if (!port) {
        fprintf(stderr, "minifab diag scan: --port ADDRESS is required\n");
        return 2;
    }
    scanner_drv_t *d = scanner_drv_create(port, &o);
    if (!d) {
        fprintf(stderr, "minifab diag scan: bad port address or pattern\n");
        return 2;
    }
    catch_signals();
    int got = 0, rc = 0;
    long long end = timeout > 0 ? now_ms() + (long long)timeout * 1000 : 0;
    while (!diag_stop && (count == 0 || got < count)) {
        scanner_event_t ev;
        if (scanner_drv_poll_event(d, &ev)) {
            if (ev.kind == SCANNER_EV_TICKET) {
                printf("%s\n", ev.code);
                got++;
            } else if (ev.kind == SCANNER_EV_INVALID) {
                fprintf(stderr, "-- ignored: %s\n", ev.text);
            } else if (ev.kind == SCANNER_EV_ONLINE) {
                fprintf(stderr, "-- scanner on %s ready\n", port);
            } else {
                fprintf(stderr, "-- scanner offline: %s\n", ev.text);
            }
            fflush(stdout);
            continue;
        }
        if (end && now_ms() > end) {
            scanner_snapshot_t s;
            scanner_drv_snapshot(d, &s);
            fprintf(stderr, "minifab diag scan: no ticket within %d s%s%s\n", timeout,
                    s.online ? "" : "; port: ", s.online ? "" : s.last_error);
            rc = 1;
            break;
        }
        sleep_ms(10);
    }
    scanner_drv_destroy(d);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------- */

static const mf_command_t diag_commands[] = {
    {"ports", "serial ports with their USB vendor:product ids", diag_ports},
    {"line", "the line PLC (Modbus TCP): one snapshot, --watch, --send", diag_line},
    {"io", "the I/O module (Modbus RTU): inputs, events, stack-light test", diag_io},
    {"engrave", "text to G-code (--dry-run) or engraved on the GRBL laser", diag_engrave},
    {"scan", "ticket codes read by the scanner", diag_scan},
};

static void diag_usage(FILE *out)
{
    fprintf(out, "usage: minifab diag DEVICE [OPTIONS]\n\ndevices:\n");
    for (size_t i = 0; i < sizeof diag_commands / sizeof diag_commands[0]; i++)
        fprintf(out, "  %-9s %s\n", diag_commands[i].name, diag_commands[i].summary);
    fprintf(out, "\n'minifab diag DEVICE --help' lists its options. Addresses: drivers/README.md.\n"
                 "Exit status 0 on success, 1 when the device fails, 2 on a usage error.\n");
}

int cmd_diag(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        diag_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    mf_log_set_level(MF_LOG_WARN);
    for (size_t i = 0; i < sizeof diag_commands / sizeof diag_commands[0]; i++)
        if (strcmp(argv[1], diag_commands[i].name) == 0)
            return diag_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "minifab diag: unknown device '%s'\n\n", argv[1]);
    diag_usage(stderr);
    return 2;
}

#!/usr/bin/python3
"""tables_agree.py - the small tables of one store exported as CSV, XLSX and
JSON (tests/stats/test_export.c makes them with `minifab stats export`) read
back, and compared with each other and with direct SQL over the events: each
table's query as it was before the export counted them in its one pass.

  tables_agree.py STORE CSVDIR XLSX JSON [--from DAY] [--to DAY] [--stop ID] [--group ID]

Prints `rows.TABLE=N` for each table compared, then `agree=1`, or what
differs and `agree=0`. Times and days in the process's TZ (the test sets UTC).
"""
import csv
import datetime
import json
import os
import re
import sqlite3
import sys
import time
import zipfile

# Column kinds: t text, i integer, r real, d time (ms), y day.
KINDS = {
    "visits": "ttddrtttttiiitiiiiitt",
    "days": "yti",
    "stations": "tirriir",
    "trades": "tirirr",
    "questions": "ttiiiirr",
    "survey": "titii",
    "orders": "itdtitt",
    "groups": "tttttidti",
    "stops": "ttttti",
}

F_FULL = ("ts >= :from AND ts < :to AND (:stop = '' OR stop_id = :stop)"
          " AND (:grp = '' OR group_id = :grp)")
GROUP_TYPE = "coalesce((SELECT type FROM visit_groups g WHERE g.id = {}), 'general_public')"

# The direct SQL: each table's figures straight from the events.
REFERENCE = {
    "days": "SELECT date(ts / 1000, 'unixepoch', 'localtime') d, " + GROUP_TYPE.format("e.group_id")
    + " t, count(*) FROM events e WHERE type='visit_started' AND {F} GROUP BY d, t",
    "stations": "SELECT coalesce(s.id, q.station), coalesce(s.v, 0), coalesce(s.d, 0) / 1000.0,"
    " s.d / 1000.0 / s.v, coalesce(q.a, 0), coalesce(q.c, 0), 100.0 * q.c / q.a FROM"
    " (SELECT item id, count(*) v, total(ms) d FROM events WHERE type='station_view' AND {F}"
    " GROUP BY item) s FULL JOIN (SELECT coalesce(station, '') station, count(*) a,"
    " sum(coalesce(flag, 0) != 0) c FROM events WHERE type='quiz_answer' AND {F}"
    " GROUP BY 1) q ON q.station = s.id",
    "trades": "SELECT item, sum(type='trade_view'),"
    " CAST(total(CASE WHEN type='trade_view' THEN ms END) AS INTEGER) / 1000.0,"
    " sum(type='video_play'), CAST(total(CASE WHEN type='video_play' THEN ms END) AS INTEGER)"
    " / 1000.0, avg(CASE WHEN type='video_play' THEN value / 10.0 END) FROM events"
    " WHERE type IN ('trade_view', 'video_play') AND {F} GROUP BY item",
    "questions": "SELECT coalesce(station, ''), coalesce(item, ''), coalesce(version, 0),"
    " count(*) n, sum(coalesce(flag, 0) != 0) c, count(*) - sum(coalesce(flag, 0) != 0),"
    " 100.0 * (count(*) - sum(coalesce(flag, 0) != 0)) / count(*),"
    " total(coalesce(ms, 0)) / 1000.0 / count(*) FROM events WHERE type='quiz_answer' AND {F}"
    " GROUP BY 1, 2, 3",
    "survey": "SELECT item, version, CASE type WHEN 'satisfaction' THEN 'end' WHEN 'perception'"
    " THEN CASE flag WHEN 1 THEN 'after' ELSE 'before' END END, value, count(*) FROM events"
    " WHERE type IN ('satisfaction', 'perception') AND {F} GROUP BY item, version, 3, value",
    "orders": "WITH o AS (SELECT run, order_no, word, detail, max(seq) FROM events"
    " WHERE type='order_outcome' GROUP BY run, order_no)"
    " SELECT e.order_no, e.kiosk || '-' || printf('%x', e.run) || '-' || e.visit, ts, item,"
    " flag, o.word, o.detail FROM events e LEFT JOIN o ON o.run = e.run AND o.order_no ="
    " e.order_no WHERE type='order_placed' AND {F}",
    "groups": "SELECT g.id, g.stop_id, g.type, g.level, g.name, g.headcount, g.set_ms, g.kiosk,"
    " coalesce(c.n, 0) FROM visit_groups g LEFT JOIN (SELECT group_id, count(*) n FROM events"
    " WHERE type='visit_started' AND ts >= :from AND ts < :to GROUP BY group_id) c"
    " ON c.group_id = g.id WHERE (:stop = '' OR g.stop_id = :stop) AND (:grp = '' OR g.id = :grp)",
    "stops": "SELECT s.id, s.town, s.venue, s.first_day, s.last_day, coalesce(c.n, 0) FROM stops s"
    " LEFT JOIN (SELECT stop_id, count(*) n FROM events WHERE type='visit_started' AND"
    " ts >= :from AND ts < :to GROUP BY stop_id) c ON c.stop_id = s.id"
    " WHERE (:stop = '' OR s.id = :stop)",
}


def minute(ms):
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ms // 1000))


def norm(kind, v):
    """One cell as comparable text/number; NULL and '' are both ''."""
    if v is None or v == "":
        return ""
    if kind == "i":
        return int(float(v))
    if kind == "r":
        return float(str(v).replace(",", "."))
    return str(v)


def same(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, float) or isinstance(y, float):
            if x == "" or y == "" or abs(float(x) - float(y)) > 0.006:
                if not (x == "" and y == ""):
                    return False
        elif x != y:
            return False
    return True


def read_csv(folder, name):
    with open(os.path.join(folder, name + ".csv"), newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))[1:]
    return [[norm(k, v) for k, v in zip(KINDS[name], r)] for r in rows]


def read_json(d, name):
    out = []
    for r in d["tables"][name]:
        row = []
        for k, v in zip(KINDS[name], r.values()):
            if k == "d" and v is not None:
                v = v[:16].replace("T", " ")
            row.append(norm(k, v))
        out.append(row)
    return out


def xlsx_tables(path):
    z = zipfile.ZipFile(path)
    names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        sx = z.read("xl/sharedStrings.xml").decode()
        shared = [unescape("".join(re.findall(r"<t[^>]*>([^<]*)</t>", si)))
                  for si in re.findall(r"<si>(.*?)</si>", sx, re.S)]
    tables = {}
    for i, name in enumerate(names, 1):
        if name not in KINDS:
            continue
        xml = z.read(f"xl/worksheets/sheet{i}.xml").decode()
        rows = []
        for rx in re.findall(r"<row [^>]*>(.*?)</row>", xml, re.S)[1:]:
            cells = {}
            for ref, attrs, body in re.findall(r'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>)', rx,
                                               re.S):
                col = 0
                for ch in ref:
                    col = col * 26 + ord(ch) - 64
                t = re.search(r't="(\w+)"', attrs)
                t = t.group(1) if t else "n"
                if t == "s":
                    val = shared[int(re.search(r"<v>([^<]*)</v>", body).group(1))]
                elif t == "inlineStr":
                    val = unescape("".join(re.findall(r"<t[^>]*>([^<]*)</t>", body)))
                elif t == "str":
                    val = unescape(re.search(r"<v>([^<]*)</v>", body).group(1))
                else:
                    val = float(re.search(r"<v>([^<]*)</v>", body).group(1))
                cells[col - 1] = val
            row = []
            for c, k in enumerate(KINDS[name]):
                v = cells.get(c)
                if k == "d" and isinstance(v, float):
                    dt = datetime.datetime(1899, 12, 30) + datetime.timedelta(days=v)
                    dt = dt + datetime.timedelta(milliseconds=10)  # float days: not 09:59:59.99
                    v = dt.strftime("%Y-%m-%d %H:%M")
                row.append(norm(k, v))
            rows.append(row)
        tables[name] = rows
    return tables


def unescape(s):
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def reference(store, params):
    db = sqlite3.connect(store)
    out = {}
    for name, sql in REFERENCE.items():
        rows = []
        for r in db.execute(sql.replace("{F}", F_FULL), params):
            row = []
            for k, v in zip(KINDS[name], r):
                if k == "d" and v is not None:
                    v = minute(v)
                row.append(norm(k, v))
            rows.append(row)
        out[name] = rows
    return out


def key(row):
    return [str(x) if not isinstance(x, float) else f"{x:.1f}" for x in row]


def main():
    store, csvdir, xlsx, js = sys.argv[1:5]
    opts = dict(zip(sys.argv[5::2], sys.argv[6::2]))
    params = {"from": -2**63, "to": 2**63 - 1, "stop": opts.get("--stop", ""),
              "grp": opts.get("--group", "")}
    if "--from" in opts:
        params["from"] = int(time.mktime(time.strptime(opts["--from"], "%Y-%m-%d"))) * 1000
    if "--to" in opts:
        t = time.strptime(opts["--to"], "%Y-%m-%d")
        params["to"] = int(time.mktime((t.tm_year, t.tm_mon, t.tm_mday + 1, 0, 0, 0, 0, 0, -1)))
        params["to"] *= 1000
    ref = reference(store, params)
    x = xlsx_tables(xlsx)
    j = json.load(open(js, encoding="utf-8"))
    ok = True
    for name in KINDS:
        c, jj, xx = read_csv(csvdir, name), read_json(j, name), x[name]
        out_rows = len(c)
        print(f"rows.{name}={out_rows}")
        # The three formats: the same rows in the same order.
        for label, other in (("xlsx", xx), ("json", jj)):
            if len(other) != len(c) or not all(same(a, b) for a, b in zip(c, other)):
                print(f"differ.{name}.csv_{label}: {c[:3]} / {other[:3]}")
                ok = False
        if name in ref:
            a = sorted(c, key=key)
            b = sorted(ref[name], key=key)
            if len(a) != len(b) or not all(same(p, q) for p, q in zip(a, b)):
                miss = [r for r in b if not any(same(r, s) for s in a)][:3]
                extra = [r for r in a if not any(same(r, s) for s in b)][:3]
                print(f"differ.{name}.sql: {len(a)} vs {len(b)} rows; csv has {extra},"
                      f" SQL has {miss}")
                ok = False
    ts = [r[2] for r in read_csv(csvdir, "orders")]
    if ts != sorted(ts):
        print("differ.orders.order: not in time order")
        ok = False
    print(f"agree={int(ok)}")


main()

#!/usr/bin/python3
"""readback.py - reads an export of `minifab stats export` back the way its
reader would (tests/stats/test_export.c compares what it prints with direct
SQL counts of the store):

  csv DIR     Python's csv module, ';' and utf-8-sig, as a spreadsheet opens it
  xlsx FILE   unzip the workbook and read its XML (no office suite involved)
  json FILE   the json module
  pdf FILE    pdftotext (poppler), then the headline figures of page 1

Prints one `key=value` a line.
"""
import csv
import json
import os
import re
import subprocess
import sys
import zipfile


def out(key, value):
    print(f"{key}={value}")


def read_csv(folder):
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            out(f"bom.{name}", int(f.read(3) == b"\xef\xbb\xbf"))
        if not name.endswith(".csv"):
            continue
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f, delimiter=";"))
        table = name[:-4]
        out(f"rows.{table}", len(rows) - 1)
        out(f"columns.{table}", len(rows[0]))
        widths = {len(r) for r in rows}
        out(f"rectangular.{table}", int(widths == {len(rows[0])}))
        if table == "visits" and len(rows) > 1:
            head = rows[0]
            dates = all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r[head.index("start")])
                        for r in rows[1:])
            out("visits.dates_ok", int(dates))
            out("visits.decimal_comma",
                int(all(re.fullmatch(r"-?\d+,\d\d", r[head.index("duration_s")])
                        for r in rows[1:])))
            sat = [int(r[head.index("satisfaction")]) for r in rows[1:]
                   if r[head.index("satisfaction")] != ""]
            out("visits.satisfaction_sum", sum(sat))
            out("visits.quiz_correct_sum", sum(int(r[head.index("quiz_correct")])
                                               for r in rows[1:]))
        if table == "questions":
            head = rows[0]
            out("questions.answered_sum", sum(int(r[head.index("answered")]) for r in rows[1:]))
    readme = open(os.path.join(folder, "README.txt"), encoding="utf-8-sig").read()
    out("readme.lines", len([l for l in readme.splitlines() if l.startswith("  ")]))


def read_xlsx(path):
    z = zipfile.ZipFile(path)
    wb = z.read("xl/workbook.xml").decode()
    names = re.findall(r'<sheet name="([^"]+)"', wb)
    out("sheets", ",".join(names))
    styles = z.read("xl/styles.xml").decode()
    out("date_format", int("yyyy-mm-dd hh:mm" in styles))
    for i, name in enumerate(names, 1):
        xml = z.read(f"xl/worksheets/sheet{i}.xml").decode()
        out(f"rows.{name}", len(re.findall(r"<row ", xml)) - (0 if name == "summary" else 1))
        if name != "summary":
            out(f"frozen.{name}", int('state="frozen"' in xml))
            out(f"widths.{name}", int("<cols>" in xml))
        if name == "summary":
            m = re.search(r'<c r="B(\d+)"[^>]*><v>([^<]+)</v>', xml)
        if name == "visits":
            # the start column (C) holds numbers with a date style, not strings
            cells = re.findall(r'<c r="C\d+" s="(\d+)"[^>]*><v>([0-9.]+)</v>', xml)
            out("visits.date_cells", len(cells))


def read_json(path):
    d = json.load(open(path, encoding="utf-8"))
    out("format", d["format"])
    for k in ("visits", "events", "orders", "satisfied", "satisfaction_answers",
              "quiz_answers", "quiz_correct", "videos", "perception_pairs"):
        out(f"summary.{k}", d["summary"][k])
    for name, rows in d["tables"].items():
        out(f"rows.{name}", len(rows))
    out("events.first_type", d["tables"]["events"][0]["type"] if d["tables"]["events"] else "")


def read_pdf(path):
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True,
                          check=True).stdout.decode()
    pages = text.split("\f")
    out("pages", len([p for p in pages if p.strip()]))
    lines = pages[0].splitlines()

    def tile_row(first_label):
        for i, l in enumerate(lines):
            if l.strip().startswith(first_label):
                for v in lines[i + 1:]:
                    if v.strip():
                        return re.split(r"\s{2,}", v.strip())
        return []

    row1 = tile_row("Visites")
    row2 = tile_row("Commandes")
    out("visits", row1[0] if row1 else "")
    out("satisfied", row1[1] if len(row1) > 1 else "")
    out("shift", row1[2] if len(row1) > 2 else "")
    out("orders", row2[0] if row2 else "")
    out("videos", row2[1] if len(row2) > 1 else "")
    out("quiz", row2[2] if len(row2) > 2 else "")
    out("has_missed_section", int("questions du quiz les plus manquées" in text))


{"csv": read_csv, "xlsx": read_xlsx, "json": read_json, "pdf": read_pdf}[sys.argv[1]](sys.argv[2])

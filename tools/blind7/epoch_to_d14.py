"""The user-side workaround of gap G1 (phase 1): rewrite epoch-millisecond time cells as 14-digit local times.

    python tools/blind7/epoch_to_d14.py IN.csv OUT.csv COLUMN...

Rexian read no epoch times (docs/importing.md names none), so the visit and call tables of the dump were rejected
row by row. This copies a CSV (any encoding Python can detect here: UTF-8 with BOM, else GB18030) and rewrites the
named columns: a 13-digit number becomes YYYYMMDDHHMMSS in UTC+8. Written as UTF-8 with BOM.
"""

import csv
import sys
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))


def main():
    src, dst, *cols = sys.argv[1:]
    raw = open(src, "rb").read()
    text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gb18030")
    rows = list(csv.reader(text.splitlines()))
    header = rows[0]
    idx = [header.index(c) for c in cols]
    for r in rows[1:]:
        for i in idx:
            if i < len(r) and r[i].isdigit() and len(r[i]) == 13:
                r[i] = datetime.fromtimestamp(int(r[i]) / 1000, CST).strftime("%Y%m%d%H%M%S")
    with open(dst, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


if __name__ == "__main__":
    main()

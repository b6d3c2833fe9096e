"""Where an import's memory goes: one fast-path import in this process, memory printed as batches commit.

    PYTHONPATH=src /usr/bin/time -v python benchmarks/import_memory.py EVENTS.parquet DB.sqlite [--every 20]

EVENTS: an interchange events file (`rexian simulate --out DIR --format parquet` writes DIR/events.parquet).
After the first two batches and every `--every`-th, one line: resident memory (and its high-water mark),
glibc's main heap in use and free (SQLite's page cache lives there; `mallinfo2` counts the main arena only),
Arrow's live allocation, pymalloc's arenas and the number of objects Python's collector tracks; then the CPU
seconds and peak. Used for docs/speed.md, "Eleventh pass" (Linux with glibc only). Run it under `nice` on a
shared machine; the before code with `PYTHONPATH=OLD/src`.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import resource
import sys
import tempfile
import time


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]


def resident_mb() -> tuple[int, int]:
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def pymalloc_mb() -> tuple[int, int]:
    """(arenas allocated, MB in allocated blocks), from sys._debugmallocstats (which writes to stderr)."""
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        found = {}
        for line in out:
            if "=" in line:
                key, value = line.rsplit("=", 1)
                value = value.strip().replace(",", "")
                if value.isdigit():
                    found[key.strip()] = int(value)
    return found.get("# arenas allocated current", 0), found.get("# bytes in allocated blocks", 0) >> 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("events")
    parser.add_argument("db")
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument("--source", default="city")
    args = parser.parse_args()

    import pyarrow as pa

    from rexian.adapters.database import make_engine, migrate
    from rexian.importing.mapping import mapping_from_dict
    from rexian.importing.pipeline import import_to_database

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2

    def probe(number: int) -> None:
        if number % args.every and number > 2:
            return
        rss, high = resident_mb()
        heap = libc.mallinfo2()
        arenas, blocks = pymalloc_mb()
        print(f"batch {number:5d}  rss {rss:6,d} MB (peak {high:,d})  heap in use {heap.uordblks >> 20:5,d} MB, free "
              f"{heap.fordblks >> 20:5,d}  arrow {pa.total_allocated_bytes() >> 20:5,d} MB  pymalloc {arenas} "
              f"arenas, {blocks} MB  tracked objects {len(gc.get_objects()):,d}  cpu {time.process_time():.1f} s",
              flush=True)

    engine = make_engine(f"sqlite:///{args.db}")
    migrate(engine)
    columns = ("ticket_id", "at", "action", "actor_id", "actor_unit_id", "target_unit_id", "payload", "source")
    mapping = mapping_from_dict({"source": args.source, "columns": {name: name for name in columns}})
    report = import_to_database(engine, [args.events], mapping, 500, after_batch=probe)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"events {report.events_added:,d}  CPU {usage.ru_utime + usage.ru_stime:.1f} s  "
          f"peak {usage.ru_maxrss // 1024:,d} MB  load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

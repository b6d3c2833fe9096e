"""Python's cycle collector held back while an analysis runs in its own process.

An analysis allocates millions of small objects (rows, findings, the workbook's cells) that are freed by
reference counting, and nearly none that sit in cycles. The collector's default (a pass per 700 net
allocations) still ran about 600 passes over that growing heap in a warm analysis of a small log and
collected a few thousand objects: ≈ 0.25 CPU s of ≈ 2.7 (docs/speed.md, eleventh pass). One pass per
50,000 net allocations finds the same cycles later, at a fiftieth of the passes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

ALLOCATIONS_PER_PASS = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The youngest generation collected every `ALLOCATIONS_PER_PASS` net allocations inside the block; the
    thresholds as they were after it (a test runner or server in the same process keeps its own)."""
    before = gc.get_threshold()
    gc.set_threshold(ALLOCATIONS_PER_PASS, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)

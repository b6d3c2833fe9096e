"""Each JSON or XML document file parsed once per run.

A mapping reads one export in several parts — the flow records, the ticket sheet, each event sheet, the call
records — and for a JSON page or an XML package every part is a path into the same file. Without this, each part
read the file and parsed it again (three parses of every package for blind test 10's mapping). Within `one_run()`
a parsed document is kept by the file's identity (path, size, modification time) and the decoding it was read
with, and handed to the next part; outside it (suggest's sampling, a single `read_rows`) nothing is kept. The
documents are only read by the parts (json_documents flattens into new rows), never changed, so sharing one is
safe; the cache ends with the run, so it holds no memory after it."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable, Iterator

_DOCUMENTS: ContextVar[dict[tuple, Any] | None] = ContextVar("parsed_documents", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """Within the block, `parsed` keeps each file's document for the next part that reads it."""
    token = _DOCUMENTS.set({})
    try:
        yield
    finally:
        _DOCUMENTS.reset(token)


def parsed(path: Path, how: str, parse: Callable[[], Any]) -> Any:
    """The document `parse()` makes of `path` read as `how` (the format and encoding): parsed once within a run.
    A parse that raises is not kept (its error is reported by each part, as before)."""
    documents = _DOCUMENTS.get()
    if documents is None:
        return parse()
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, how)
    if key not in documents:
        documents[key] = parse()
    return documents[key]

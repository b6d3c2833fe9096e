"""Reply scores and misconduct readings remembered between analyses, in the directory of the remembered SQL.

Scoring a reply (segmenting the complaint with jieba, comparing character n-grams, reading formula
sentences) is the costliest step of an analysis of a small log: PR-BOILERPLATE and PR-OFF-TOPIC judge every
reply; next come the misconduct rules reading every complaint. The answers follow from the texts and the
text module alone, so a second analysis of the same log (or of one that shares texts) reads them from a
file instead of judging again.

The file's name holds a key of everything the scores depend on: the code and data files of `rexian.text`,
the port adapter, jieba's version and the text configuration (user dictionary and its content). Any change
is a new file; nothing stale is ever read. Only the default text port is remembered this way (another port
is another judge). The file written holds the scores of the run that wrote it, so it stays the size of one
log.

The normalised form of each text the rules measure is kept too (under `NORMALISED`, by a digest of the text;
null when normalising leaves the text as it is, as for most texts): a warm run of a small log otherwise
normalised its 8,760 replies and complaints again, about a twentieth of its time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from rexian.analytics.json_text import dumps
from rexian.analytics.text_port import Misconduct, ReplyScores

NORMALISED = "normalised"  # the file's entry of normalised texts (every other entry is keyed by a sha1 digest)


class StoredTextAnswers:
    """A `reply_scores` answer per distinct (reply, complaint, other replies, title) and a
    `detect_misconduct` answer per distinct text, read from and written to one JSON file in `directory`."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._used: dict[str, Any] = {}
        self._used_normalised: dict[str, str | None] = {}

    @cached_property
    def path(self) -> Path:
        # Found when a text is first judged: keying the file reads the whole text package, which an analysis
        # judging no text (an export without replies or complaint texts) does not need.
        return self.directory / f"text-answers-{_text_key()}.json"

    @cached_property
    def _stored(self) -> dict[str, Any]:
        return self._read()

    @cached_property
    def _stored_normalised(self) -> dict[str, str | None]:
        found = self._stored.get(NORMALISED)
        return found if isinstance(found, dict) else {}

    def reply_scores(self, reply: str, complaint: str, others: Sequence[str], title: str | None,
                     judge: Callable[[], ReplyScores]) -> ReplyScores:
        """The stored scores, or `judge()`'s (then stored)."""
        key = _key("reply", reply, complaint, list(others), title)
        found = self._stored.get(key)
        if found is not None:
            self._used[key] = found
            return ReplyScores(*found)
        scores = judge()
        self._used[key] = [scores.boilerplate, scores.relevance, scores.duplicates, scores.explanation]
        return scores

    def misconduct(self, text: str, judge: Callable[[], list[Misconduct]]) -> list[Misconduct]:
        """The stored readings of `text`, or `judge()`'s (then stored)."""
        key = _key("misconduct", text)
        found = self._stored.get(key)
        if found is not None:
            self._used[key] = found
            return [Misconduct(**fields) for fields in found]
        readings = judge()
        self._used[key] = [asdict(reading) for reading in readings]
        return readings

    def normalised(self, text: str, judge: Callable[[], str]) -> str:
        """The stored normalised form of `text`, or `judge()`'s (then stored)."""
        if not isinstance(text, str):
            return judge()
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()[:24]
        if key in self._stored_normalised:
            found = self._stored_normalised[key]
            self._used_normalised[key] = found
            return text if found is None else found
        normal = judge()
        self._used_normalised[key] = None if normal == text else normal
        return normal

    def save(self) -> None:
        """Written whole or not at all; only when this run judged something new (a warm run writes nothing)."""
        new = not self._used.keys() <= self._stored.keys()
        if not new and self._used_normalised.keys() <= self._stored_normalised.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({**self._used, NORMALISED: self._used_normalised}, out, ensure_ascii=False)
            os.replace(temporary, self.path)
        except OSError:  # a read-only or full disk only costs the next run the scoring
            pass

    def _read(self) -> dict[str, Any]:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return stored if isinstance(stored, dict) else {}


def _key(*parts) -> str:
    described = dumps(parts)  # json.dumps(parts, ensure_ascii=False), without a new encoder per key
    return hashlib.sha1(described.encode("utf-8")).hexdigest()


def _text_key() -> str:
    from rexian.text import config

    digest = hashlib.sha256(_text_code_hash().encode())
    user_dict = config.current().user_dict
    digest.update(repr(user_dict).encode())
    if user_dict and Path(user_dict).is_file():
        digest.update(Path(user_dict).read_bytes())
    return digest.hexdigest()[:24]


@lru_cache(maxsize=1)
def _text_code_hash() -> str:
    from importlib.metadata import version

    from rexian.text import config

    text_package = Path(config.__file__).parent
    digest = hashlib.sha256(version("jieba").encode())
    files = [*sorted(text_package.rglob("*.py")), *sorted((text_package / "data").rglob("*")),
             Path(__file__).with_name("text_module_port.py"), Path(__file__).with_name("text_port.py")]
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()

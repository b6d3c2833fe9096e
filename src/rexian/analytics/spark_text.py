"""The text port at Spark scale: the port's answers computed on the executors in batched pandas UDFs.

The text rules (rules_text.py) read candidate rows through `data.rows(...)` and ask the port about each
row. On Spark, `SparkData.rows` hands those rows to `answer_on_executors` first: a `mapInPandas` UDF
(Arrow batches) that calls the port — shipped to every executor in the UDF's closure, with its lexicons
and models — for each row's words, and returns the answers beside the row. The driver then runs the very
same rule function with `BatchedTextPort`, which answers from those precomputed results (and from the
wrapped port for anything not precomputed, so an answer is never different from the port's own).

Rows of citizen words in which the port finds no misconduct at all are dropped on the executors: no text
rule can report on them, and at province scale they are nearly all of the rows.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import Any

import pandas as pd

from rexian.analytics.text_port import (
    Misconduct,
    ReplyScores,
    TextPort,
    default_text_port,
    reply_scores_titled,
)

ANSWERS = "_port_answers"


def _clean_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _answer_rows(port: TextPort, frame: pd.DataFrame) -> pd.DataFrame:
    """One batch on an executor: the port's answers for each row, pickled into ANSWERS."""
    answers = []
    keep = []
    for row in frame.itertuples(index=False):
        found: dict[str, Any] = {}
        if hasattr(row, "words"):
            hits = port.detect_misconduct(row.words)
            found["misconduct"] = {row.words: hits}
            keep.append(bool(hits))
        else:
            keep.append(True)
        if hasattr(row, "reply") and isinstance(row.reply, str):
            content = row.content if isinstance(row.content, str) else ""
            title = _clean_text(getattr(row, "title", None))
            found["scores"] = {(row.reply, content, title): reply_scores_titled(port, row.reply, content, [], title)}
            found["normalised"] = {row.reply: port.normalise(row.reply), content: port.normalise(content)}
        answers.append(pickle.dumps(found))
    out = frame.assign(**{ANSWERS: answers})
    return out[keep] if len(out) else out


def answer_on_executors(data, expr, port: TextPort) -> pd.DataFrame:
    """The rows of the Ibis expression `expr` with the port's answers, computed where the rows are."""
    from pyspark.sql.types import BinaryType, StructField, StructType

    spark = data.spark
    frame = spark.sql(str(data.con.compile(expr)))
    schema = StructType(frame.schema.fields + [StructField(ANSWERS, BinaryType())])

    def batches(iterator):
        for batch in iterator:
            yield _answer_rows(port, batch)

    view = f"_text_rows_{abs(hash(str(expr))) % 10**9}"
    frame.mapInPandas(batches, schema).createOrReplaceTempView(view)
    return data.con.table(view).execute()


class BatchedTextPort:
    """The port the rules see on Spark: answers gathered from the executors, the wrapped port otherwise."""

    def __init__(self, data, port: TextPort | None = None):
        self.port = port or default_text_port()
        self.misconduct: dict[str, list[Misconduct]] = {}
        self.scores: dict[tuple, ReplyScores] = {}
        self.normalised: dict[str, str] = {}
        data.text_port = self

    def absorb(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Take the answers out of rows fetched by `answer_on_executors`."""
        if ANSWERS not in frame.columns:
            return frame
        for blob in frame[ANSWERS]:
            found = pickle.loads(blob)
            self.misconduct.update(found.get("misconduct", {}))
            self.scores.update(found.get("scores", {}))
            self.normalised.update(found.get("normalised", {}))
        return frame.drop(columns=[ANSWERS])

    def detect_misconduct(self, text: str) -> list[Misconduct]:
        if text in self.misconduct:
            return self.misconduct[text]
        return self.port.detect_misconduct(text)

    def reply_scores(self, reply: str, complaint: str, other_replies_of_unit: Sequence[str],
                     title: str | None = None) -> ReplyScores:
        key = (reply, complaint or "", title or None)
        if not other_replies_of_unit and key in self.scores:
            return self.scores[key]
        return reply_scores_titled(self.port, reply, complaint, other_replies_of_unit, title)

    def same_matter(self, a: str, b: str) -> float:
        return self.port.same_matter(a, b)

    def normalise(self, text: str) -> str:
        if text in self.normalised:
            return self.normalised[text]
        return self.port.normalise(text)

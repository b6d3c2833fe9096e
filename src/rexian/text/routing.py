"""Routing (智能派单): suggest the category and the lead unit of a ticket from its words.

A scikit-learn pipeline per target: character 1-3-gram TF-IDF on the normalised text (robust to the
segmentation of place names and to typos, and fast) feeding a multinomial logistic regression, whose
probabilities are the confidences shown to the dispatcher. A model file (joblib) holds one pipeline for
`category` and, when the training data had it, one for `lead_unit`. The packaged default model
(data/router_default.joblib) is trained on the generated corpus (corpus.py); if that file cannot be
loaded (e.g. another scikit-learn version) it is rebuilt in memory from the same corpus.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from rexian.text.normalisation import normalise

log = logging.getLogger(__name__)
MODEL_FORMAT = 1
DEFAULT_MODEL_RESOURCE = "data/router_default.joblib"
# Anonymised or generic place codes (A市, A3区) say nothing about the category; digits neither.
_CODES = re.compile(r"[A-Za-z]+\d*(?=[市区县镇])|\d+")


# The first few hundred characters (title twice, then the start of the content) carry the category;
# the rest of a long letter adds time, not accuracy (5-fold macro-F1 on the Teddy sample: 200 chars
# 0.826, 400 chars 0.838, 600 chars 0.817, all 0.824).
MAX_CHARS = 400


def prepare_text(text: str) -> str:
    """The form the vectoriser sees: normalised, codes and digits folded to one symbol."""
    return _CODES.sub("0", normalise(text[:MAX_CHARS]))


def routing_text(title: str | None, content: str | None, address: str | None = None) -> str:
    # The title says in a few words what the matter is: it counts twice.
    parts = [part for part in (title, title, content) if part and str(part) != "nan"]
    text = "。".join(str(part) for part in parts)
    if address and str(address) != "nan":
        text += f"。地址：{address}"
    return text


def make_pipeline(min_class_count: int = 3):
    """Char 1-2-gram TF-IDF + linear SVM (class-balanced), calibrated to probabilities.

    Chosen on the Teddy sample by 5-fold CV (see docs/text.md): char 1-2 grams beat 1-3 and 2-4 grams,
    words, and logistic regression, and train in a fraction of the time.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    svm = LinearSVC(C=1.0, class_weight="balanced")
    folds = min(3, min_class_count)
    model = CalibratedClassifierCV(svm, cv=folds, method="sigmoid", ensemble=False) if folds >= 2 else svm
    return Pipeline([
        ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True,
                                  preprocessor=prepare_text, dtype=np.float32)),
        ("model", model),
    ])


@dataclass
class TrainingReport:
    target: str
    rows: int
    labels: dict[str, int]
    cv_folds: int
    macro_f1: float | None
    accuracy: float | None
    per_label_f1: dict[str, float] = field(default_factory=dict)


def cross_validate(texts: list[str], labels: list[str], folds: int = 5, seed: int = 0) -> TrainingReport:
    """Stratified k-fold predictions of a fresh pipeline: macro-F1, accuracy and F1 per label."""
    from collections import Counter

    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    counts = Counter(labels)
    usable_folds = min(folds, min(counts.values())) if counts else 0
    if usable_folds < 2 or len(counts) < 2:
        return TrainingReport("", len(labels), dict(counts), 0, None, None)
    splitter = StratifiedKFold(n_splits=usable_folds, shuffle=True, random_state=seed)
    smallest_training_fold = min(counts.values()) * (usable_folds - 1) // usable_folds
    predicted = cross_val_predict(make_pipeline(smallest_training_fold), texts, labels, cv=splitter, n_jobs=None)
    names = sorted(counts)
    per_label = f1_score(labels, predicted, labels=names, average=None)
    return TrainingReport("", len(labels), dict(counts), usable_folds,
                          float(f1_score(labels, predicted, average="macro")), float(accuracy_score(labels, predicted)),
                          {name: round(float(score), 3) for name, score in zip(names, per_label)})


class Router:
    """Loaded routing model: `suggest(text, address=None, k=3)` -> [(label, confidence)]."""

    def __init__(self, pipelines: dict, meta: dict | None = None):
        self.pipelines = pipelines
        self.meta = meta or {}

    @property
    def targets(self) -> list[str]:
        return list(self.pipelines)

    def suggest(self, text: str, address: str | None = None, k: int = 3, target: str = "category") -> list[tuple[str, float]]:
        return self.suggest_many([text], [address], k=k, target=target)[0]

    def suggest_many(self, texts: list[str], addresses: list[str | None] | None = None, k: int = 3,
                     target: str = "category") -> list[list[tuple[str, float]]]:
        pipeline = self.pipelines.get(target)
        if pipeline is None:
            return [[] for _ in texts]
        addresses = addresses or [None] * len(texts)
        documents = [routing_text(None, text, address) for text, address in zip(texts, addresses)]
        probabilities = pipeline.predict_proba(documents)
        classes = pipeline.classes_
        result = []
        for row in probabilities:
            best = row.argsort()[::-1][:k]
            result.append([(str(classes[index]), round(float(row[index]), 4)) for index in best])
        return result

    def save(self, path: str | Path) -> Path:
        import joblib

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": MODEL_FORMAT, "pipelines": self.pipelines, "meta": self.meta}, path, compress=3)
        return path


def train_router(texts: list[str], categories: list[str], lead_units: list[str | None] | None = None, *,
                 folds: int = 5, evaluate: bool = True) -> tuple[Router, list[TrainingReport]]:
    """Fit the category (and lead-unit, when given) pipelines; cross-validate each first."""
    from collections import Counter

    import sklearn

    pipelines, reports = {}, []
    targets = {"category": categories}
    if lead_units is not None and any(lead_units):
        targets["lead_unit"] = lead_units
    for target, labels in targets.items():
        rows = [(text, str(label)) for text, label in zip(texts, labels) if label is not None and str(label) not in ("", "nan")]
        counts = Counter(label for _, label in rows)
        # A label seen once cannot be learned or validated; it is reported and left out.
        rows = [row for row in rows if counts[row[1]] >= 2]
        x, y = [row[0] for row in rows], [row[1] for row in rows]
        report = cross_validate(x, y, folds) if evaluate else TrainingReport("", len(y), {}, 0, None, None)
        report.target = target
        reports.append(report)
        pipeline = make_pipeline(min(Counter(y).values()))
        pipeline.fit(x, y)
        pipelines[target] = pipeline
    meta = {"sklearn_version": sklearn.__version__, "reports": [report.__dict__ for report in reports]}
    return Router(pipelines, meta), reports


def load_router(path: str | Path | None = None) -> Router:
    """The model at `path`, else the one the settings name, else the packaged default."""
    import joblib

    if path is None:
        from rexian.settings import load_settings

        path = load_settings().text_router_model
    if path is not None:
        return _router_from(joblib.load(Path(path)))
    return default_router()


def _router_from(blob: dict) -> Router:
    if not isinstance(blob, dict) or blob.get("format") != MODEL_FORMAT:
        raise ValueError("not a rexian routing model file")
    return Router(blob["pipelines"], blob.get("meta"))


@lru_cache(maxsize=1)
def default_router() -> Router:
    import joblib
    import sklearn

    resource = resources.files("rexian.text").joinpath(DEFAULT_MODEL_RESOURCE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a version-mismatch warning means: rebuild
            with resources.as_file(resource) as file:
                router = _router_from(joblib.load(file))
        if router.meta.get("sklearn_version") == sklearn.__version__:
            return router
    except Exception as problem:  # noqa: BLE001 - any failure to load means: rebuild from the corpus
        log.warning("packaged routing model not usable (%s); training it from the generated corpus", problem)
    return build_default_router()


def build_default_router() -> Router:
    from rexian.text.corpus import generate_corpus

    rows = generate_corpus()
    router, _ = train_router([text for text, _ in rows], [label for _, label in rows], evaluate=False)
    router.meta["trained_on"] = "generated corpus (rexian.text.corpus)"
    return router


def suggest_route(text: str, address: str | None = None, k: int = 3, target: str = "category",
                  router: Router | None = None) -> list[tuple[str, float]]:
    """Top-k (label, confidence) for a ticket's text with the configured (or default) router."""
    return (router or _configured_router()).suggest(text, address, k=k, target=target)


@lru_cache(maxsize=1)
def _configured_router() -> Router:
    return load_router()


suggest = suggest_route

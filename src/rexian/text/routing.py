"""Routing (智能派单): suggest the category and the lead unit of a ticket from its words.

A scikit-learn pipeline per target: character 1-2-gram TF-IDF on the normalised text (robust to the
segmentation of place names and to typos, and fast) feeding a calibrated linear SVM, whose probabilities
are the confidences shown to the dispatcher. A model file (joblib) holds one pipeline for `category` and,
when the training data had it, one for `lead_unit`; its meta data carries the names of the labels
(0201 -> 油烟污染, D02 -> 市生态环境局) and the parent of each category, so `category_top` (the first level,
02 环境保护) is the sum of its leaves' probabilities. The packaged default model
(data/router_default.joblib) is written by `rexian train-router` from the simulator's city (docs/text.md);
if that file cannot be loaded (e.g. another scikit-learn version) a smaller one is trained in memory from
the same simulator.
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

from rexian.text import config
from rexian.text.normalisation import normalise

log = logging.getLogger(__name__)
MODEL_FORMAT = 1
DEFAULT_MODEL_RESOURCE = "data/router_default.joblib"
# The packaged default: `rexian train-router --from-simulation 10000 --seed 1` (docs/text.md).
DEFAULT_SIMULATION = {"tickets": 10000, "seed": 1}
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
    return cross_validate_levels(texts, labels, folds, seed)[0]


def cross_validate_levels(texts: list[str], labels: list[str], folds: int = 5, seed: int = 0,
                          parents: dict[str, str] | None = None) -> list[TrainingReport]:
    """`cross_validate`'s report and, with `parents` (category -> first-level category), the report of
    the first level from the same predictions mapped to their parents: [leaf report, top report]."""
    from collections import Counter

    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    counts = Counter(labels)
    usable_folds = min(folds, min(counts.values())) if counts else 0
    if usable_folds < 2 or len(counts) < 2:
        empty = [TrainingReport("", len(labels), dict(counts), 0, None, None)]
        return empty + [TrainingReport("", len(labels), {}, 0, None, None)] if parents else empty
    splitter = StratifiedKFold(n_splits=usable_folds, shuffle=True, random_state=seed)
    smallest_training_fold = min(counts.values()) * (usable_folds - 1) // usable_folds
    predicted = cross_val_predict(make_pipeline(smallest_training_fold), texts, labels, cv=splitter, n_jobs=None)
    reports = [_report(labels, list(predicted), usable_folds)]
    if parents:
        reports.append(_report([parents.get(label, label) for label in labels],
                               [parents.get(label, label) for label in predicted], usable_folds))
    return reports


def _report(labels: list[str], predicted: list[str], folds: int) -> TrainingReport:
    from collections import Counter

    from sklearn.metrics import accuracy_score, f1_score

    counts = Counter(labels)
    names = sorted(counts)
    per_label = f1_score(labels, predicted, labels=names, average=None)
    return TrainingReport("", len(labels), dict(counts), folds,
                          float(f1_score(labels, predicted, labels=names, average="macro")),
                          float(accuracy_score(labels, predicted)),
                          {name: round(float(score), 3) for name, score in zip(names, per_label)})


_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer collapses


class CharTfidf:
    """The transform of a fitted char 1-2-gram TfidfVectorizer (sublinear tf, l2 norm), vectorised with
    numpy: every text's code points at once, n-grams as integer keys, looked up in the sorted vocabulary.
    Same matrix as `vectoriser.transform` (tested), several times faster on long letters."""

    def __init__(self, vectoriser):
        grams = list(vectoriser.vocabulary_)
        keys = np.fromiter((self._key(gram) for gram in grams), dtype=np.int64, count=len(grams))
        columns = np.fromiter((vectoriser.vocabulary_[gram] for gram in grams), dtype=np.int64, count=len(grams))
        order = np.argsort(keys)
        self.keys, self.columns = keys[order], columns[order]
        self.idf = np.asarray(vectoriser.idf_, dtype=np.float32)
        self.preprocess = vectoriser.build_preprocessor()
        self.width = len(grams)

    @staticmethod
    def fits(vectoriser) -> bool:
        return (vectoriser.analyzer == "char" and tuple(vectoriser.ngram_range) == (1, 2) and vectoriser.sublinear_tf
                and vectoriser.use_idf and vectoriser.norm == "l2" and vectoriser.preprocessor is not None
                and all(len(gram) in (1, 2) for gram in list(vectoriser.vocabulary_)[:50]))

    @staticmethod
    def _key(gram: str) -> int:
        # Code points are < 2**21: a unigram is its code point, a bigram sits above all unigrams.
        return ord(gram) if len(gram) == 1 else ((ord(gram[0]) + 1) << 21) + ord(gram[1])

    def transform(self, texts: list[str]):
        from scipy.sparse import csr_matrix
        from sklearn.preprocessing import normalize

        documents = [_WHITE_SPACES.sub(" ", self.preprocess(text)) for text in texts]
        lengths = np.fromiter((len(document) for document in documents), dtype=np.int64, count=len(documents))
        codes = np.frombuffer("".join(documents).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        owner = np.repeat(np.arange(len(documents)), lengths)
        same = owner[:-1] == owner[1:]
        keys = np.concatenate([codes, (((codes[:-1] + 1) << 21) + codes[1:])[same]])
        rows = np.concatenate([owner, owner[:-1][same]])
        found = np.searchsorted(self.keys, keys).clip(0, max(len(self.keys) - 1, 0))
        known = self.keys[found] == keys if len(self.keys) else np.zeros(len(keys), dtype=bool)
        counts = csr_matrix((np.ones(int(known.sum()), dtype=np.float32), (rows[known], self.columns[found[known]])),
                            shape=(len(documents), self.width), dtype=np.float32)
        counts.sum_duplicates()
        np.log(counts.data, out=counts.data)
        counts.data += 1
        counts.data *= self.idf[counts.indices]
        return normalize(counts, norm="l2", copy=False)


class Router:
    """Loaded routing model: `suggest(text, address=None, k=3)` -> [(label, confidence)]."""

    def __init__(self, pipelines: dict, meta: dict | None = None):
        self.pipelines = pipelines
        self.meta = meta or {}
        self._fast: dict[str, CharTfidf | None] = {}

    def probabilities(self, target: str, documents: list[str]):
        """predict_proba of the target's pipeline, through the fast TF-IDF transform when it applies."""
        pipeline = self.pipelines[target]
        if target not in self._fast:
            steps = getattr(pipeline, "named_steps", {})
            self._fast[target] = CharTfidf(steps["tfidf"]) if "tfidf" in steps and CharTfidf.fits(steps["tfidf"]) \
                else None
        fast = self._fast[target]
        if fast is None:
            return pipeline.predict_proba(documents)
        return pipeline.named_steps["model"].predict_proba(fast.transform(documents))

    @property
    def targets(self) -> list[str]:
        return list(self.pipelines) + (["category_top"] if "category" in self.pipelines and self.parents else [])

    @property
    def parents(self) -> dict[str, str]:
        """category -> its first-level category, when the training data had the category tree."""
        return self.meta.get("parents") or {}

    def label_name(self, label: str, target: str = "category") -> str:
        """The name a user sees for a label (0201 -> 油烟污染, D02 -> 市生态环境局); the label itself if unknown."""
        names = (self.meta.get("names") or {}).get("category" if target == "category_top" else target) or {}
        return names.get(label, label)

    def suggest(self, text: str, address: str | None = None, k: int = 3, target: str = "category") -> list[tuple[str, float]]:
        return self.suggest_many([text], [address], k=k, target=target)[0]

    def suggest_many(self, texts: list[str], addresses: list[str | None] | None = None, k: int = 3,
                     target: str = "category") -> list[list[tuple[str, float]]]:
        """Top-k (label, confidence) per text. `target`: category, lead_unit, or category_top (the
        first level, each leaf's probability added to its parent's)."""
        pipeline = self.pipelines.get("category" if target == "category_top" else target)
        if pipeline is None or (target == "category_top" and not self.parents):
            return [[] for _ in texts]
        addresses = addresses or [None] * len(texts)
        documents = [routing_text(None, text, address) for text, address in zip(texts, addresses)]
        probabilities = self.probabilities("category" if target == "category_top" else target, documents)
        classes = [str(label) for label in pipeline.classes_]
        if target == "category_top":
            tops = sorted({self.parents.get(label, label) for label in classes})
            column = {top: number for number, top in enumerate(tops)}
            summed = np.zeros((len(documents), len(tops)), dtype=probabilities.dtype)
            for number, label in enumerate(classes):
                summed[:, column[self.parents.get(label, label)]] += probabilities[:, number]
            probabilities, classes = summed, tops
        result = []
        for row in probabilities:
            best = row.argsort()[::-1][:k]
            result.append([(classes[index], round(float(row[index]), 4)) for index in best])
        return result

    def save(self, path: str | Path) -> Path:
        import joblib

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": MODEL_FORMAT, "pipelines": self.pipelines, "meta": self.meta}, path, compress=3)
        return path


def train_router(texts: list[str], categories: list[str], lead_units: list[str | None] | None = None, *,
                 folds: int = 5, evaluate: bool = True, names: dict[str, dict[str, str]] | None = None,
                 parents: dict[str, str] | None = None) -> tuple[Router, list[TrainingReport]]:
    """Fit the category (and lead-unit, when given) pipelines; cross-validate each first. `names`
    ({"category": {code: name}, "lead_unit": {id: name}}) and `parents` (category -> first level) go
    into the model for display and for the `category_top` target (reported from the category CV)."""
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
        with_top = target == "category" and bool(parents)
        if evaluate:
            found = cross_validate_levels(x, y, folds, parents=parents if with_top else None)
        else:
            found = [TrainingReport("", len(y), {}, 0, None, None) for _ in range(1 + with_top)]
        for report, name in zip(found, (target, "category_top")):
            report.target = name
            reports.append(report)
        pipeline = make_pipeline(min(Counter(y).values()))
        pipeline.fit(x, y)
        pipelines[target] = _slim(pipeline)
    meta = {"sklearn_version": sklearn.__version__, "reports": [report.__dict__ for report in reports],
            "names": names or {}, "parents": dict(parents or {})}
    return Router(pipelines, meta), reports


# Weights this small are set to zero so the model file compresses (10,000 simulated tickets: 2.9 -> 1.1 MB);
# on 2,000 held-out tickets no top-1 suggestion changed and no probability moved by more than 0.007.
PRUNE_BELOW = 0.01


def _slim(pipeline):
    """Smaller on disk, nearly the same predictions: no list of discarded n-grams, float32 weights, the
    smallest weights zero."""
    vectoriser = pipeline.named_steps["tfidf"]
    if hasattr(vectoriser, "stop_words_"):
        vectoriser.stop_words_ = None
    model = pipeline.named_steps["model"]
    for fitted in getattr(model, "calibrated_classifiers_", None) or [None]:
        svm = fitted.estimator if fitted is not None else model
        if hasattr(svm, "coef_"):
            svm.coef_ = np.where(np.abs(svm.coef_) < PRUNE_BELOW, 0, svm.coef_).astype(np.float32)
    return pipeline


def load_router(path: str | Path | None = None) -> Router:
    """The model at `path`, else the configured one (`TextConfig.router_model`), else the packaged default."""
    import joblib

    if path is None:
        path = config.current().router_model
    if path is not None:
        return _router_from(joblib.load(Path(path)))
    return default_router()


def _router_from(blob: dict) -> Router:
    if not isinstance(blob, dict) or blob.get("format") != MODEL_FORMAT:
        raise ValueError("not a rexian routing model file")
    return Router(blob["pipelines"], blob.get("meta"))


class ModelUnavailable(RuntimeError):
    """The packaged (or configured) routing model cannot be loaded: told, never silently retrained."""


@lru_cache(maxsize=1)
def default_router() -> Router:
    """The packaged routing model. A file that cannot be loaded is a ModelUnavailable error saying how
    to rebuild it; a model saved by another scikit-learn version is used with a warning in the log."""
    import joblib
    import sklearn

    resource = resources.files("rexian.text").joinpath(DEFAULT_MODEL_RESOURCE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the version is compared below, once, with a clear message
            with resources.as_file(resource) as file:
                router = _router_from(joblib.load(file))
    except Exception as problem:  # noqa: BLE001 - whatever failed, the remedy is the same
        raise ModelUnavailable(
            f"随包的智能派单模型无法载入（{problem}）：请运行 rexian train-router --from-simulation "
            f"{DEFAULT_SIMULATION['tickets']} --seed {DEFAULT_SIMULATION['seed']} --out router.joblib，"
            "并把设置项 text_router_model 指向生成的文件") from problem
    if router.meta.get("sklearn_version") != sklearn.__version__:
        log.warning("packaged routing model was saved by scikit-learn %s, running %s: rebuild it with "
                    "`rexian train-router` if suggestions look wrong", router.meta.get("sklearn_version"),
                    sklearn.__version__)
    return router


def interchange_labels(directory: str | Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Label names and the category tree from an interchange directory's categories and units files
    (empty when they are not there)."""
    import pandas as pd

    def table(name: str):
        for suffix, read in ((".parquet", pd.read_parquet), (".csv", lambda path: pd.read_csv(path, dtype=str))):
            if (Path(directory) / f"{name}{suffix}").exists():
                return read(Path(directory) / f"{name}{suffix}")
        return None

    names: dict[str, dict[str, str]] = {}
    parents: dict[str, str] = {}
    categories, units = table("categories"), table("units")
    if categories is not None and {"code", "name"} <= set(categories.columns):
        names["category"] = {str(code): str(name) for code, name in zip(categories["code"], categories["name"])}
        if "parent_code" in categories.columns:
            parents = {str(code): str(parent) for code, parent in zip(categories["code"], categories["parent_code"])
                       if isinstance(parent, str) and parent and parent != "nan"}
    if units is not None and {"unit_id", "name"} <= set(units.columns):
        names["lead_unit"] = {str(unit): str(name) for unit, name in zip(units["unit_id"], units["name"])}
    return names, parents


def suggest_route(text: str, address: str | None = None, k: int = 3, target: str = "category",
                  router: Router | None = None) -> list[tuple[str, float]]:
    """Top-k (label, confidence) for a ticket's text with the configured (or default) router."""
    return (router or _configured_router()).suggest(text, address, k=k, target=target)


@lru_cache(maxsize=1)
def _configured_router() -> Router:
    return load_router()


suggest = suggest_route

"""Chinese text intelligence for hotline tickets: the small, stable API the rules engine calls.

Everything is imported lazily (jieba, OpenCC, scikit-learn load only when first used), and nothing
here touches the network: dictionaries, lexicons and the default routing model ship in `data/`.

    normalise(text)                       canonical form (half-width, simplified, punctuation, spaces)
    mask_personal_data(text)              phone / ID-card / bank-card numbers masked
    find_personal_data(text)              where they are
    segment(text)                         words (jieba + hotline dictionary)
    detect_misconduct(text)               [{family, score, kind, act, doer, assertion, sentence, explanation ...}]
    reply_scores(reply, complaint, other_replies_of_unit=...)  boilerplate / specificity / relevance
    suggest_route(text, address=None, k=3)                     [(category, confidence)]
    same_matter(a, b)                     SameMatterResult(same, score, reasons ...)
    SameMatterIndex, link_batch           intake-time lookup and batch grouping
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "normalise": "rexian.text.normalisation",
    "mask_personal_data": "rexian.text.masking",
    "find_personal_data": "rexian.text.masking",
    "segment": "rexian.text.segmentation",
    "content_words": "rexian.text.segmentation",
    "detect_misconduct": "rexian.text.misconduct",
    "load_lexicon": "rexian.text.misconduct",
    "reply_scores": "rexian.text.replies",
    "is_perfunctory": "rexian.text.replies",
    "suggest_route": "rexian.text.routing",
    "load_router": "rexian.text.routing",
    "train_router": "rexian.text.routing",
    "same_matter": "rexian.text.matter_pairs",
    "place_keys": "rexian.text.places",
    "SameMatterIndex": "rexian.text.matter_index",
    "TermWeights": "rexian.text.matter_index",
    "link_batch": "rexian.text.matter_index",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rexian.text' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

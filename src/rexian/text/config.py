"""The text layer's configuration, handed in by the application (`rexian.bootstrap.configure_text`).

`text` reads no settings file and no environment itself: the wiring place turns the settings into a
`TextConfig` and calls `configure`. Used alone (a library, a notebook), text runs on its packaged data.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TextConfig:
    user_dict: Path | None = None  # extra segmentation words (jieba format)
    cache_dir: Path | None = None  # the segmenter's cache; this user's own directory in the system temporary one when None
    router_model: Path | None = None  # a model of `rexian train-router`; the packaged one when None
    misconduct_lexicon: Path | None = None  # extra misconduct phrases (YAML, shape of data/misconduct.yaml)
    same_matter_window_days: float = 30.0  # days back an earlier ticket counts as the same matter
    link_processes: int = 0  # processes that link a big batch of tickets; 0: one per core


_current = TextConfig()


def current() -> TextConfig:
    return _current


def configure(config: TextConfig) -> TextConfig:
    """Use `config` from now on (returns the previous one). What was built from the old configuration —
    the tokenizer, the configured router, the default lexicon — is built again on next use."""
    global _current
    previous, _current = _current, config
    if config != previous:
        segmentation = sys.modules.get("rexian.text.segmentation")
        if segmentation is not None and (config.user_dict, config.cache_dir) != (previous.user_dict,
                                                                                 previous.cache_dir):
            segmentation._TOKENIZER = None
        routing = sys.modules.get("rexian.text.routing")
        if routing is not None:
            routing._configured_router.cache_clear()
        misconduct = sys.modules.get("rexian.text.misconduct")
        if misconduct is not None:
            misconduct.default_lexicon.cache_clear()
    return previous

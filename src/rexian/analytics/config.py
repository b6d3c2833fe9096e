"""Rule configuration: the packaged `rules.yaml` defaults, deep-merged with an optional user file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def load_config(user_file: str | Path | None = None) -> dict[str, Any]:
    text = resources.files("rexian.analytics").joinpath("rules.yaml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    if user_file:
        override = yaml.safe_load(Path(user_file).read_text(encoding="utf-8")) or {}
        config = deep_merge(config, override)
    return config


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def rule_params(config: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return dict((config.get("rules") or {}).get(rule_id) or {})

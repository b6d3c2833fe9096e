"""Rexian (热线): a 12345 government-hotline work-order platform with a supervision-analytics engine."""

__version__ = "0.1.0"

"""Matching an export's headers to our fields by the words platforms use for them (`mapping suggest`)."""

from __future__ import annotations


def match_headers(headers: list[str], synonyms: dict[str, tuple[str, ...]], taken: set[str]) -> dict[str, str]:
    """Field → header: an exact (case-folded) synonym first, else the longest synonym inside a header."""
    found: dict[str, str] = {}
    folded = {header: header.casefold().strip() for header in headers}
    for exact in (True, False):
        for name, words in synonyms.items():
            if name in found:
                continue
            for word in words:  # in order of preference
                hits = [h for h, f in folded.items() if h not in taken and (f == word if exact else word in f)]
                if hits:
                    found[name] = hits[0]
                    taken.add(hits[0])
                    break
    return found

"""An indexed same-matter search: intake-time lookup and batch linking without comparing all pairs.

Each ticket is filed under a few *block keys*: its rarest character bigrams (probe terms), its named
places and its ~200 m coordinate cell. A query only looks at tickets sharing a block key within the
time window (newest first, at most `max_per_key` per key), keeps those sharing a place or cell or at
least two probe terms, and judges each with matter_pairs.decide. Bigram rarity (IDF) comes from the
ticket history the index is built from (`fit_weights`), frozen so scores do not drift as tickets arrive.

Storage is columnar (parallel lists of small tuples) so that a million tickets fit in a few hundred MB.
"""

from __future__ import annotations

import math
import os
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

import numpy

from rexian.text import config
from rexian.text.matter_pairs import (NEAR_METRES, PLACE_BONUS, PLACE_CONFLICT_PENALTY, PLACE_UNKNOWN_PENALTY,
                                     SAME_THRESHOLD, MatterFeatures, SameMatterResult, combined_similarity, decide,
                                     default_weight, distance_m, prepare, weigh)

PROBE_TERMS = 6
STRONG_MARGIN = 0.15
MAX_TERM_CANDIDATES = 60
PARALLEL_FROM = 20_000
GENERIC_PLACE_MIN_PARTNERS = 30
GENERIC_PLACE_PARTNER_SHARE = 0.5
CELL_DEGREES = 0.002  # about 200 m of latitude
NEAR_LATITUDE = math.degrees(NEAR_METRES * 1.01 / 6_371_000)


@dataclass
class MatterMatch:
    ticket_id: Any
    score: float
    same: bool
    reasons: list[str]
    received_at: datetime | None
    category: str | None


class TermWeights:
    """IDF of character bigrams over a ticket history; packaged defaults before any history is seen."""

    def __init__(self, document_frequency: Counter | None = None, documents: int = 0,
                 place_frequency: Counter | None = None, place_partners: dict[str, set] | None = None):
        self.df = document_frequency or Counter()
        self.n = documents
        self.place_df = place_frequency or Counter()
        self.place_partners = place_partners or {}
        self._max = math.log(self.n + 1) if self.n else 1.0
        self._weights: dict[str, float] = {}  # each bigram's weight, computed once (the counts are frozen)

    @classmethod
    def fit(cls, tickets: Iterable) -> "TermWeights":
        return cls.fit_prepared(prepare(ticket) for ticket in tickets)

    @classmethod
    def fit_prepared(cls, prepared: Iterable[MatterFeatures]) -> "TermWeights":
        df: Counter = Counter()
        place_df: Counter = Counter()
        partners: dict[str, set] = defaultdict(set)
        n = 0
        for item in prepared:
            df.update(item.terms.keys())
            place_df.update(item.places)
            for place in item.places:
                partners[place].update(other for other in item.places if other != place)
            n += 1
        return cls(df, n, place_df, dict(partners))

    def generic_place(self, key: str) -> bool:
        """A kind of place (医保定点医院) rather than a name: it turns up next to many different named
        places. A real place, even a hotspot named in hundreds of tickets, keeps the same few neighbours."""
        partners = len(self.place_partners.get(key, ()))
        return partners >= GENERIC_PLACE_MIN_PARTNERS and partners >= GENERIC_PLACE_PARTNER_SHARE * self.place_df[key]

    def __call__(self, gram: str) -> float:
        weight = self._weights.get(gram)
        if weight is None:
            weight = self._weights[gram] = self._weight(gram)
        return weight

    def _weight(self, gram: str) -> float:
        if self.n < 50:
            return default_weight(gram)
        # Generic bigrams stay weak even in a small history; unseen bigrams are the rarest of all.
        return max(0.1, math.log((self.n + 1) / (self.df.get(gram, 0) + 1))) * default_weight(gram)


def _cell(lon: float | None, lat: float | None) -> tuple[int, int] | None:
    if lon is None or lat is None:
        return None
    return int(math.floor(lon / CELL_DEGREES)), int(math.floor(lat / CELL_DEGREES))


class SameMatterIndex:
    """Tickets on file, searchable for earlier reports of the same matter."""

    def __init__(self, weights: TermWeights | None = None, window_days: float | None = None,
                 threshold: float = SAME_THRESHOLD, max_per_key: int = 200):
        self.weights = weights or TermWeights()
        self.window_days = configured_window_days() if window_days is None else window_days
        self.threshold = threshold
        self.max_per_key = max_per_key
        self._ids: list[Any] = []
        self._terms: list[tuple[tuple[str, float], ...]] = []
        self._norms: list[float] = []
        self._titles: list[tuple[tuple[str, float], ...]] = []
        self._title_norms: list[float] = []
        self._places: list[tuple[str, ...]] = []
        self._times: list[float] = []
        self._geo: list[tuple[float, float] | None] = []
        self._categories: list[Any] = []
        self._postings: dict[Any, list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._ids)

    def _features(self, ticket) -> MatterFeatures:
        return weigh(prepare(ticket), self.weights)

    @staticmethod
    def _keys(feature: MatterFeatures) -> list:
        keys: list = [("t", gram) for gram in list(feature.terms)[:PROBE_TERMS]]
        keys += [("p", place) for place in feature.places]
        cell = _cell(feature.lon, feature.lat)
        if cell:
            keys.append(("g", cell))
        return keys

    def add(self, ticket, feature: MatterFeatures | None = None) -> int:
        """File a ticket (add in time order: the window search relies on it)."""
        feature = feature or self._features(ticket)
        position = len(self._ids)
        self._ids.append(feature.ticket_id)
        self._terms.append(tuple(feature.terms.items()))
        self._norms.append(_norm(feature.terms))
        self._titles.append(tuple(feature.title_terms.items()))
        self._title_norms.append(_norm(feature.title_terms))
        self._places.append(feature.places)
        self._times.append(feature.at.timestamp() if feature.at else float("nan"))
        self._geo.append((feature.lon, feature.lat) if feature.lon is not None and feature.lat is not None else None)
        self._categories.append(feature.category)
        for key in self._keys(feature):
            self._postings[key].append(position)
        return position

    def _at(self, position: int) -> datetime | None:
        at = self._times[position]
        return None if math.isnan(at) else datetime.fromtimestamp(at)

    def _judge(self, feature: MatterFeatures, query_norms: tuple[float, float], position: int, window_days: float,
               prune: bool = True) -> SameMatterResult | None:
        """matter_pairs.decide on a stored ticket, computed from the stored columns. With `prune`, None
        when even a shared place could not lift the text similarity to the threshold."""
        similarity = combined_similarity(
            _cosine(feature.terms, query_norms[0], self._terms[position], self._norms[position]),
            _cosine(feature.title_terms, query_norms[1], self._titles[position], self._title_norms[position]))
        if prune and similarity + PLACE_BONUS < self.threshold:
            return None
        return self._judge_similar(feature, position, similarity, window_days, prune)

    def _judge_similar(self, feature: MatterFeatures, position: int, similarity: float, window_days: float,
                       prune: bool = True) -> SameMatterResult | None:
        """_judge's decision once the text similarity is known."""
        at = self._times[position]
        days = abs(feature.at.timestamp() - at) / 86400 if feature.at and not math.isnan(at) else None
        geo = self._geo[position]
        metres = (distance_m(feature.lon, feature.lat, geo[0], geo[1])
                  if geo and feature.lon is not None and feature.lat is not None else None)
        if prune:
            # Cheap upper bound of decide()'s score, so most candidates skip building reasons.
            places = self._places[position]
            if any(place in places for place in feature.places) or (metres is not None and metres <= NEAR_METRES):
                best = similarity + PLACE_BONUS
            else:
                best = similarity - (PLACE_CONFLICT_PENALTY if feature.places and places else PLACE_UNKNOWN_PENALTY)
            if best < self.threshold:
                return None
        return decide(similarity, feature.places, self._places[position], days, metres, feature.category,
                      self._categories[position], window_days, self.threshold)

    def _candidates(self, feature: MatterFeatures, window_days: float) -> list[int]:
        since = feature.at.timestamp() - window_days * 86400 if feature.at else None
        strong: set[int] = set()
        probe_hits: Counter = Counter()
        keys = self._keys(feature)
        cell = _cell(feature.lon, feature.lat)
        if cell:  # neighbouring cells too: a matter on a cell border
            keys += [("g", (cell[0] + dx, cell[1] + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy]
        for key in keys:
            postings = self._postings.get(key)
            if not postings:
                continue
            start = len(postings) - self.max_per_key if len(postings) > self.max_per_key else 0
            if since is not None:
                # Postings are in time order: jump to the window's start.
                start = max(start, bisect_left(postings, since, key=self._times.__getitem__))
            chosen = postings[start:]
            if key[0] == "p":
                strong.update(chosen)
            else:
                # A bigram or the ~200 m cell alone is weak evidence: two of them make a candidate.
                probe_hits.update(chosen)
        # Tickets sharing most probe terms first; a place or cell match always counts.
        # most_common: by hits, ties in the order first seen (a stable sort), all in C.
        shared_terms: list[int] = []
        for position, hits in probe_hits.most_common():
            if hits < 2 or len(shared_terms) == MAX_TERM_CANDIDATES:
                break
            if position not in strong:
                shared_terms.append(position)
        return sorted(strong) + shared_terms

    def lookup(self, ticket, *, window_days: float | None = None, only_same: bool = True,
               exclude_id: Any = None) -> list[MatterMatch]:
        """Earlier tickets on the same matter as `ticket`, best first."""
        window = self.window_days if window_days is None else window_days
        feature = ticket if isinstance(ticket, MatterFeatures) else self._features(ticket)
        matches = []
        query_norms = (_norm(feature.terms), _norm(feature.title_terms))
        for position in self._candidates(feature, window):
            if exclude_id is not None and self._ids[position] == exclude_id:
                continue
            result = self._judge(feature, query_norms, position, window, prune=only_same)
            if result is not None and (result.same or not only_same):
                matches.append(MatterMatch(self._ids[position], result.score, result.same, result.reasons,
                                           self._at(position), self._categories[position]))
        matches.sort(key=lambda match: -match.score)
        return matches

    def intake_warning(self, ticket, *, window_days: float | None = None) -> str | None:
        """The agent's warning at intake, e.g. 「该地点近30天已有3件同类诉求」, or None."""
        window = self.window_days if window_days is None else window_days
        matches = self.lookup(ticket, window_days=window)
        if not matches:
            return None
        return f"该地点近{window:g}天已有{len(matches)}件同类诉求（最近：{matches[0].ticket_id}）"


def configured_window_days() -> float:
    return float(config.current().same_matter_window_days)


def configured_link_processes() -> int:
    """Processes that link a big batch: the setting text_link_processes, 0 meaning one per core."""
    return config.current().link_processes or os.cpu_count() or 1


def link_batch(tickets: list, *, window_days: float | None = None, threshold: float = SAME_THRESHOLD,
               weights: TermWeights | None = None, with_pairs: bool = False, processes: int | None = None):
    """Group tickets about the same matter. Returns groups (lists of ticket ids, 2 or more tickets,
    biggest first) and, with `with_pairs`, the linked pairs (id, id, score, reasons).
    `window_days` defaults to the setting same_matter_window_days. With `processes` > 1, big batches are
    linked in worker processes, each taking a stretch of time (and reading the window before it), with
    the same result as one process."""
    window_days = configured_window_days() if window_days is None else window_days
    prepared = prepare_many(tickets)
    weights = weights or TermWeights.fit_prepared(prepared)
    order = sorted(range(len(prepared)), key=lambda i: (prepared[i].at is None, prepared[i].at or datetime.min))
    ids = [item.ticket_id for item in prepared]
    # Linking is split by time over one process per core (the setting text_link_processes): the
    # result is the same as one process's (tested); this process links the first stretch itself.
    processes = processes if processes is not None else configured_link_processes()
    if processes < 2 or len(prepared) < PARALLEL_FROM or any(item.at is None for item in prepared):
        featured = [weigh(item, weights) for item in prepared]
        del prepared
        links = _link_stretch((featured, order, weights, window_days, threshold, with_pairs), 0, len(order))
    else:
        bounds = [len(order) * part // processes for part in range(processes + 1)]
        jobs = [_stretch_job(prepared, order, start, end, (weights, window_days, threshold, with_pairs))
                for start, end in zip(bounds, bounds[1:])]
        import multiprocessing

        # Spawned workers (a fork can crash on the caller's threads); each is sent its own stretch and
        # the window before it, unweighted, not the whole batch: weighing is done in parallel too.
        with multiprocessing.get_context("spawn").Pool(processes - 1) as pool:
            later = pool.starmap_async(_link_stretch_job, [job[:2] for job in jobs[1:]])
            parts = [_link_stretch_job(*jobs[0][:2])] + later.get()
        links = [(ranks[item], ranks[other], score, reasons)
                 for part, (_, _, ranks) in zip(parts, jobs) for item, other, score, reasons in part]

    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = []
    for item, other, score, reasons in links:
        parent[find(item)] = find(other)
        if with_pairs:
            pairs.append((ids[other], ids[item], score, reasons))
    groups: dict[int, list] = defaultdict(list)
    for item, ticket_id in enumerate(ids):
        groups[find(item)].append(ticket_id)
    result = sorted((group for group in groups.values() if len(group) > 1), key=len, reverse=True)
    return (result, pairs) if with_pairs else result



def _stretch_job(prepared: list, order: list[int], start: int, end: int, settings: tuple):
    """The job of linking the tickets order[start:end] on their own: those tickets and the window before
    them (as `_link_stretch` would file it), renumbered from 0 in time order and not yet weighed, where to
    start linking, and each renumbered ticket's item in `prepared`."""
    window_days = settings[1]
    first = _window_start(prepared, order, start, window_days)
    ranks = order[first:end]
    own = [prepared[item] for item in ranks]
    return (own, list(range(len(own))), *settings), start - first, ranks


def _link_stretch_job(job, start: int) -> list:
    own, order, weights, *rest = job
    return _link_stretch(([weigh(item, weights) for item in own], order, weights, *rest), start, len(own))


def _window_start(featured: list, order: list[int], start: int, window_days: float) -> int:
    """The rank from which tickets must be filed before order[start] is linked (its window)."""
    first = start
    if start:
        since = featured[order[start]].at.timestamp() - window_days * 86400
        while first > 0 and featured[order[first - 1]].at.timestamp() >= since:
            first -= 1
    return first


def _link_stretch(job, start: int, end: int) -> list[tuple[int, int, float, list | None]]:
    """Links (item, earlier item, score, reasons) for the tickets order[start:end], after filing the
    tickets of the window before them."""
    featured, order, weights, window_days, threshold, with_pairs = job
    index = SameMatterIndex(weights, window_days, threshold)
    table = TermTable(featured)
    first = _window_start(featured, order, start, window_days)
    # The index's position p holds the ticket order[first + p].
    position_items = numpy.asarray(order[first:end], dtype=numpy.int64)
    links = []
    for rank in range(first, end):
        item = order[rank]
        feature = featured[item]
        if rank >= start:
            matches = sorted(_same_positions(index, table, item, position_items, feature, window_days),
                             key=lambda match: -match[1])
            # Link to the best match and to clearly strong ones only: linking to every weak match
            # chains distinct matters together through one ambiguous ticket.
            for position, score, reasons in matches[:1] + [m for m in matches[1:] if m[1] >= threshold + STRONG_MARGIN]:
                links.append((item, order[first + position], score, reasons if with_pairs else None))
        index.add(None, feature)
    return links


def _same_positions(index: SameMatterIndex, table: "TermTable", item: int, position_items, feature: MatterFeatures,
                    window_days: float):
    """The index's judgement of each candidate (as SameMatterIndex._judge), with the text similarity of
    all candidates computed at once and only those a shared place could lift to the threshold judged."""
    positions = index._candidates(feature, window_days)
    if not positions:
        return
    others = position_items[positions]
    similarity = table.similarity(item, others)
    for at in numpy.flatnonzero(table.best_scores(item, others, similarity) >= index.threshold):
        result = index._judge_similar(feature, positions[at], float(similarity[at]), window_days)
        if result is not None and result.same:
            yield positions[at], result.score, result.reasons


class TermTable:
    """The weighted bigrams (body and title) of every ticket of a batch as fixed-width numpy rows, so that
    a ticket's cosine against all its candidates is a few array operations, not a Python loop per pair.
    The products are added left to right in the candidate's stored order, as _cosine adds them, so the
    similarities are the same floats."""

    def __init__(self, featured: list[MatterFeatures]):
        vocabulary: dict[str, int] = {}
        body_ids, body_values, body_norms = self._rows([item.terms for item in featured], vocabulary)
        title_ids, title_values, title_norms = self._rows([item.title_terms for item in featured], vocabulary)
        # Body and title side by side, the title's bigrams numbered after the body's (the two cosines are
        # separate); one slot per number and a last one, always 0, that the padding id -1 reads.
        title_ids = numpy.where(title_ids >= 0, title_ids + len(vocabulary), -1)
        self.ids = numpy.concatenate([body_ids, title_ids], axis=1)
        self.values = numpy.concatenate([body_values, title_values], axis=1)
        self.widths = (body_ids.shape[1], title_ids.shape[1])
        self.norms = numpy.stack([body_norms, title_norms], axis=1)
        self._scratch = numpy.zeros(2 * len(vocabulary) + 1)
        named: dict[str, int] = {}
        self.places, _, _ = self._rows([dict.fromkeys(item.places, 1.0) for item in featured], named)
        self.has_places = self.places[:, 0] >= 0
        self.lat = numpy.array([numpy.nan if item.lon is None or item.lat is None else item.lat for item in featured])

    @staticmethod
    def _rows(terms: list[dict[str, float]], vocabulary: dict[str, int]):
        lengths = numpy.fromiter((len(item) for item in terms), dtype=numpy.int64, count=len(terms))
        width = int(lengths.max()) if len(terms) and lengths.max() else 1
        ids = numpy.full((len(terms), width), -1, dtype=numpy.int64)
        values = numpy.zeros((len(terms), width))
        rows = numpy.repeat(numpy.arange(len(terms)), lengths)
        columns = numpy.arange(len(rows)) - numpy.repeat(numpy.cumsum(lengths) - lengths, lengths)
        ids[rows, columns] = [vocabulary.setdefault(gram, len(vocabulary)) for item in terms for gram in item]
        values[rows, columns] = [weight for item in terms for weight in item.values()]
        norms = numpy.fromiter((_norm(item) for item in terms), dtype=float, count=len(terms))
        return ids, values, norms

    def similarity(self, item: int, others) -> Any:
        """matter_pairs.combined_similarity of ticket `item` with each of `others` (an array of items)."""
        scratch, ids = self._scratch, self.ids[item]
        scratch[ids] = self.values[item]
        products = self.values[others] * scratch[self.ids[others]]
        scratch[ids] = 0.0
        body = self.widths[0]
        totals = numpy.stack([numpy.cumsum(products[:, :body], axis=1)[:, -1],
                              numpy.cumsum(products[:, body:], axis=1)[:, -1]], axis=1)
        norms = self.norms[item] * self.norms[others]
        with numpy.errstate(divide="ignore", invalid="ignore"):
            cosines = numpy.where(norms > 0, totals / norms, 0.0)
        return combined_similarity(cosines[:, 0], cosines[:, 1], maximum=numpy.maximum)

    def best_scores(self, item: int, others, similarity):
        """An upper bound of the score SameMatterIndex._judge_similar could give each candidate (its cheap
        bound, with the distance rounded up), so that candidates below the threshold are not judged."""
        places = self.places[item]
        shared = (self.places[others][:, :, None] == places[places >= 0][None, None, :]).any(axis=(1, 2))
        # Two points are at least their difference in latitude apart (along the meridian), so only those
        # within NEAR_METRES of latitude can be near; a 1 % margin covers rounding.
        near = numpy.abs(self.lat[others] - self.lat[item]) <= NEAR_LATITUDE
        penalty = numpy.where(self.has_places[others] & self.has_places[item], PLACE_CONFLICT_PENALTY,
                              PLACE_UNKNOWN_PENALTY)
        return numpy.where(shared | near, similarity + PLACE_BONUS, similarity - penalty)


def prepare_many(tickets: list, processes: int | None = None) -> list[MatterFeatures]:
    """matter_pairs.prepare for every ticket; in worker processes for big batches (it is CPU-bound
    text work, and the 1M-ticket batch target assumes both cores)."""
    processes = processes if processes is not None else (os.cpu_count() or 1)
    if processes < 2 or len(tickets) < PARALLEL_FROM:
        return [prepare(ticket) for ticket in tickets]
    import multiprocessing

    # Spawned, never forked: a fork copies the caller's threads (web server, DuckDB) and can crash.
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        return pool.map(prepare, tickets, chunksize=2000)


def _cosine(terms: dict[str, float], norm: float, stored: tuple, stored_norm: float) -> float:
    if not norm or not stored_norm:
        return 0.0
    # A plain loop (the hottest line of batch linking): the same products added in the same order as
    # sum() over a generator, so the same float, at about half the interpreter's cost.
    total = 0.0
    for gram, weight in stored:
        if gram in terms:
            total += weight * terms[gram]
    return total / (norm * stored_norm)


def _norm(terms: dict[str, float]) -> float:
    return math.sqrt(sum(weight * weight for weight in terms.values()))

"""The person index: candidates by blocking keys, then scored by the name engine.

Every name part of every record is filed under a few keys: its Latin form, its first and last
four letters and its sorted letters (typos), its consonant skeleton, its phonetic key and its
variant-table groups (other scripts); and with another part of its name, by that part's
initial ("J. Smith") or sorted letters ("Victoria Geroge"); and with each birth year and
nationality of the record, which tell namesakes apart. A search looks up the keys of the
query's parts, ranks the records by how many parts they share, scores the best of them with
``compare`` and keeps those at or above the threshold. Records can be added, changed and
removed while the index serves.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from policenet.matching.name_variants import NameVariants, shipped_variants
from policenet.matching.names import NamePart, ParsedName, parse_name
from policenet.matching.persons import (
    DEFAULT_THRESHOLD,
    Match,
    PersonQuery,
    PersonRecord,
    compare,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

RecordId = int | str
# Scoring is the costly step: only this many of the best-blocked records are scored.
CANDIDATES = 20
# A key held by more records than this tells little and costs much: see _rank.
COMMON = 1500
# Up to this many, a common key's records still add weight to candidates found otherwise.
BOOSTING = 20_000
# Names of up to this many full parts file each part with the sorted letters of the others.
SORTED_PAIRS_UP_TO = 4
# A cost limit: of a record's names (its name and up to 30 aliases), a search scores only the
# this many that share most with the query. Scoring is parts times parts for every name, and
# a record of 31 names of 12 parts made every long query against it cost 10 ms.
SCORED_NAMES = 8


def _clues(parsed: ParsedName) -> set[str | int]:
    """What a cheap look tells of a name's parts: their forms, skeletons, phonetic keys and
    variant groups (of their alternates too)."""
    found: set[str | int] = set()
    for part in parsed.parts:
        for spelling in (part, part.alternate):
            if spelling is not None and not spelling.is_initial:
                found.update((spelling.form, "s:" + spelling.skeleton, "p:" + spelling.phonetic))
                found.update(spelling.groups)
    return found


def _scored(names: tuple[ParsedName, ...], asked: set[str | int]) -> tuple[ParsedName, ...]:
    """The SCORED_NAMES names of a record sharing most clues with the query; on a tie the
    earlier name (the record's own name comes first)."""
    if len(names) <= SCORED_NAMES:
        return names
    ranked = sorted(range(len(names)), key=lambda i: -len(asked & _clues(names[i])))
    return tuple(names[i] for i in sorted(ranked[:SCORED_NAMES]))


def _letters(form: str) -> str:
    """A form's letters in order: what a transposition leaves."""
    return "".join(sorted(form))


def _spelling_keys(part: NamePart) -> set[str]:
    form = part.form
    found = {"f:" + form, "a:" + _letters(form)}
    if len(form) >= 5:
        found.update(("b:" + form[:4], "e:" + form[-4:]))
    if len(part.skeleton) >= 2:
        found.add("s:" + part.skeleton)
    if len(part.phonetic) >= 2:
        found.add("p:" + part.phonetic)
    found.update(f"g:{g}" for g in part.groups)
    return found


@dataclass(frozen=True, slots=True)
class _Filed:
    """A record as the index holds it: its names parsed once, when it is filed, rather than
    at every search that scores it, and the keys it is filed under."""

    record: PersonRecord
    names: tuple[ParsedName, ...]
    keys: tuple[str, ...]


class PersonIndex:
    """An in-memory index of person records for name screening."""

    def __init__(
        self, variants: NameVariants | None = None, *, candidates: int = CANDIDATES
    ) -> None:
        self._variants = variants if variants is not None else shipped_variants()
        self._candidates = candidates
        self._filed: dict[RecordId, _Filed] = {}
        self._postings: dict[str, list[RecordId]] = {}
        self._lock = threading.RLock()

    @classmethod
    def build(
        cls, records: Iterable[PersonRecord], variants: NameVariants | None = None
    ) -> PersonIndex:
        index = cls(variants)
        for record in records:
            index.add(record)
        return index

    def __len__(self) -> int:
        return len(self._filed)

    def _part_keys(self, parsed: ParsedName) -> list[set[str]]:
        """The keys of each part of a name (one set per part), and of pairs of parts.

        Keys meet spellings halfway: the form, its first and last four letters (a typo leaves
        one of them), its sorted letters (a transposition leaves them), its skeleton and
        phonetic key, its variant groups; each full part with the initial of another, so
        that "J. Smith" finds John Smith among all the Smiths; and each full part with the
        sorted letters of another, so that "Victoria Geroge" finds Victoria George."""
        keys: list[set[str]] = []
        full = [part for part in parsed.parts if not part.is_initial]
        for part in full:
            found: set[str] = set()
            for spelling in (part, part.alternate):
                if spelling is not None:
                    found |= _spelling_keys(spelling)
            keys.append(found)
        # Each full part with the initial of every other part and, in names of up to
        # SORTED_PAIRS_UP_TO full parts, with the sorted letters of every other full part: a
        # transposition in a popular name (Geroge) beside a popular one (Victoria) leaves that
        # key, while every other key of the two parts is held by too many records to block on.
        # By position, not identity: parts are shared objects, and "Ali Ali" holds one twice.
        sorted_pairs = len(full) <= SORTED_PAIRS_UP_TO
        pairs: set[str] = set()
        for i, part in enumerate(parsed.parts):
            if part.is_initial:
                continue
            for j, other in enumerate(parsed.parts):
                if j != i:
                    pairs.add(f"x:{part.form}|{other.form[0]}")
                    if sorted_pairs and not other.is_initial:
                        pairs.add(f"z:{part.form}|{_letters(other.form)}")
        if pairs:
            keys.append(pairs)
        if parsed.parts:
            # The whole name, its parts joined: a name kept as one part ("Abdul Ahmed" is one
            # name, Abd al-X) meets the same name written in two ("AHMED, Abdul").
            keys.append({"j:" + parsed.joined})
        return keys

    @staticmethod
    def _tagged_keys(parsed: ParsedName, tag: str, values: set[int] | set[str]) -> set[str]:
        """Each full part with each value of an attribute of the record: namesakes of a
        popular name, told apart by birth year (tag y) or nationality (tag n)."""
        return {
            f"{tag}:{part.form}|{value}"
            for part in parsed.parts
            if not part.is_initial
            for value in values
        }

    @classmethod
    def _year_keys(cls, parsed: ParsedName, years: set[int]) -> set[str]:
        """Each full part, and the whole name joined, with a birth year. The joined name meets
        the same name parsed into other parts ("Abdul আহম্মেদ", one compound name, and
        "আহম্মেদ, Abdul", two)."""
        found = cls._tagged_keys(parsed, "y", years)
        if len(parsed.parts) > 1:  # one part: its own key already
            found.update(f"y:{parsed.joined}|{year}" for year in years)
        return found

    @classmethod
    def _nationality_keys(cls, parsed: ParsedName, nationalities: set[str]) -> set[str]:
        """Each full part with a nationality: "B. Omar" of Egypt without a birth date, among
        every B. Omar."""
        return cls._tagged_keys(parsed, "n", nationalities)

    def _file(self, record: PersonRecord) -> _Filed:
        found: set[str] = set()
        years = {d.year for d in record.birth_dates}
        countries = {n.upper() for n in record.nationalities}
        names = tuple(parse_name(name, self._variants) for name in record.names)
        for parsed in names:
            for part_keys in self._part_keys(parsed):
                found |= part_keys
            found |= self._year_keys(parsed, years)
            found |= self._nationality_keys(parsed, countries)
        return _Filed(record, names, tuple(found))

    def add(self, record: PersonRecord) -> None:
        """Add a record, or replace the record with the same id."""
        filed = self._file(record)
        with self._lock:
            if record.id in self._filed:
                self._unfile(record.id)
            self._filed[record.id] = filed
            for key in filed.keys:
                self._postings.setdefault(key, []).append(record.id)

    update = add

    def remove(self, record_id: RecordId) -> None:
        """Forget a record; searching no longer finds it."""
        with self._lock:
            if record_id in self._filed:
                self._unfile(record_id)
                del self._filed[record_id]

    def _unfile(self, record_id: RecordId) -> None:
        for key in self._filed[record_id].keys:
            posting = self._postings[key]
            posting.remove(record_id)
            if not posting:
                del self._postings[key]

    def _rank(
        self, query: PersonQuery, allowed: Callable[[RecordId], bool] | None = None
    ) -> list[RecordId]:
        """Records sharing keys with the query, the rarest keys weighing most.

        Keys shared by more than COMMON records (a popular given name) are left out: the
        other parts, and the keys of part pairs, find the person at a fraction of the work.
        Only when nothing else is found does the rarest of them count."""
        totals: dict[RecordId, float] = {}
        fallback: list[list[RecordId]] = []
        years = set() if query.birth_date is None else {query.birth_date.year}
        countries = set() if not query.nationality else {query.nationality.upper()}
        for name in query.names:
            parsed = parse_name(name, self._variants)
            keyed = self._part_keys(parsed)
            if years:
                keyed.append(self._year_keys(parsed, years))
            if countries:
                keyed.append(self._nationality_keys(parsed, countries))
            for part_keys in keyed:
                postings = sorted(
                    (p for key in part_keys if (p := self._postings.get(key))), key=len
                )
                if postings and len(postings[0]) > COMMON:
                    fallback.append(postings[0])
                self._add_weights(totals, [p for p in postings if len(p) <= COMMON])
        fallback.sort(key=len)
        if not totals:
            # Only common keys: the rarer of them decide. The records that hold only a key a
            # hundred thousand others hold (the given name alone) are not weighed when rarer
            # keys (the given and family names together) are there: they would rank below.
            used = [p for p in fallback if len(p) <= BOOSTING] or fallback[:1]
            if len(used) == 1 and len(used[0]) > BOOSTING:
                # One very common key: its holders weigh the same, in the order they were
                # filed; the first the caller may see are the shortlist.
                totals = _first_seen(used[0], 4 * self._candidates, allowed)
            else:
                self._add_weights(totals, used)
        elif fallback:
            # A common key finds too many to list, but among those found it still counts.
            for posting in fallback:
                if len(posting) <= BOOSTING:
                    holders = set(posting)
                    weight = 1.0 / math.log2(2 + len(posting))
                    for record_id in totals.keys() & holders:
                        totals[record_id] += weight
        shortlist = _heaviest(totals, 4 * self._candidates, allowed)
        if query.birth_date is not None:
            # Among namesakes the birth year tells the person: rank those born then first.
            year = query.birth_date.year
            for record_id in shortlist:
                births = self._filed[record_id].record.birth_dates
                if any(abs(d.year - year) <= 1 for d in births):
                    totals[record_id] += 1.0
        return sorted(shortlist, key=totals.__getitem__, reverse=True)[: self._candidates]

    @staticmethod
    def _add_weights(totals: dict[RecordId, float], postings: list[list[RecordId]]) -> None:
        """Add to each record the weight of the rarest of these postings that holds it."""
        best: dict[RecordId, float] = {}
        # Most common first, so that the rarer posting's weight overwrites (in C, not Python).
        for posting in sorted(postings, key=len, reverse=True):
            best.update(dict.fromkeys(posting, 1.0 / math.log2(2 + len(posting))))
        # Most records share one group of keys with the query: only those already weighed
        # are added to in Python, the rest are merged in C.
        for record_id in best.keys() & totals.keys():
            best[record_id] += totals[record_id]
        totals.update(best)

    def search(
        self,
        query: PersonQuery,
        limit: int = 10,
        threshold: float = DEFAULT_THRESHOLD,
        *,
        allowed: Callable[[RecordId], bool] | None = None,
    ) -> list[Match]:
        """The records at or above the threshold, best first, each with its explanation;
        only records ``allowed`` accepts when it is given."""
        with self._lock:
            candidates = [self._filed[rid] for rid in self._rank(query, allowed)]
        asked: set[str | int] = set()
        if any(len(filed.names) > SCORED_NAMES for filed in candidates):
            for name in query.names:
                asked |= _clues(parse_name(name, self._variants))
        matches = [
            compare(query, filed.record, self._variants, parsed=_scored(filed.names, asked))
            for filed in candidates
        ]
        kept = [m for m in matches if m.score >= threshold]
        kept.sort(key=lambda m: (-m.score, str(m.record_id)))
        return kept[:limit]


def _first_seen(
    posting: list[RecordId], most: int, allowed: Callable[[RecordId], bool] | None
) -> dict[RecordId, float]:
    """The first ``most`` records of a posting that ``allowed`` accepts, each with the
    posting's weight."""
    weight = 1.0 / math.log2(2 + len(posting))
    found: dict[RecordId, float] = {}
    for record_id in posting:
        if record_id not in found and (allowed is None or allowed(record_id)):
            found[record_id] = weight
            if len(found) == most:
                break
    return found


def _heaviest(
    totals: dict[RecordId, float], most: int, allowed: Callable[[RecordId], bool] | None
) -> list[RecordId]:
    """The ``most`` heaviest records that ``allowed`` accepts, heaviest first, ties in the
    order they were weighed: what sorting them all by weight and keeping the first would
    give. Records the caller may not see leave before the shortlist, so they never push out
    one it may see; and only as many are asked about as it takes to fill it.

    A common name weighs a hundred thousand records at a million persons: their weights are
    ordered in numpy (a stable sort, as sorted() is), not compared one by one in Python."""
    if len(totals) <= most and allowed is None:
        return sorted(totals, key=totals.__getitem__, reverse=True)
    ids = list(totals)
    weights = np.fromiter(totals.values(), dtype=np.float64, count=len(ids))
    order = np.argsort(-weights, kind="stable")
    if allowed is None:
        return [ids[i] for i in order[:most].tolist()]
    found: list[RecordId] = []
    for i in order.tolist():
        record_id = ids[i]
        if allowed(record_id):
            found.append(record_id)
            if len(found) == most:
                break
    return found

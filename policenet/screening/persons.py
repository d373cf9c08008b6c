"""The person index: candidates by blocking keys, then scored by the name engine.

Every name part of every record is filed under a few keys: its Latin form, the first letters of
it (typos late in a word), its consonant skeleton, its phonetic key and its variant-table
groups (other scripts). A search looks up the keys of the query's parts, ranks the records by
how many parts they share, scores the best of them with ``compare`` and keeps those at or above
the threshold. Records can be added, changed and removed while the index serves.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import TYPE_CHECKING

from policenet.matching.name_variants import NameVariants, shipped_variants
from policenet.matching.names import ParsedName, parse_name
from policenet.matching.persons import (
    DEFAULT_THRESHOLD,
    Match,
    PersonQuery,
    PersonRecord,
    compare,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

RecordId = int | str
# Scoring is the costly step: only this many of the best-blocked records are scored.
CANDIDATES = 60


class PersonIndex:
    """An in-memory index of person records for name screening."""

    def __init__(
        self, variants: NameVariants | None = None, *, candidates: int = CANDIDATES
    ) -> None:
        self._variants = variants if variants is not None else shipped_variants()
        self._candidates = candidates
        self._records: dict[RecordId, PersonRecord] = {}
        self._keys: dict[RecordId, tuple[str, ...]] = {}
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
        return len(self._records)

    def _part_keys(self, parsed: ParsedName) -> list[set[str]]:
        """The keys of each part of a name (one set per part)."""
        keys: list[set[str]] = []
        for part in parsed.parts:
            if part.is_initial:
                continue
            found = {"f:" + part.form}
            if len(part.form) >= 5:
                found.add("b:" + part.form[:4])
            if len(part.skeleton) >= 2:
                found.add("s:" + part.skeleton)
            if len(part.phonetic) >= 2:
                found.add("p:" + part.phonetic)
            found.update(f"g:{g}" for g in self._variants.groups(part.native, part.form))
            keys.append(found)
        if len(parsed.parts) > 1:
            keys.append({"j:" + parsed.joined})
        return keys

    def _record_keys(self, record: PersonRecord) -> tuple[str, ...]:
        found: set[str] = set()
        for name in record.names:
            for part_keys in self._part_keys(parse_name(name, self._variants)):
                found |= part_keys
        return tuple(found)

    def add(self, record: PersonRecord) -> None:
        """Add a record, or replace the record with the same id."""
        keys = self._record_keys(record)
        with self._lock:
            if record.id in self._records:
                self._unfile(record.id)
            self._records[record.id] = record
            self._keys[record.id] = keys
            for key in keys:
                self._postings.setdefault(key, []).append(record.id)

    update = add

    def remove(self, record_id: RecordId) -> None:
        """Forget a record; searching no longer finds it."""
        with self._lock:
            if record_id in self._records:
                self._unfile(record_id)
                del self._records[record_id]

    def _unfile(self, record_id: RecordId) -> None:
        for key in self._keys.pop(record_id, ()):
            posting = self._postings[key]
            posting.remove(record_id)
            if not posting:
                del self._postings[key]

    def search(
        self, query: PersonQuery, limit: int = 10, threshold: float = DEFAULT_THRESHOLD
    ) -> list[Match]:
        """The records at or above the threshold, best first, each with its explanation."""
        with self._lock:
            hits: Counter[RecordId] = Counter()
            for name in query.names:
                for part_keys in self._part_keys(parse_name(name, self._variants)):
                    matched: set[RecordId] = set()
                    for key in part_keys:
                        matched.update(self._postings.get(key, ()))
                    hits.update(matched)
            candidates = [self._records[rid] for rid, _ in hits.most_common(self._candidates)]
        matches = [compare(query, record, self._variants) for record in candidates]
        kept = [m for m in matches if m.score >= threshold]
        kept.sort(key=lambda m: (-m.score, str(m.record_id)))
        return kept[:limit]

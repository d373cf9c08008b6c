"""The exact-key index: which records hold a document number, a VIN, a plate, a serial …

Most checks find nothing (0.0065 % of travel document searches hit), so the index answers them
without touching the database: each key is kept as its 64-bit hash beside a record id, in two
sorted arrays of 8 bytes each. A lookup hashes the key and bisects. Records added since the
arrays were built wait in a small dictionary until the next merge. The index may name records
that no longer hold the key (a changed or withdrawn record, a hash collision): the database
read that follows a candidate checks the key again, so the index can over-list but never miss.
An erased record is forgotten (``forget``): nothing of its keys stays, not even their hashes.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import NDArray

# Recent additions are merged into the sorted arrays once there are this many.
MERGE_AT = 50_000
_SLICE = 1_000_000


def key_hash(key: str) -> int:
    """Python's own string hash: 64 bits, salted per process, and cached on the string. The
    index lives and dies with its process, so the salt changing between runs costs nothing."""
    return hash(key)


class KeyIndex:
    """Keys (strings) to record ids (ints), in about 16 bytes per key."""

    def __init__(self) -> None:
        # The sorted hashes and their record ids, swapped in as one pair: a lookup reads both
        # of the same generation.
        self._sorted: tuple[NDArray[np.int64], NDArray[np.int64]] = (
            np.empty(0, dtype=np.int64),
            np.empty(0, dtype=np.int64),
        )
        self._recent: dict[int, list[int]] = {}
        self._lock = threading.Lock()

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, int]]) -> KeyIndex:
        index = cls()
        index.add_many(pairs, merge=True)
        return index

    def __len__(self) -> int:
        return len(self._sorted[0]) + sum(len(ids) for ids in self._recent.values())

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays (the recent dictionary is bounded by MERGE_AT)."""
        hashes, ids = self._sorted
        return int(hashes.nbytes + ids.nbytes)

    def add(self, key: str, record_id: int) -> None:
        with self._lock:
            self._recent.setdefault(key_hash(key), []).append(record_id)
            if len(self._recent) >= MERGE_AT:
                self._merge()

    def add_many(self, pairs: Iterable[tuple[str, int]], *, merge: bool = False) -> None:
        """Add many keys at once (building, catching up after a bulk import); a few wait in
        the recent dictionary unless ``merge``."""
        # In slices, so that building from millions of keys never holds them all as Python ints.
        hash_parts: list[NDArray[np.int64]] = []
        id_parts: list[NDArray[np.int64]] = []
        hashes: list[int] = []
        ids: list[int] = []
        for key, record_id in pairs:
            hashes.append(key_hash(key))
            ids.append(record_id)
            if len(hashes) == _SLICE:
                hash_parts.append(np.array(hashes, dtype=np.int64))
                id_parts.append(np.array(ids, dtype=np.int64))
                hashes, ids = [], []
        with self._lock:
            if not merge and not hash_parts and len(hashes) + len(self._recent) < MERGE_AT:
                # A few changes (the usual catch-up): no re-sorting of millions of keys.
                for h, record_id in zip(hashes, ids, strict=True):
                    self._recent.setdefault(h, []).append(record_id)
                return
            hash_parts.append(np.array(hashes, dtype=np.int64))
            id_parts.append(np.array(ids, dtype=np.int64))
            self._merge(np.concatenate(hash_parts), np.concatenate(id_parts))

    def _merge(
        self,
        hashes: NDArray[np.int64] | None = None,
        ids: NDArray[np.int64] | None = None,
    ) -> None:
        recent_hashes = [h for h, rids in self._recent.items() for _ in rids]
        recent_ids = [rid for rids in self._recent.values() for rid in rids]
        sorted_hashes, sorted_ids = self._sorted
        parts_h = [sorted_hashes, np.array(recent_hashes, dtype=np.int64)]
        parts_i = [sorted_ids, np.array(recent_ids, dtype=np.int64)]
        if hashes is not None and ids is not None:
            parts_h.append(hashes)
            parts_i.append(ids)
        all_hashes = np.concatenate(parts_h)
        all_ids = np.concatenate(parts_i)
        order = np.argsort(all_hashes, kind="stable")
        # Swap in whole new arrays: a lookup running meanwhile reads the old pair, unharmed.
        self._sorted = (all_hashes[order], all_ids[order])
        self._recent = {}

    def forget(self, record_ids: Iterable[int]) -> None:
        """Drop every key of these records (erased: not even a hash of their keys stays)."""
        gone = set(record_ids)
        if not gone:
            return
        with self._lock:
            hashes, ids = self._sorted
            keep = ~np.isin(ids, np.fromiter(gone, dtype=np.int64, count=len(gone)))
            if not keep.all():
                self._sorted = (hashes[keep], ids[keep])
            recent: dict[int, list[int]] = {}
            for h, rids in self._recent.items():
                kept = [r for r in rids if r not in gone]
                if kept:
                    recent[h] = kept
            self._recent = recent

    def lookup(self, key: str) -> list[int]:
        """Ids of the records filed under the key (perhaps more than hold it now), in order."""
        h = key_hash(key)
        (hashes, ids), recent = self._sorted, self._recent
        found: list[int] = []
        start = int(hashes.searchsorted(h))
        end = start
        while end < len(hashes) and hashes[end] == h:
            end += 1
        if end > start:
            found.extend(int(i) for i in ids[start:end])
        more = recent.get(h)
        if more:
            found.extend(more)
        return sorted(set(found)) if len(found) > 1 else found

"""The DNA index: every stored STR profile as one 64-bit allele set per locus, in columns.

Each locus keeps its own allele vocabulary (at most 64 designations; SE33, the widest, has
about 50), so a genotype is a bit set and the CODIS stringencies are bit operations:

- high: the sets are equal;
- moderate: one set holds no bit outside the other (a reference inside a mixture);
- low: the sets share a bit.

A search walks the query's loci one by one over a shrinking list of candidates: the first
locus is compared with every profile (numpy, one pass over one column), each next one only
with those still matching. A locus a profile does not hold, or holds with a wildcard, is not
compared. Memory: 8 bytes per locus per profile, plus the profile's id (8) and flags.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from policenet.domain.dna import LOCI, Stringency
from policenet.matching.dna import is_wildcard

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from numpy.typing import NDArray

_INDEX = {locus: i for i, locus in enumerate(LOCI)}
_UNSEEN = 63


class DnaIndex:
    """Allele bit sets of every profile, column per locus, rows in id order."""

    def __init__(self, capacity: int = 1024) -> None:
        self._vocab: list[dict[str, int]] = [{} for _ in LOCI]
        self._masks = np.zeros((len(LOCI), capacity), dtype=np.uint64)
        self._ids = np.zeros(capacity, dtype=np.int64)
        self._alive = np.zeros(capacity, dtype=bool)
        self._mixture = np.zeros(capacity, dtype=bool)
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return int(self._alive[: self._size].sum())

    @property
    def bytes_per_profile(self) -> int:
        return len(LOCI) * 8 + 8 + 1 + 1

    def encode(self, loci: Mapping[str, Sequence[str]], *, grow: bool = True) -> NDArray[np.uint64]:
        """The bit set of each locus (0: not held, or held with a wildcard). Bit 63 stands for
        an allele the index has never seen, in a query: no stored profile holds it."""
        row = np.zeros(len(LOCI), dtype=np.uint64)
        for locus, alleles in loci.items():
            index = _INDEX.get(locus)
            if index is None or not alleles or any(is_wildcard(a) for a in alleles):
                continue
            vocab = self._vocab[index]
            bits = 0
            for allele in alleles:
                bit = vocab.get(allele)
                if bit is None and grow:
                    if len(vocab) >= _UNSEEN:
                        bits = 0  # the locus's vocabulary is full: it is not compared
                        break
                    bit = vocab[allele] = len(vocab)
                bits |= 1 << (_UNSEEN if bit is None else bit)
            row[index] = bits
        return row

    def _grow(self, needed: int) -> None:
        capacity = self._ids.shape[0]
        if needed <= capacity:
            return
        new = max(needed, capacity * 2)
        masks = np.zeros((len(LOCI), new), dtype=np.uint64)
        masks[:, : self._size] = self._masks[:, : self._size]
        self._masks = masks
        for name in ("_ids", "_alive", "_mixture"):
            old = getattr(self, name)
            grown = np.zeros(new, dtype=old.dtype)
            grown[: self._size] = old[: self._size]
            setattr(self, name, grown)

    def add(self, profile_id: int, loci: Mapping[str, Sequence[str]], *, mixture: bool) -> None:
        """File a profile (again, if it changed)."""
        with self._lock:
            row = self.encode(loci)
            at = self._row(profile_id)
            if at is None:
                self._grow(self._size + 1)
                # Ids come in commit order, nearly always ascending; one committed late is
                # slotted in place (a copy of the rows after it).
                at = int(np.searchsorted(self._ids[: self._size], profile_id))
                if at < self._size:
                    end = self._size
                    self._masks[:, at + 1 : end + 1] = self._masks[:, at:end]
                    for array in (self._ids, self._alive, self._mixture):
                        array[at + 1 : end + 1] = array[at:end]
                self._size += 1
                self._ids[at] = profile_id
            self._masks[:, at] = row
            self._alive[at] = True
            self._mixture[at] = mixture

    def add_encoded(
        self, ids: NDArray[np.int64], masks: NDArray[np.uint64], mixture: NDArray[np.bool_]
    ) -> None:
        """File many profiles already encoded with ``encode`` (ids ascending, all new)."""
        with self._lock:
            count = ids.shape[0]
            self._grow(self._size + count)
            end = self._size + count
            self._ids[self._size : end] = ids
            self._masks[:, self._size : end] = masks
            self._alive[self._size : end] = True
            self._mixture[self._size : end] = mixture
            self._size = end

    def remove(self, profile_id: int) -> None:
        with self._lock:
            at = self._row(profile_id)
            if at is not None:
                self._alive[at] = False

    def _row(self, profile_id: int) -> int | None:
        at = int(np.searchsorted(self._ids[: self._size], profile_id))
        if at < self._size and self._ids[at] == profile_id:
            return at
        return None

    def search(
        self,
        loci: Mapping[str, Sequence[str]],
        stringency: Stringency,
        *,
        min_loci: int,
        limit: int,
        single_source_only: bool = False,
    ) -> list[tuple[int, int]]:
        """(profile id, loci compared) of the profiles matching at the stringency, those that
        share the most loci first."""
        query = self.encode(loci, grow=False)
        order = [i for i in np.argsort(-np.bitwise_count(query), kind="stable") if query[i]]
        if len(order) < min_loci:
            return []
        size = self._size
        candidates: NDArray[np.intp] | None = None
        compared: NDArray[np.int64] | None = None
        for index in order:
            q = query[index]
            column = (
                self._masks[index, :size] if candidates is None else self._masks[index][candidates]
            )
            if stringency is Stringency.HIGH:
                ok = column == q
            elif stringency is Stringency.MODERATE:
                ok = ((column & ~q) == 0) | ((q & ~column) == 0)
            else:
                ok = (column & q) != 0
            held = column != 0
            ok |= ~held
            if candidates is None:
                ok &= self._alive[:size]
                if single_source_only:
                    ok &= ~self._mixture[:size]
                candidates = np.flatnonzero(ok)
                compared = held[candidates].astype(np.int64)
            else:
                assert compared is not None  # noqa: S101 - set with candidates
                candidates = candidates[ok]
                compared = compared[ok] + held[ok]
            if candidates.size == 0:
                return []
        assert candidates is not None and compared is not None  # noqa: S101 - loci were asked
        enough = compared >= min_loci
        candidates, compared = candidates[enough], compared[enough]
        best = np.argsort(-compared, kind="stable")[:limit]
        return [(int(self._ids[candidates[i]]), int(compared[i])) for i in best]

    def most_shared(
        self, loci: Mapping[str, Sequence[str]], top: int, *, min_loci: int
    ) -> list[int]:
        """Ids of the single-source profiles sharing the most alleles with the query, over at
        least ``min_loci`` loci both hold (candidates for a kinship ratio)."""
        query = self.encode(loci, grow=False)
        size = self._size
        shared = np.zeros(size, dtype=np.int32)
        held = np.zeros(size, dtype=np.int32)
        for index in np.flatnonzero(query):
            column = self._masks[index, :size]
            shared += np.bitwise_count(column & query[index])
            held += column != 0
        eligible = np.flatnonzero(self._alive[:size] & ~self._mixture[:size] & (held >= min_loci))
        if eligible.size > top:
            best = np.argpartition(-shared[eligible], top - 1)[:top]
            eligible = eligible[best]
        return [int(i) for i in self._ids[eligible]]

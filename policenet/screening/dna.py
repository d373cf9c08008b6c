"""The DNA index: every stored STR profile as one 64-bit allele set per locus, in columns.

Each locus keeps its own allele vocabulary, so a genotype is a bit set and the rules are bit
operations:

- CODIS high: the sets are equal; moderate: one set holds no bit outside the other (a
  reference inside a mixture); low: the sets share a bit;
- Prüm: the alleles that differ at a locus follow from the shared bits and the set sizes, and
  a profile stays a candidate while at most one allele differs over all loci.

A search walks the query's loci one by one over a shrinking list of candidates: the first
locus is compared with every profile (numpy, one pass over one column), each next one only
with those still matching. A locus a profile does not hold, or holds with a wildcard, is not
compared. The index never drops a true match: where it cannot tell (an allele beyond a
locus's 62-designation vocabulary), it keeps the profile and the exact rule decides.

Rows are appended in the order profiles arrive and never move, so a search running while a
profile is filed sees a consistent row → id mapping; a sorted copy of the ids finds a
profile's row when it changes. Memory: 8 bytes per locus per profile, 8 for its id, 8 for
the sorted copy, and two flags.
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
_VOCABULARY = 62  # bits 0..61: the designations seen at a locus
_OVERFLOW = np.uint64(1 << 62)  # stored: an allele past the vocabulary (compared as "maybe")
_UNSEEN = 63  # query: an allele no stored profile holds


class DnaIndex:
    """Allele bit sets of every profile, column per locus."""

    def __init__(self, capacity: int = 1024) -> None:
        self._vocab: list[dict[str, int]] = [{} for _ in LOCI]
        self._masks = np.zeros((len(LOCI), capacity), dtype=np.uint64)
        self._ids = np.zeros(capacity, dtype=np.int64)  # row → profile id
        self._alive = np.zeros(capacity, dtype=bool)
        self._mixture = np.zeros(capacity, dtype=bool)
        self._sorted_ids = np.zeros(0, dtype=np.int64)  # profile ids, ascending
        self._sorted_rows = np.zeros(0, dtype=np.int64)  # their rows
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return int(self._alive[: self._size].sum())

    @property
    def bytes_per_profile(self) -> int:
        return len(LOCI) * 8 + 8 + 16 + 1 + 1

    def encode(self, loci: Mapping[str, Sequence[str]], *, grow: bool = True) -> NDArray[np.uint64]:
        """The bit set of each locus (0: not held, or held with a wildcard)."""
        row = np.zeros(len(LOCI), dtype=np.uint64)
        for locus, alleles in loci.items():
            index = _INDEX.get(locus)
            if index is None or not alleles or any(is_wildcard(a) for a in alleles):
                continue
            vocab = self._vocab[index]
            bits = 0
            for allele in alleles:
                bit = vocab.get(allele)
                if bit is None and grow and len(vocab) < _VOCABULARY:
                    bit = vocab[allele] = len(vocab)
                if bit is None:
                    bits |= int(_OVERFLOW) if grow else 1 << _UNSEEN
                else:
                    bits |= 1 << bit
            row[index] = bits
        return row

    def _grow(self, needed: int) -> None:
        capacity = self._ids.shape[0]
        if needed <= capacity:
            return
        new = max(needed, capacity * 2)
        masks = np.zeros((len(LOCI), new), dtype=np.uint64)
        masks[:, : self._size] = self._masks[:, : self._size]
        ids = np.zeros(new, dtype=np.int64)
        ids[: self._size] = self._ids[: self._size]
        alive = np.zeros(new, dtype=bool)
        alive[: self._size] = self._alive[: self._size]
        mixture = np.zeros(new, dtype=bool)
        mixture[: self._size] = self._mixture[: self._size]
        # Readers take the arrays once per search: swap them whole.
        self._masks, self._ids, self._alive, self._mixture = masks, ids, alive, mixture

    def _row(self, profile_id: int) -> int | None:
        at = int(np.searchsorted(self._sorted_ids, profile_id))
        if at < self._sorted_ids.shape[0] and self._sorted_ids[at] == profile_id:
            return int(self._sorted_rows[at])
        return None

    def add(self, profile_id: int, loci: Mapping[str, Sequence[str]], *, mixture: bool) -> None:
        """File a profile (again, if it changed)."""
        with self._lock:
            encoded = self.encode(loci)
            at = self._row(profile_id)
            if at is None:
                self._grow(self._size + 1)
                at = self._size
                self._ids[at] = profile_id
                where = int(np.searchsorted(self._sorted_ids, profile_id))
                self._sorted_ids = np.insert(self._sorted_ids, where, profile_id)
                self._sorted_rows = np.insert(self._sorted_rows, where, at)
            self._masks[:, at] = encoded
            self._mixture[at] = mixture
            self._alive[at] = True
            self._size = max(self._size, at + 1)

    def add_encoded(
        self, ids: NDArray[np.int64], masks: NDArray[np.uint64], mixture: NDArray[np.bool_]
    ) -> None:
        """File many new profiles already encoded with ``encode`` (for benchmarks)."""
        with self._lock:
            count = ids.shape[0]
            self._grow(self._size + count)
            start, end = self._size, self._size + count
            self._ids[start:end] = ids
            self._masks[:, start:end] = masks
            self._alive[start:end] = True
            self._mixture[start:end] = mixture
            all_ids = np.concatenate([self._sorted_ids, ids])
            all_rows = np.concatenate([self._sorted_rows, np.arange(start, end, dtype=np.int64)])
            order = np.argsort(all_ids, kind="stable")
            self._sorted_ids, self._sorted_rows = all_ids[order], all_rows[order]
            self._size = end

    def remove(self, profile_id: int) -> None:
        with self._lock:
            at = self._row(profile_id)
            if at is not None:
                self._alive[at] = False

    def search(
        self,
        loci: Mapping[str, Sequence[str]],
        stringency: Stringency,
        *,
        min_loci: int,
        limit: int,
    ) -> tuple[list[tuple[int, int]], bool]:
        """(profile id, loci compared) of the profiles matching at the stringency, those that
        share the most loci first; and whether more than ``limit`` matched."""
        query = self.encode(loci, grow=False)
        order = [int(i) for i in np.argsort(-np.bitwise_count(query), kind="stable") if query[i]]
        if len(order) < min_loci:
            return [], False
        size, masks, alive = self._size, self._masks, self._alive
        candidates: NDArray[np.intp] | None = None  # None: every row, before the first locus
        compared = np.zeros(0, dtype=np.int64)
        for index in order:
            q = query[index]
            column = masks[index, :size] if candidates is None else masks[index][candidates]
            if stringency is Stringency.HIGH:
                ok = column == q
            elif stringency is Stringency.MODERATE:
                ok = ((column & ~q) == 0) | ((q & ~column) == 0)
            else:
                ok = (column & q) != 0
            held = column != 0
            ok |= ~held | ((column & _OVERFLOW) != 0)  # not compared, or cannot tell
            if candidates is None:
                candidates = np.flatnonzero(ok & alive[:size])
                compared = held[candidates].astype(np.int64)
            else:
                candidates, compared = candidates[ok], compared[ok] + held[ok]
            if candidates.size == 0:
                return [], False
        assert candidates is not None  # noqa: S101 - the query holds loci
        return self._best(candidates, compared, min_loci, limit)

    def prum_candidates(
        self, loci: Mapping[str, Sequence[str]], *, min_loci: int, limit: int
    ) -> tuple[list[tuple[int, int]], bool]:
        """Single-source profiles with at most one allele differing from the query over the
        loci both hold with at most two alleles and no wildcard, and at least ``min_loci``
        such loci: the Prüm full and near matches, and a few the exact rule turns down."""
        query = self.encode(loci, grow=False)
        mine = [int(i) for i in np.flatnonzero(query) if 1 <= int(np.bitwise_count(query[i])) <= 2]
        if len(mine) < min_loci:
            return [], False
        size, masks = self._size, self._masks
        candidates: NDArray[np.intp] = np.flatnonzero(self._alive[:size] & ~self._mixture[:size])
        differ = np.zeros(candidates.shape[0], dtype=np.int64)
        designated = np.zeros(candidates.shape[0], dtype=np.int64)
        for index in mine:
            q = query[index]
            q_count = int(np.bitwise_count(q))
            column = masks[index][candidates]
            count = np.bitwise_count(column).astype(np.int64)
            unsure = (column & _OVERFLOW) != 0
            compared = (count >= 1) & (count <= 2) & ~unsure
            shared = np.bitwise_count(column & q).astype(np.int64)
            both_homozygous = (count == 1) & (q_count == 1)
            # Alleles that differ between two genotypes of one or two alleles each.
            here = np.where(compared, 2 - shared * (1 + both_homozygous), 0)
            differ = differ + here
            designated = designated + (compared | unsure)
            keep = differ <= 1
            candidates, differ, designated = candidates[keep], differ[keep], designated[keep]
            if candidates.size == 0:
                return [], False
        return self._best(candidates, designated, min_loci, limit)

    def _best(
        self, candidates: NDArray[np.intp], compared: NDArray[np.int64], min_loci: int, limit: int
    ) -> tuple[list[tuple[int, int]], bool]:
        enough = compared >= min_loci
        candidates, compared = candidates[enough], compared[enough]
        best = np.argsort(-compared, kind="stable")[:limit]
        ids = self._ids
        return (
            [(int(ids[candidates[i]]), int(compared[i])) for i in best],
            candidates.shape[0] > limit,
        )

    def most_shared(
        self, loci: Mapping[str, Sequence[str]], top: int, *, min_loci: int
    ) -> list[int]:
        """Ids of the single-source profiles sharing the most alleles with the query, over at
        least ``min_loci`` loci both hold (candidates for a kinship ratio)."""
        query = self.encode(loci, grow=False)
        size, masks = self._size, self._masks
        shared = np.zeros(size, dtype=np.int32)
        held = np.zeros(size, dtype=np.int32)
        for index in np.flatnonzero(query):
            column = masks[index, :size]
            shared += np.bitwise_count(column & query[index])
            held += column != 0
        eligible = np.flatnonzero(self._alive[:size] & ~self._mixture[:size] & (held >= min_loci))
        if eligible.size > top:
            best = np.argpartition(-shared[eligible], top - 1)[:top]
            eligible = eligible[best]
        return [int(i) for i in self._ids[eligible]]

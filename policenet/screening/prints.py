"""The fingerprint index: every stored finger's code (``matching.print_codes``) in one array,
so that a search ranks the whole gallery with a few matrix products before the full cylinder
comparison runs on the best.

A ten-print probe is compared with the ten-prints finger by finger at the same positions (a
record's rank: what its best finger at each position scores above two different fingers,
summed and divided by the root of the number of fingers compared) and
with the open marks (a mark's score is its best against the probe's fingers, at its position
when it has one). A mark is compared with every finger of the ten-prints, or with those at
its position. Who may see what is the caller's to say: ``allowed`` is asked once per record.

Rows are appended in the order fingers arrive and never move, so a search running while a
record is filed sees a consistent row → record mapping; a changed record's old rows are
marked dead and new ones appended (the dead ones are dropped once they are half the rows);
a record filed again with the same fingers keeps its rows. Memory: ``CODE_BYTES`` (1,152)
bytes per finger, and 11 bytes of row bookkeeping.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from policenet.domain.fingerprints import FingerPosition, PrintKind
from policenet.matching.print_codes import CYLINDERS, DIFFERENT_FINGERS, DIMENSIONS, scores

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

    from policenet.matching.print_codes import Code

UNKNOWN = int(FingerPosition.UNKNOWN)
COMPACT_FROM = 4096  # rows: past this, the index drops dead rows once they are half


@dataclass(frozen=True, slots=True)
class IndexedPrint:
    """What the index keeps of a record besides its fingers' codes."""

    kind: PrintKind
    solved: bool
    rows: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ranked:
    """A record as the index ranks it: its score and the finger positions that made it
    (for a mark against a ten-print: the ten-print's fingers that came closest, best first)."""

    record_id: int
    score: float
    positions: tuple[int, ...]


class PrintIndex:
    """Codes of every finger of every active fingerprint record."""

    def __init__(self, capacity: int = 1024) -> None:
        self._codes = np.zeros((capacity, CYLINDERS, DIMENSIONS), dtype=np.int8)
        self._record = np.zeros(capacity, dtype=np.int64)
        self._position = np.zeros(capacity, dtype=np.int8)
        self._latent = np.zeros(capacity, dtype=bool)
        self._alive = np.zeros(capacity, dtype=bool)
        self._size = 0
        self._live = 0  # rows alive
        self._records: dict[int, IndexedPrint] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Records indexed."""
        return len(self._records)

    @property
    def fingers(self) -> int:
        return self._live

    @property
    def nbytes(self) -> int:
        arrays = (self._codes, self._record, self._position, self._latent, self._alive)
        return sum(a[: self._size].nbytes for a in arrays)

    def add(
        self, record_id: int, kind: PrintKind, solved: bool, fingers: Sequence[tuple[int, Code]]
    ) -> None:
        """File a record's fingers (position, code); filing it again replaces them. A record
        filed again with the same fingers (renewed, solved, restricted) keeps its rows."""
        with self._lock:
            before = self._records.get(record_id)
            if before is not None and self._same(before, fingers):
                self._latent[list(before.rows)] = kind is PrintKind.LATENT
                self._records[record_id] = IndexedPrint(kind, solved, before.rows)
                return
            self._drop(record_id)
            needed = self._size + len(fingers)
            if needed > len(self._record):
                self._grow(max(needed, 2 * len(self._record)))
            rows = range(self._size, needed)
            for row, (position, value) in zip(rows, fingers, strict=True):
                self._codes[row] = value
                self._position[row] = position
            self._record[rows.start : rows.stop] = record_id
            self._latent[rows.start : rows.stop] = kind is PrintKind.LATENT
            self._alive[rows.start : rows.stop] = True
            self._size = needed
            self._live += len(fingers)
            self._records[record_id] = IndexedPrint(kind, solved, tuple(rows))
            if self._size > COMPACT_FROM and self._size > 2 * self._live:
                self._compact()

    def _same(self, before: IndexedPrint, fingers: Sequence[tuple[int, Code]]) -> bool:
        return len(before.rows) == len(fingers) and all(
            self._position[row] == position and np.array_equal(self._codes[row], value)
            for row, (position, value) in zip(before.rows, fingers, strict=True)
        )

    def _compact(self) -> None:
        """Drop the rows of records changed or withdrawn since. New arrays: a search running
        keeps reading the ones it took."""
        kept = np.flatnonzero(self._alive[: self._size])
        moved = np.full(self._size, -1, dtype=np.int64)
        moved[kept] = np.arange(len(kept))
        capacity = max(len(kept) * 2, 1024)

        def packed(array: NDArray[np.generic]) -> NDArray[np.generic]:
            out = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
            out[: len(kept)] = array[kept]
            return out

        self._codes = packed(self._codes)  # type: ignore[assignment]
        self._record = packed(self._record)  # type: ignore[assignment]
        self._position = packed(self._position)  # type: ignore[assignment]
        self._latent = packed(self._latent)
        self._alive = packed(self._alive)
        self._size = len(kept)
        self._records = {
            record_id: IndexedPrint(
                found.kind, found.solved, tuple(int(moved[row]) for row in found.rows)
            )
            for record_id, found in self._records.items()
        }

    def remove(self, record_id: int) -> None:
        with self._lock:
            self._drop(record_id)

    def _drop(self, record_id: int) -> None:
        found = self._records.pop(record_id, None)
        if found is not None:
            self._alive[list(found.rows)] = False
            self._live -= len(found.rows)

    def _grow(self, capacity: int) -> None:
        def grown(array: NDArray[np.generic]) -> NDArray[np.generic]:
            bigger = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
            bigger[: self._size] = array[: self._size]
            return bigger

        self._codes = grown(self._codes)  # type: ignore[assignment]
        self._record = grown(self._record)  # type: ignore[assignment]
        self._position = grown(self._position)  # type: ignore[assignment]
        self._latent = grown(self._latent)
        self._alive = grown(self._alive)

    def search(
        self,
        kind: PrintKind,
        probe: Sequence[tuple[int, Code]],
        *,
        allowed: Callable[[int], bool],
        limit: int,
        exclude: int | None = None,
    ) -> list[Ranked]:
        """The ``limit`` best records of each kind the probe is compared with (ten-prints,
        and open marks for a ten-print probe), best first."""
        with self._lock:
            size = self._size
            records = dict(self._records)
            # Rows past ``size`` or filed later are not read: they may still be filling.
            codes, owner = self._codes[:size], self._record[:size]
            position, latent = self._position[:size], self._latent[:size]
            alive = self._alive[:size].copy()
        permitted = {
            record_id
            for record_id, found in records.items()
            if record_id != exclude
            and (found.kind is PrintKind.TENPRINT or not found.solved)
            and allowed(record_id)
        }
        alive &= np.isin(owner, np.fromiter(permitted, dtype=np.int64, count=len(permitted)))
        ranked = self._tenprints(probe, codes, owner, position, alive & ~latent, kind, limit)
        if kind is PrintKind.TENPRINT:
            ranked += self._marks(probe, codes, owner, position, alive & latent, limit)
        return ranked

    @staticmethod
    def _tenprints(
        probe: Sequence[tuple[int, Code]],
        codes: NDArray[np.int8],
        owner: NDArray[np.int64],
        position: NDArray[np.int8],
        rows: NDArray[np.bool_],
        kind: PrintKind,
        limit: int,
    ) -> list[Ranked]:
        candidates = np.flatnonzero(rows)
        if not len(candidates):
            return []
        ids, inverse = np.unique(owner[candidates], return_inverse=True)
        # Per record and finger position: its best score against the probe.
        per = np.full((len(ids), len(FingerPosition)), -np.inf, dtype=np.float32)
        excess = np.zeros(len(ids), dtype=np.float64)
        compared = np.zeros(len(ids), dtype=np.int64)
        for probe_position, value in probe:
            if kind is PrintKind.TENPRINT or probe_position != UNKNOWN:
                chosen = np.flatnonzero(position[candidates] == probe_position)
            else:
                chosen = np.arange(len(candidates))
            if not len(chosen):
                continue
            found = scores(value, codes, candidates[chosen])
            if kind is PrintKind.TENPRINT:
                # A position may be there twice (rolled and plain): the better counts.
                mine = np.full(len(ids), -np.inf, dtype=np.float32)
                np.maximum.at(mine, inverse[chosen], found)
                met = np.isfinite(mine)
                excess[met] += mine[met] - DIFFERENT_FINGERS
                compared += met
            np.maximum.at(per, (inverse[chosen], position[candidates[chosen]]), found)
        if kind is PrintKind.LATENT:
            total = per.max(axis=1).astype(np.float64)
        else:
            # What the fingers score above two different fingers, summed over the fingers
            # compared and divided by their root (as independent evidence adds up): a card of
            # two fingers is not outranked by strangers' cards of ten.
            total = excess / np.sqrt(np.maximum(compared, 1))
        reached: NDArray[np.bool_] = np.asarray(np.isfinite(per).any(axis=1), dtype=bool)
        order = [i for i in np.argsort(-total, kind="stable").tolist() if reached[i]][:limit]
        ranked = []
        for i in order:
            closest = np.argsort(-per[i], kind="stable")
            positions = tuple(int(p) for p in closest if np.isfinite(per[i, p]))
            ranked.append(Ranked(int(ids[i]), float(total[i]), positions))
        return ranked

    @staticmethod
    def _marks(
        probe: Sequence[tuple[int, Code]],
        codes: NDArray[np.int8],
        owner: NDArray[np.int64],
        position: NDArray[np.int8],
        rows: NDArray[np.bool_],
        limit: int,
    ) -> list[Ranked]:
        chosen = np.flatnonzero(rows)
        if not len(chosen):
            return []
        best = np.full(len(chosen), -np.inf, dtype=np.float32)
        at = np.zeros(len(chosen), dtype=np.int64)
        for probe_position, value in probe:
            fits = (position[chosen] == probe_position) | (position[chosen] == UNKNOWN)
            if not fits.any():
                continue
            found = np.full(len(chosen), -np.inf, dtype=np.float32)
            found[fits] = scores(value, codes, chosen[fits])
            better = found > best
            best[better] = found[better]
            at[better] = probe_position
        order = [i for i in np.argsort(-best, kind="stable").tolist() if np.isfinite(best[i])]
        ranked: list[Ranked] = []
        for i in order[:limit]:
            ranked.append(Ranked(int(owner[chosen[i]]), float(best[i]), (int(at[i]),)))
        return ranked

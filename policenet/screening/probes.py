"""The DNA searches each principal asked lately, kept in this process's memory only (never
stored: a search's profile is not the hub's to keep), to see a family of near-identical
searches: the same core of loci again and again with one locus varied, which is how a
hit_only profile is rebuilt one allele at a time (domain/probing.py).
"""

from __future__ import annotations

import threading
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime, timedelta

# Searches kept per principal (the oldest go first).
KEPT = 500

Profile = frozenset[tuple[str, tuple[str, ...]]]


class ProbeWatch:
    def __init__(self) -> None:
        self._seen: dict[int, deque[tuple[datetime, Profile]]] = {}
        self._lock = threading.Lock()

    def variants(
        self,
        principal_id: int,
        loci: Mapping[str, tuple[str, ...]],
        now: datetime,
        window: timedelta,
        shared: int,
    ) -> int:
        """Note this search; return how many of the principal's other searches within the
        window share at least ``shared`` identical loci with it without being the same
        profile (searching one stain again is no variant)."""
        profile: Profile = frozenset((locus, tuple(a)) for locus, a in loci.items())
        with self._lock:
            seen = self._seen.setdefault(principal_id, deque(maxlen=KEPT))
            while seen and now - seen[0][0] > window:
                seen.popleft()
            count = sum(
                1 for _, other in seen if other != profile and len(other & profile) >= shared
            )
            seen.append((now, profile))
        return count

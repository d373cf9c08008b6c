"""The DNA searches and person checks each principal asked lately, kept in this process's
memory only (never stored: a search's profile is not the hub's to keep), to see a family of
near-identical searches: the same core of loci again and again with one locus varied, which is
how a hit_only profile is rebuilt one allele at a time; one name again and again with another
birth date, which is how a hit_only person's birth date is narrowed (domain/probing.py).
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import timedelta

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


# A person check as noted: when, the name asked (folded), the birth date asked, and the
# hit_only person record of another bureau it hit (its id and owner), if any.
PersonCheck = tuple[datetime, str, str, tuple[int, str] | None]


class PersonWatch:
    """The person checks each principal asked lately with a birth date, in this process's
    memory only, to see one name asked again and again with other birth dates: how a
    hit_only person's birth date is narrowed down from hit/no-hit answers."""

    def __init__(self) -> None:
        self._seen: dict[int, deque[PersonCheck]] = {}
        self._lock = threading.Lock()

    def note(
        self,
        principal_id: int,
        name: str,
        birth: str,
        hit: tuple[int, str] | None,
        now: datetime,
        window: timedelta,
    ) -> None:
        with self._lock:
            seen = self._seen.setdefault(principal_id, deque(maxlen=KEPT))
            while seen and now - seen[0][0] > window:
                seen.popleft()
            seen.append((now, name, birth, hit))

    def dates(
        self, principal_id: int, name: str, since: datetime
    ) -> tuple[int, tuple[int, str] | None]:
        """How many distinct birth dates the principal asked with this name since then, and
        a hit_only record of another bureau one of those checks hit (None if none did)."""
        with self._lock:
            asked = [c for c in self._seen.get(principal_id, ()) if c[0] >= since and c[1] == name]
        hits = [c[3] for c in asked if c[3] is not None]
        return len({c[2] for c in asked}), (hits[-1] if hits else None)

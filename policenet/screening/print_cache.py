"""The cylinders of stored fingers, kept between searches; and where one search or comparison
takes its cylinders from.

The same stored fingers come back search after search (the index shortlists the closest
records each time, and every new ten-print meets the same open marks): their cylinders
(``matching.cylinders``) are built once, not at every comparison. The cache is the
process's, shared by the server's threads like the indexes beside it, and bounded
(``CACHE_VIEWS``). A finger is cached under its record's id and last update, so a changed
record is never answered from an old entry and the change feed need not be followed. A probe
sent once is never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from policenet.matching.cylinders import Cylinders, cylinders

if TYPE_CHECKING:
    from policenet.matching.print_comparison import Finger, FingerKey

CACHE_VIEWS = 512  # cylinders kept between searches (about 300 kB each)


class CylinderCache:
    """The cylinders of stored fingers, view by view, least recently used dropped first.
    Shared by the server's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._views: OrderedDict[tuple[FingerKey, int], Cylinders] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, finger: Finger, view: int) -> Cylinders:
        """The finger's cylinders for one view, built (outside the lock) when not kept."""
        key = (finger.key, view)
        with self._lock:
            found = self._views.get(key)
            if found is not None:
                self._views.move_to_end(key)
                return found
        found = cylinders(finger.template.views[view])
        with self._lock:
            self._views[key] = found
            while len(self._views) > self.size:
                self._views.popitem(last=False)
        return found


_cache = CylinderCache(CACHE_VIEWS)


class SearchCylinders:
    """Where a search gets its cylinders: the probe's built once for the search (a probe
    sent once is not kept), the stored records' from the shared cache."""

    def __init__(self, probe: list[Finger]) -> None:
        self._probe_keys = {finger.key for finger in probe}
        self._probe: dict[tuple[FingerKey, int], Cylinders] = {}

    def get(self, finger: Finger, view: int) -> Cylinders:
        """The finger's cylinders for one view: the probe's from this search's own store,
        any other from the shared cache."""
        if finger.key not in self._probe_keys:
            return _cache.get(finger, view)
        key = (finger.key, view)
        found = self._probe.get(key)
        if found is None:
            found = self._probe[key] = cylinders(finger.template.views[view])
        return found

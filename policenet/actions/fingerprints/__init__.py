"""Fingerprint searches: a ten-print card or a crime-scene mark against every fingerprint record
the searching bureau may see, ranked for an examiner; the examiner's decision on each
candidate; an identification becomes a hit on the owner's record, alerted like any other.

- A ten-print is compared finger by finger with the ten-prints (same finger positions; the
  record's score is the sum), and with the unsolved latent marks (reverse search: each mark
  against the probe's fingers, the best one counts).
- A latent mark is compared with every finger of the ten-prints (or the one position given).
- The fingerprint index (``screening.prints``) ranks every finger the searcher may see on its
  code; the best ``INDEX_SHORTLIST`` records of each kind are compared in full on one
  extraction (view 0), and the best ``SHORTLIST`` of those on all four
  (``matching.print_comparison``, with the stored fingers' cylinders from
  ``screening.print_cache``).
- An examiner's identification of a mark its bureau searched solves the mark.
- A ``hit_only`` candidate shows only its owner and the reference to quote.

The verbs: ``search_prints`` (``searches``), ``read_search`` (``candidates``),
``verify_prints`` (``verification``), ``decide_candidate`` (``examiners``) and
``reverse_search`` (``reverse``).
"""

from __future__ import annotations

from policenet.actions.fingerprints.candidates import SearchView, read_search
from policenet.actions.fingerprints.examiners import decide_candidate
from policenet.actions.fingerprints.reverse import REVERSE_SHORTLIST, OpenMarks, reverse_search
from policenet.actions.fingerprints.searches import (
    INDEX_SHORTLIST,
    MARK_FINGERS,
    SHORTLIST,
    search_prints,
)
from policenet.actions.fingerprints.verification import Verification, verify_prints
from policenet.matching.print_comparison import REVERSE_THRESHOLD, VERIFY_THRESHOLD
from policenet.screening.print_cache import CACHE_VIEWS

__all__ = [
    "CACHE_VIEWS",
    "INDEX_SHORTLIST",
    "MARK_FINGERS",
    "REVERSE_SHORTLIST",
    "REVERSE_THRESHOLD",
    "SHORTLIST",
    "VERIFY_THRESHOLD",
    "OpenMarks",
    "SearchView",
    "Verification",
    "decide_candidate",
    "read_search",
    "reverse_search",
    "search_prints",
    "verify_prints",
]

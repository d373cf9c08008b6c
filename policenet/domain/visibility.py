"""Who an owner lets see a record: every member, only listed countries, or all but listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class VisibilityScope(StrEnum):
    """The three restrictions of the organisation's data rules."""

    ALL = "all"
    ONLY_LISTED = "only_listed"
    ALL_BUT_LISTED = "all_but_listed"


@dataclass(frozen=True, slots=True)
class Visibility:
    """An owner's restriction on a record; ``countries`` are ISO alpha-2 codes."""

    scope: VisibilityScope = VisibilityScope.ALL
    countries: frozenset[str] = field(default_factory=frozenset)

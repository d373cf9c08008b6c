"""Classification of what the network carries, and the clearance of who may read it."""

from __future__ import annotations

from enum import StrEnum


class Classification(StrEnum):
    """How sensitive a message or an event is; a principal reads up to its clearance."""

    UNCLASSIFIED = "unclassified"
    RESTRICTED = "restricted"
    CONFIDENTIAL = "confidential"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, classification: Classification) -> bool:
        """Whether a principal cleared at this level may read something so classified."""
        return classification.rank <= self.rank

    def readable(self) -> tuple[Classification, ...]:
        """Every classification a principal cleared at this level may read."""
        return tuple(c for c in Classification if self.allows(c))


_RANKS = {
    Classification.UNCLASSIFIED: 0,
    Classification.RESTRICTED: 1,
    Classification.CONFIDENTIAL: 2,
}

"""The nine notice types, each a colour (or the UN Special Notice) that says what is asked of
the members, and which of them may be shown to the public."""

from __future__ import annotations

from enum import StrEnum


class NoticeType(StrEnum):
    RED = "red"  # locate and arrest with a view to extradition
    YELLOW = "yellow"  # missing person, or a person unable to identify themselves
    BLUE = "blue"  # identity, location or activities
    BLACK = "black"  # unidentified body
    GREEN = "green"  # warning: a person likely to reoffend
    ORANGE = "orange"  # imminent threat
    PURPLE = "purple"  # modus operandi, objects, devices, concealment methods
    SILVER = "silver"  # criminal assets
    UN_SPECIAL = "un_special"  # United Nations Security Council Special Notice

    @property
    def always_public(self) -> bool:
        """Security Council Special Notices are public whatever the requester says."""
        return self is NoticeType.UN_SPECIAL

    @property
    def may_be_public(self) -> bool:
        """Types whose extract may be published with the requester's consent."""
        return self in (NoticeType.RED, NoticeType.YELLOW)

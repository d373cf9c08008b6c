"""What each notice type requires of a request before it is submitted, the Red notice's
penalty threshold, and whether a published notice has a public extract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policenet.domain.notices.types import NoticeType

if TYPE_CHECKING:
    from policenet.domain.notices.content import NoticeContent, Offence

# Thresholds of the Rules on the Processing of Data for a Red notice.
RED_MIN_PENALTY_YEARS = 2
RED_MIN_SENTENCE_MONTHS = 6


@dataclass(frozen=True, slots=True)
class Missing:
    """A field a type requires that a request lacks."""

    field: str
    why: str


def _has(content: NoticeContent, path: str) -> bool:
    value: Any = content
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return False
    return True


_COMMON = (("title", "every notice has a short title"),)
_PERSON = ("subject_person_id", "the person record it is about")

REQUIRED: dict[NoticeType, tuple[tuple[str, str], ...]] = {
    NoticeType.RED: (
        _PERSON,
        ("offence.description", "the facts of the offence"),
        ("offence.law", "the law that punishes the offence"),
        ("warrant", "the arrest warrant or judgment (reference, date, issuing authority)"),
        ("extradition_assurance", "the assurance that extradition will be requested"),
    ),
    NoticeType.YELLOW: (_PERSON, ("missing", "the circumstances of the disappearance")),
    NoticeType.BLUE: (
        _PERSON,
        ("purpose", "what is sought: identity, location or activities"),
        ("offence.description", "the criminal investigation it serves"),
    ),
    NoticeType.BLACK: (("body", "where and when the body was found, and its description"),),
    NoticeType.GREEN: (
        _PERSON,
        ("offence.description", "the offences the person committed"),
        ("purpose", "why the person is likely to reoffend"),
    ),
    NoticeType.ORANGE: (("threat", "the threat and what it comes from"),),
    NoticeType.PURPLE: (("modus_operandi", "the modus operandi, objects or concealment"),),
    NoticeType.SILVER: (
        ("assets", "the assets sought"),
        ("offence.description", "the criminal activity the assets come from"),
    ),
    NoticeType.UN_SPECIAL: (
        _PERSON,
        ("sanctions", "the Security Council committee, the UN reference and the measures"),
    ),
}


def missing_fields(content: NoticeContent) -> list[Missing]:
    """What the request still lacks before it can be submitted."""
    missing = [
        Missing(f, why) for f, why in (*_COMMON, *REQUIRED[content.type]) if not _has(content, f)
    ]
    if content.type is NoticeType.RED:
        offence = content.offence
        if offence is None or (
            offence.max_penalty_years is None
            and not offence.life_imprisonment
            and offence.sentence_remaining_months is None
        ):
            missing.append(
                Missing(
                    "offence.max_penalty_years",
                    "the maximum penalty (or 'life_imprisonment'), or for a sentenced person "
                    "'sentence_remaining_months'",
                )
            )
    if (
        content.type is NoticeType.ORANGE
        and content.threat is not None
        and content.threat.kind == "person"
        and content.subject_person_id is None
    ):
        missing.append(Missing(_PERSON[0], "a threat from a person names the person record"))
    return missing


def red_threshold_met(offence: Offence) -> bool:
    """At least 2 years' maximum penalty, or at least 6 months of a sentence left to serve."""
    return (
        offence.life_imprisonment
        or (offence.max_penalty_years or 0) >= RED_MIN_PENALTY_YEARS
        or (offence.sentence_remaining_months or 0) >= RED_MIN_SENTENCE_MONTHS
    )


def is_public(notice_type: NoticeType, content: NoticeContent) -> bool:
    """Whether a published notice of this type and content has a public extract."""
    return notice_type.always_public or (notice_type.may_be_public and content.public_consent)

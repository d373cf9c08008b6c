"""Public extracts of notices: what anyone may read without an account.

Published, valid Red and Yellow notices whose requester consented, and every Security Council
Special Notice. An extract holds the name, the age, the nationalities, the charges in general
terms and the photograph reference, with the notice's type and reference to cite it; nothing
else of the request leaves through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from anyascii import anyascii

from policenet.domain.notices import Notice, NoticeType, age_on
from policenet.store import notices as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

PUBLIC_TYPES = frozenset({NoticeType.RED, NoticeType.YELLOW, NoticeType.UN_SPECIAL})


@dataclass(frozen=True, slots=True)
class PublicExtract:
    reference: str
    type: NoticeType
    name: str
    age: int | None
    nationalities: tuple[str, ...]
    charges: str | None
    photo_ref: str | None


def _charges(notice: Notice) -> str | None:
    content = notice.content
    if content.public_extract is not None and content.public_extract.charges is not None:
        return content.public_extract.charges
    if content.offence is not None and content.offence.charges is not None:
        return content.offence.charges
    if content.sanctions is not None:
        return (
            f"United Nations Security Council sanctions: {content.sanctions.committee}, "
            f"{content.sanctions.un_reference}"
        )
    return None


def extract(notice: Notice, now: datetime) -> PublicExtract:
    subject = notice.subject or {}
    return PublicExtract(
        reference=notice.reference,
        type=notice.type,
        name=str(subject.get("name") or ""),
        age=age_on(subject.get("birth_date"), now.date()),
        nationalities=tuple(subject.get("nationalities") or ()),
        charges=_charges(notice),
        photo_ref=subject.get("photo_ref"),
    )


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in anyascii(text).casefold()).split()


def _name_matches(query: list[str], extract: PublicExtract) -> bool:
    """Every word of the query begins a word of the name, in any script or spelling that
    transliterates alike (Владимир finds Vladimir)."""
    words = _words(extract.name)
    return all(any(w.startswith(q) for w in words) for q in query)


def public_extracts(
    session: Session,
    now: datetime,
    *,
    name: str | None,
    notice_type: NoticeType | None,
    nationality: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[PublicExtract]]:
    """Matching public extracts, newest first, and how many match in all."""
    found = [extract(n, now) for n in store.public(session, now) if n.type in PUBLIC_TYPES]
    if notice_type is not None:
        found = [e for e in found if e.type is notice_type]
    if nationality:
        code = nationality.strip().upper()
        found = [e for e in found if code in e.nationalities]
    query = _words(name) if name else []
    if query:
        found = [e for e in found if _name_matches(query, e)]
    return len(found), found[offset : offset + limit]

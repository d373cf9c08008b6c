"""The check: is this travel document known? Every check is audited, hit or no hit.

A record the caller may not see is looked up, filtered and audited exactly like any other, and
the answer is the one an unknown document gets: nothing in the response tells them apart.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from policenet.access import may_see, require, sees_details
from policenet.domain.checks import CheckRequest, CheckResult, DocumentHit, MatchKind
from policenet.domain.clock import utcnow
from policenet.domain.errors import Forbidden, InvalidInput
from policenet.domain.members import alpha2_from_icao, normalise_country
from policenet.domain.principals import Principal, Right
from policenet.matching.documents import differs_only_by_o_zero, normalise_number
from policenet.matching.mrz import Mrz, parse_mrz
from policenet.store import audit
from policenet.store import documents as store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.documents import TravelDocument

_O_ZERO_NOTE = (
    "The number matched only with the letter O read as the digit 0: compare the document "
    "itself with the recorded number {recorded} before acting."
)


def _subject(request: CheckRequest, actor: Principal) -> tuple[str | None, str, Mrz | None, str]:
    """The issuing country, normalised number and parsed zone that a request asks about."""
    if request.mrz is not None:
        if not sees_details(actor):
            raise Forbidden(
                "Carriers check a document by issuing country and number only: holder names "
                "are never sent. Send 'document' instead of 'mrz'.",
                code="carrier_mrz_refused",
            )
        mrz = parse_mrz(request.mrz)
        return (
            alpha2_from_icao(mrz.issuing_state),
            normalise_number(mrz.document_number),
            mrz,
            (mrz.issuing_state),
        )
    assert request.document is not None  # noqa: S101 - the model requires one of the two
    country = normalise_country(request.document.issuing_country)
    if country is None:
        raise InvalidInput(
            f"{request.document.issuing_country!r} is not a country code: give the ISO "
            "alpha-2 or alpha-3 code of the issuing state.",
            code="country_unknown",
            field="document.issuing_country",
        )
    return country, normalise_number(request.document.number), None, country


def _hit(document: TravelDocument, asked: str, details: bool) -> DocumentHit:
    """One record as an answer: the record and its owner only for callers who see details."""
    o_zero = differs_only_by_o_zero(document.number, asked)
    return DocumentHit(
        match=MatchKind.LETTER_O_AS_ZERO if o_zero else MatchKind.EXACT,
        note=_O_ZERO_NOTE.format(recorded=document.number) if o_zero else None,
        owner_bureau_id=document.owner_bureau_id if details else None,
        owner_country=document.owner_country if details else None,
        reported_at=document.reported_at if details else None,
        record=document if details else None,
    )


def check(session: Session, actor: Principal, request: CheckRequest) -> CheckResult:
    """Answer a check with every record the actor may see; audit the question and the answer."""
    require(actor, Right.CHECK_DOCUMENTS)
    country, number, mrz, asked_country = _subject(request, actor)
    found = [] if country is None else store.lookup(session, issuing_country=country, number=number)
    visible = [d for d in found if may_see(actor, d.owner_country, d.visibility)]
    details = sees_details(actor)
    hits = [_hit(d, number, details) for d in visible]
    notes = []
    if country is None:
        notes.append(
            f"The issuing state {asked_country} is not a country whose bureaus record "
            "documents here: no record can answer."
        )
    result = CheckResult(
        reference=uuid.uuid4().hex,
        checked_at=utcnow(),
        issuing_country=country,
        number=number,
        hits=hits,
        notes=notes,
    )
    asked: dict[str, Any] = {"issuing_country": asked_country, "number": number}
    if mrz is not None:
        asked |= {
            "mrz_format": mrz.format,
            "holder": mrz.holder_name,
            "birth_date": None if mrz.birth_date is None else mrz.birth_date.isoformat(),
        }
    audit.append_by(
        session,
        actor,
        "check",
        "travel_documents",
        {
            "reference": result.reference,
            "asked": asked,
            "place": request.place,
            "answered": {"hit": result.hit, "records": [d.id for d in visible]},
            "withheld": len(found) - len(visible),
        },
    )
    return result

"""The answer to a check and to a batch of checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

from policenet.api.schemas.records import RecordPublic, TravelDocumentPublic, shown_public
from policenet.domain.checks import CheckFailure, CheckResult, Hit
from policenet.domain.notices import (
    NoticeRef,
    NoticeType,
)
from policenet.domain.records import Database
from policenet.domain.terms import Disclosure

_HIT_CONTENT = ("match", "score", "explanation", "note", "reported_at", "record")


class NoticeRefPublic(BaseModel):
    """A published notice that a hit names: read it at GET /v1/notices/{id}."""

    id: int
    reference: str
    type: NoticeType
    title: str | None

    @classmethod
    def of(cls, n: NoticeRef) -> NoticeRefPublic:
        return cls(id=n.id, reference=n.reference, type=n.type, title=n.title)


class HitPublic(BaseModel):
    """A hit. For a hit_only record of another bureau, and for carriers, only the database,
    the owner (not to carriers) and the reference to quote to the owner are sent."""

    reference: str = Field(description="Quote it to the owner bureau to ask about the hit.")
    database: Database
    part: str = Field(description="Which part of the check found it.")
    disclosure: Disclosure
    owner_bureau: str | None = None
    match: str | None = None
    score: float | None = None
    explanation: list[str] | None = None
    note: str | None = None
    reported_at: datetime | None = None
    record: TravelDocumentPublic | RecordPublic | None = None
    notices: list[NoticeRefPublic] = Field(
        default_factory=list,
        description="Published notices on the person found (e.g. a Red notice): every member "
        "may read them.",
    )

    @model_serializer(mode="wrap")
    def _without_content(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.record is None:
            for name in (*_HIT_CONTENT, "owner_bureau"):
                if data.get(name) is None:
                    data.pop(name, None)
            if not data.get("notices"):
                data.pop("notices", None)
        return data

    @classmethod
    def of(cls, h: Hit) -> HitPublic:
        record = None if h.record is None else shown_public(h.record)
        return cls(
            reference=h.reference,
            database=h.database,
            part=h.part,
            disclosure=h.disclosure,
            owner_bureau=h.owner_bureau_id,
            match=None if h.match is None else h.match.value,
            score=h.score,
            explanation=list(h.explanation) if record is not None else None,
            note=h.note,
            reported_at=h.reported_at,
            record=record,
            notices=[NoticeRefPublic.of(n) for n in h.notices],
        )


class CheckPublic(BaseModel):
    reference: str
    checked_at: datetime
    hit: bool
    asked: dict[str, Any]
    hits: list[HitPublic]
    notes: list[str]

    @classmethod
    def of(cls, r: CheckResult) -> CheckPublic:
        return cls(
            reference=r.reference,
            checked_at=r.checked_at,
            hit=r.hit,
            asked=r.asked,
            hits=[HitPublic.of(h) for h in r.hits],
            notes=r.notes,
        )


class CheckErrorPublic(BaseModel):
    code: str
    message: str
    field: str | None


class BatchItemPublic(BaseModel):
    index: int
    result: CheckPublic | None = None
    error: CheckErrorPublic | None = None


class BatchPublic(BaseModel):
    checked: int = Field(description="How many checks were asked.")
    hits: int = Field(description="How many of them hit.")
    results: list[BatchItemPublic] = Field(description="One per check, in the order sent.")

    @classmethod
    def of(cls, answers: list[CheckResult | CheckFailure]) -> BatchPublic:
        items = [
            BatchItemPublic(index=i, result=CheckPublic.of(a))
            if isinstance(a, CheckResult)
            else BatchItemPublic(
                index=i, error=CheckErrorPublic(code=a.code, message=a.message, field=a.field)
            )
            for i, a in enumerate(answers)
        ]
        return cls(
            checked=len(answers),
            hits=sum(1 for a in answers if isinstance(a, CheckResult) and a.hit),
            results=items,
        )

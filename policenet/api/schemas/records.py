"""Records of the police databases, as their reader may see them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from policenet.access import owner_terms
from policenet.api.schemas.copies import PublicCopy
from policenet.domain.clock import utcnow
from policenet.domain.documents import DocumentStatus, DocumentType, TravelDocument
from policenet.domain.principals import Principal
from policenet.domain.records import Database, Record
from policenet.domain.terms import Disclosure
from policenet.domain.visibility import Visibility, VisibilityScope


class VisibilityPublic(BaseModel):
    scope: VisibilityScope
    countries: list[str]

    @classmethod
    def of(cls, v: Visibility) -> VisibilityPublic:
        return cls(scope=v.scope, countries=sorted(v.countries))


class TravelDocumentPublic(PublicCopy):
    id: int
    owner_bureau_id: str
    issuing_country: str
    document_type: DocumentType
    number: str
    status: DocumentStatus
    event_date: date
    holder_name: str | None
    holder_birth_date: date | None
    disclosure: Disclosure
    review_date: date | None
    external_ref: str | None = Field(description="The owner's own reference, shown to it only.")
    visibility: VisibilityPublic | None = Field(
        description="The owner's restriction, shown to the owner bureau only."
    )
    reported_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, d: TravelDocument, viewer: Principal) -> TravelDocumentPublic:
        terms = owner_terms(viewer, d.owner_bureau_id, d.external_ref, d.visibility)
        return cls.copied(
            d,
            external_ref=terms.external_ref,
            visibility=None if terms.visibility is None else VisibilityPublic.of(terms.visibility),
        )


class RecordPublic(PublicCopy):
    """A record of persons, vehicles, art, firearms or vessels, as its reader may see it."""

    id: int
    database: Database
    owner_bureau_id: str
    disclosure: Disclosure
    review_date: date
    expired: bool
    data: dict[str, Any] = Field(description="The record's content; its fields per database.")
    external_ref: str | None = Field(description="The owner's own reference, shown to it only.")
    visibility: VisibilityPublic | None = Field(
        description="The owner's restriction, shown to the owner bureau only."
    )
    entered_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    notes: list[str] = Field(default_factory=list, description="About its identifiers.")

    @classmethod
    def of(cls, r: Record, viewer: Principal, notes: tuple[str, ...] = ()) -> RecordPublic:
        terms = owner_terms(viewer, r.owner_bureau_id, r.external_ref, r.visibility)
        return cls.copied(
            r,
            expired=r.expired(utcnow().date()),
            external_ref=terms.external_ref,
            visibility=None if terms.visibility is None else VisibilityPublic.of(terms.visibility),
            notes=list(notes),
        )

"""Records of the police databases, as their reader may see them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from policenet.api.schemas.copies import PublicCopy
from policenet.api.schemas.pages import ListedPublic
from policenet.domain.documents import DocumentStatus, DocumentType
from policenet.domain.records import Database
from policenet.domain.shown import DocumentShown, RecordShown
from policenet.domain.terms import Disclosure
from policenet.domain.visibility import Visibility, VisibilityScope


class VisibilityPublic(BaseModel):
    scope: VisibilityScope
    countries: list[str]

    @classmethod
    def maybe(cls, v: Visibility | None) -> VisibilityPublic | None:
        return None if v is None else cls(scope=v.scope, countries=sorted(v.countries))


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
    def of(cls, d: DocumentShown) -> TravelDocumentPublic:
        return cls.copied(d, visibility=VisibilityPublic.maybe(d.visibility))


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
    def of(cls, r: RecordShown) -> RecordPublic:
        return cls.copied(r, visibility=VisibilityPublic.maybe(r.visibility), notes=list(r.notes))


def shown_public(r: DocumentShown | RecordShown) -> TravelDocumentPublic | RecordPublic:
    """The answer for a record of any database."""
    if isinstance(r, DocumentShown):
        return TravelDocumentPublic.of(r)
    return RecordPublic.of(r)


class WatchPublic(BaseModel):
    watched: bool = Field(description="Whether you are told of every read by another bureau.")


class _PageCounts(ListedPublic):
    facets: dict[str, dict[str, int]] = Field(
        description="Counts by owner bureau, owner country or state, as asked (facet=...); "
        "exact when total_exact, lower bounds otherwise."
    )


class RecordPagePublic(_PageCounts):
    """A page of a list of records."""

    items: list[RecordPublic]


class TravelDocumentPagePublic(_PageCounts):
    """A page of a list of travel documents."""

    items: list[TravelDocumentPublic]


class ImportErrorPublic(BaseModel):
    line: int = Field(description="The line of the file (the record, in an ANSI/NIST file).")
    field: str | None
    message: str


class ImportJobPublic(BaseModel):
    """An import sent over the network, as its sender follows it."""

    id: int
    database: Database
    format: str
    skip_invalid: bool
    source: str
    size: int = Field(description="The file's size in bytes.")
    rows: int | None = Field(description="Rows in the file (None for ANSI/NIST).")
    state: str = Field(
        description="queued, running, then done, rejected (nothing written: see errors), "
        "failed (nothing written: see message) or cancelled."
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    validated: int
    written: int
    skipped: int = Field(description="Bad rows left out (skip_invalid).")
    rate: float | None = Field(description="Rows validated a second, while it runs.")
    seconds_left: float | None = Field(description="Time left, while it runs.")
    code: str | None
    message: str | None
    error_count: int
    errors: list[ImportErrorPublic] = Field(description="The first 1,000 bad rows.")
    link: str


class ImportJobPagePublic(ListedPublic):
    """A page of a bureau's imports."""

    items: list[ImportJobPublic]

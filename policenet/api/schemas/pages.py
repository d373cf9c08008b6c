"""A page of a list: its items, its total and where the next page starts.

Every list of the API that can grow answers this envelope: the records' lists (with facets
besides) and the lists in order of entry (hits, messages, notices, diffusions, the audit log,
imports, principals, agencies, the requests of the people in the files, probing limits)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from policenet.api.schemas.network import (
    AuditEntryPublic,
    MessagePublic,
    ProbingLimitPublic,
    QueryOnRecordPublic,
    StoredHitPublic,
    SubjectRequestPublic,
)
from policenet.api.schemas.notices import DiffusionPublic, NoticePublic


class ListedPublic(BaseModel):
    total: int | None = Field(
        description="How many items the list holds: exact when total_exact, otherwise at "
        "least this many (counted up to 10,000). None when total=false was asked."
    )
    total_exact: bool | None
    after: str | None = Field(description="The cursor of the next page; None on the last.")
    next: str | None = Field(description="The next page's path and query; None on the last.")


class HitPagePublic(ListedPublic):
    """A page of hits."""

    items: list[StoredHitPublic]


class MessagePagePublic(ListedPublic):
    """A page of messages."""

    items: list[MessagePublic]


class NoticePagePublic(ListedPublic):
    """A page of notice requests and notices."""

    items: list[NoticePublic]


class DiffusionPagePublic(ListedPublic):
    """A page of diffusions."""

    items: list[DiffusionPublic]


class AuditEntryPagePublic(ListedPublic):
    """A page of audit entries."""

    items: list[AuditEntryPublic]


class QueryOnRecordPagePublic(ListedPublic):
    """A page of the queries that hit a bureau's records."""

    items: list[QueryOnRecordPublic]


class SubjectRequestPagePublic(ListedPublic):
    """A page of the requests of the people in the files, soonest deadline first."""

    items: list[SubjectRequestPublic]


class ProbingLimitPagePublic(ListedPublic):
    """A page of the limits put on probing."""

    items: list[ProbingLimitPublic]

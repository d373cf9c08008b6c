"""The tables of fingerprint searches, their candidates, and the files of fingerprint records
(images and transactions as received). ``tables`` re-exports them."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - SQLAlchemy reads the annotations

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from policenet.store.base import Base


class FingerprintSearchRow(Base):
    """A fingerprint search: who searched, when, with what probe; its candidates below."""

    __tablename__ = "fingerprint_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    bureau_id: Mapped[str] = mapped_column(String(20), index=True)
    searched_by: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    probe: Mapped[dict[str, object]] = mapped_column(JSON)


class FingerprintCandidateRow(Base):
    """One candidate of a search, ranked by score, and the examiner's decision on it."""

    __tablename__ = "fingerprint_candidates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("fingerprint_searches.id"))
    rank: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    record_id: Mapped[int] = mapped_column(Integer)
    owner_bureau_id: Mapped[str] = mapped_column(String(20))
    disclosure: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    score: Mapped[float]
    fingers: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    hit_reference: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("search_id", "rank", name="uq_fingerprint_candidates_rank"),)


class FingerprintFileRow(Base):
    """What a fingerprint record was made from: each finger's image as received, and the
    ANSI/NIST-ITL transaction when it came as one (given back as it came)."""

    __tablename__ = "fingerprint_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # image or transaction
    finger: Mapped[int | None] = mapped_column(Integer)  # its place in the record's fingers
    media_type: Mapped[str] = mapped_column(String(60))
    ppi: Mapped[float | None] = mapped_column(Float)
    data: Mapped[bytes] = mapped_column(LargeBinary)

"""Fingerprint searches and their candidates, with the examiners' decisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select

from policenet.domain.fingerprints import ReceivedFile
from policenet.store.tables import (
    FingerprintCandidateRow,
    FingerprintFileRow,
    FingerprintSearchRow,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    rank: int
    reference: str
    record_id: int
    owner_bureau_id: str
    disclosure: str
    kind: str
    score: float
    fingers: list[dict[str, Any]]
    decision: str | None
    decided_by: int | None
    decided_at: datetime | None
    note: str | None
    hit_reference: str | None


@dataclass(frozen=True, slots=True)
class Search:
    id: int
    reference: str
    bureau_id: str
    searched_by: int
    at: datetime
    probe: dict[str, Any]
    candidates: list[Candidate]


def _candidate(row: FingerprintCandidateRow) -> Candidate:
    return Candidate(
        id=row.id,
        rank=row.rank,
        reference=row.reference,
        record_id=row.record_id,
        owner_bureau_id=row.owner_bureau_id,
        disclosure=row.disclosure,
        kind=row.kind,
        score=row.score,
        fingers=list(row.fingers),
        decision=row.decision,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        note=row.note,
        hit_reference=row.hit_reference,
    )


def add(session: Session, search: dict[str, Any], candidates: list[dict[str, Any]]) -> int:
    """Store a search and its candidates; its id."""
    search_id = int(
        session.execute(
            insert(FingerprintSearchRow).returning(FingerprintSearchRow.id), search
        ).scalar_one()
    )
    if candidates:
        session.execute(
            insert(FingerprintCandidateRow), [c | {"search_id": search_id} for c in candidates]
        )
    return search_id


def get(session: Session, reference: str) -> Search | None:
    row = session.execute(
        select(FingerprintSearchRow).where(FingerprintSearchRow.reference == reference)
    ).scalar_one_or_none()
    if row is None:
        return None
    candidates = session.execute(
        select(FingerprintCandidateRow)
        .where(FingerprintCandidateRow.search_id == row.id)
        .order_by(FingerprintCandidateRow.rank)
    ).scalars()
    return Search(
        id=row.id,
        reference=row.reference,
        bureau_id=row.bureau_id,
        searched_by=row.searched_by,
        at=row.at,
        probe=dict(row.probe),
        candidates=[_candidate(c) for c in candidates],
    )


def candidate_for_update(session: Session, search_id: int, rank: int) -> Candidate | None:
    row = session.execute(
        select(FingerprintCandidateRow)
        .where(FingerprintCandidateRow.search_id == search_id, FingerprintCandidateRow.rank == rank)
        .with_for_update()
    ).scalar_one_or_none()
    return None if row is None else _candidate(row)


def decide(session: Session, candidate_id: int, **values: Any) -> None:  # noqa: ANN401
    row = session.get(FingerprintCandidateRow, candidate_id)
    if row is None:
        raise LookupError(candidate_id)
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()


def latest_of_record(session: Session, bureau_id: str, record_id: int) -> str | None:
    """The reference of a bureau's latest search made with one of its records as the probe
    (a mark's reverse matches included)."""
    rows = session.execute(
        select(FingerprintSearchRow.reference, FingerprintSearchRow.probe)
        .where(FingerprintSearchRow.bureau_id == bureau_id)
        .order_by(FingerprintSearchRow.id.desc())
    ).all()
    for reference, probe in rows:
        if dict(probe).get("record_id") == record_id:
            return str(reference)
    return None


def replace_files(session: Session, record_id: int, files: Sequence[ReceivedFile]) -> None:
    """The record's files are these from now on."""
    session.execute(delete(FingerprintFileRow).where(FingerprintFileRow.record_id == record_id))
    if files:
        session.execute(
            insert(FingerprintFileRow),
            [
                {
                    "record_id": record_id,
                    "kind": f.kind,
                    "finger": f.finger,
                    "media_type": f.media_type,
                    "ppi": f.ppi,
                    "data": f.data,
                }
                for f in files
            ],
        )


def drop_files(session: Session, record_id: int, kind: str) -> None:
    session.execute(
        delete(FingerprintFileRow).where(
            FingerprintFileRow.record_id == record_id, FingerprintFileRow.kind == kind
        )
    )


def files_of(session: Session, record_id: int, kind: str | None = None) -> list[ReceivedFile]:
    query = select(FingerprintFileRow).where(FingerprintFileRow.record_id == record_id)
    if kind is not None:
        query = query.where(FingerprintFileRow.kind == kind)
    return [
        ReceivedFile(
            "transaction" if row.kind == "transaction" else "image",
            row.finger,
            row.media_type,
            row.ppi,
            bytes(row.data),
        )
        for row in session.execute(query.order_by(FingerprintFileRow.id)).scalars()
    ]

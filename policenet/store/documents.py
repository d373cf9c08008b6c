"""Stolen and lost travel documents: storage and the lookup that checks use."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from policenet.domain.clock import utcnow
from policenet.domain.document_numbers import comparison_key
from policenet.domain.documents import DocumentStatus, DocumentType, TravelDocument
from policenet.domain.terms import Disclosure
from policenet.domain.visibility import Visibility, VisibilityScope
from policenet.store.bulk import (
    BulkRows,
    backend_of,
    bulk_rows,
    ids_by_refs,
    refs_table,
    write_bulk,
)
from policenet.store.db import one_or_none
from policenet.store.tables import TravelDocumentRow

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from datetime import date, datetime

    from sqlalchemy.orm import Session


class DuplicateDocument(Exception):
    """An active record of the same document exists already."""


class NewDocument(NamedTuple):
    """A document about to be recorded; the number is already normalised. A named tuple: a
    bulk import makes one a row, in a third of a dataclass's time."""

    owner_bureau_id: str
    owner_country: str
    issuing_country: str
    document_type: DocumentType
    number: str
    status: DocumentStatus
    event_date: date
    holder_name: str | None
    holder_birth_date: date | None
    visibility: Visibility
    reported_by: int | None
    review_date: date
    disclosure: Disclosure = Disclosure.FULL
    external_ref: str | None = None


def document_of(row: TravelDocumentRow) -> TravelDocument:
    return TravelDocument(
        id=row.id,
        owner_bureau_id=row.owner_bureau_id,
        owner_country=row.owner_country,
        issuing_country=row.issuing_country,
        document_type=DocumentType(row.document_type),
        number=row.number,
        status=DocumentStatus(row.status),
        event_date=row.event_date,
        holder_name=row.holder_name,
        holder_birth_date=row.holder_birth_date,
        visibility=Visibility(
            scope=VisibilityScope(row.visibility), countries=frozenset(row.visibility_countries)
        ),
        reported_at=row.reported_at,
        updated_at=row.updated_at,
        withdrawn_at=row.withdrawn_at,
        external_ref=row.external_ref,
        disclosure=Disclosure(row.disclosure),
        review_date=row.review_date,
    )


@lru_cache(maxsize=1024)
def _listed(visibility: Visibility) -> list[str]:
    # One list per restriction, so that a bulk load converts it to JSON once, not per row.
    return sorted(visibility.countries)


# The columns a new record fills, in the order of ``_row``.
_COLUMNS = (
    "owner_bureau_id",
    "owner_country",
    "issuing_country",
    "document_type",
    "number",
    "number_key",
    "status",
    "event_date",
    "holder_name",
    "holder_birth_date",
    "visibility",
    "visibility_countries",
    "reported_at",
    "reported_by",
    "updated_at",
    "external_ref",
    "disclosure",
    "review_date",
    "withdrawn_at",
    "withdrawal_reason",
)


def _row(new: NewDocument, now: datetime) -> tuple[Any, ...]:
    # The enums are str: given as they are (``.value`` costs a bulk load microseconds per row).
    return (
        new.owner_bureau_id,
        new.owner_country,
        new.issuing_country,
        new.document_type,
        new.number,
        comparison_key(new.number),
        new.status,
        new.event_date,
        new.holder_name,
        new.holder_birth_date,
        new.visibility.scope,
        _listed(new.visibility),
        now,
        new.reported_by,
        now,
        new.external_ref,
        new.disclosure,
        new.review_date,
        None,  # withdrawn_at: a re-imported record is active again
        None,  # withdrawal_reason
    )


def _values(new: NewDocument, now: datetime | None = None) -> dict[str, Any]:
    return dict(zip(_COLUMNS, _row(new, now or utcnow()), strict=True))


def add(session: Session, new: NewDocument) -> TravelDocument:
    """Insert one record; raises DuplicateDocument if the same document is already active."""
    row = TravelDocumentRow(**_values(new))
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise DuplicateDocument from exc
    return document_of(row)


def add_many(session: Session, batch: Sequence[NewDocument]) -> list[int]:
    """Insert many records in one statement (bulk loads); returns their ids in order."""
    if not batch:
        return []
    result = session.execute(
        insert(TravelDocumentRow).returning(TravelDocumentRow.id, sort_by_parameter_order=True),
        [_values(new) for new in batch],
    )
    return list(result.scalars())


def find_active(
    session: Session, *, issuing_country: str, document_type: DocumentType, number: str
) -> TravelDocument | None:
    query = select(TravelDocumentRow).where(
        TravelDocumentRow.issuing_country == issuing_country,
        # The unique index leads with the key: given, the search is one seek.
        TravelDocumentRow.number_key == comparison_key(number),
        TravelDocumentRow.document_type == document_type,
        TravelDocumentRow.number == number,
        TravelDocumentRow.withdrawn_at.is_(None),
    )
    row = session.execute(query).scalar_one_or_none()
    return None if row is None else document_of(row)


def get(session: Session, document_id: int, *, for_update: bool = False) -> TravelDocument | None:
    query = select(TravelDocumentRow).where(TravelDocumentRow.id == document_id)
    row = one_or_none(session, query, for_update=for_update)
    return None if row is None else document_of(row)


def update(session: Session, document_id: int, changes: dict[str, Any]) -> TravelDocument:
    """Apply already-validated column changes to a record."""
    row = session.get(TravelDocumentRow, document_id)
    if row is None:
        raise LookupError(document_id)
    for column, value in changes.items():
        setattr(row, column, value)
    row.updated_at = utcnow()
    session.flush()
    return document_of(row)


def held_under_number(session: Session, *, issuing_country: str, number: str) -> list[int]:
    """The ids of every document of a number in an issuing country still held (withdrawn or
    past review included, erased ones not), comparing with O read as 0."""
    query = select(TravelDocumentRow.id).where(
        TravelDocumentRow.issuing_country == issuing_country,
        TravelDocumentRow.number_key == comparison_key(number),
        TravelDocumentRow.erased_at.is_(None),
    )
    return [int(found) for found in session.execute(query.order_by(TravelDocumentRow.id)).scalars()]


def lookup(
    session: Session,
    *,
    issuing_country: str,
    number: str,
    today: date,
    among: Iterable[int] | None = None,
) -> list[TravelDocument]:
    """Every record of a number in an issuing country that answers checks (active, not past
    review), comparing with O read as 0; only ``among`` these ids when the screening index
    named candidates."""
    query = select(TravelDocumentRow).where(
        TravelDocumentRow.issuing_country == issuing_country,
        TravelDocumentRow.number_key == comparison_key(number),
        TravelDocumentRow.withdrawn_at.is_(None),
        TravelDocumentRow.review_date >= today,
    )
    if among is not None:
        query = query.where(TravelDocumentRow.id.in_(sorted(set(among))))
    rows = session.execute(query.order_by(TravelDocumentRow.id)).scalars()
    return [document_of(row) for row in rows]


def upsert_many(session: Session, batch: Sequence[NewDocument]) -> None:
    """Insert documents, or update those whose owner already holds their external reference
    (every one has one). Raises DuplicateDocument if one is already recorded otherwise."""
    write_upserts(session, prepare_upserts(batch, backend_of(session)))


_KEPT_ON_UPDATE = ("reported_at", "reported_by", "owner_bureau_id", "owner_country")


def prepare_upserts(
    batch: Sequence[NewDocument], backend: str, now: datetime | None = None
) -> BulkRows:
    """The rows ``write_upserts`` writes, made ready without a connection (a bulk import makes
    them in the process that validates the file)."""
    now = now or utcnow()
    return bulk_rows(_TABLE, _COLUMNS, [_row(new, now) for new in batch], backend)


def write_upserts(session: Session, rows: BulkRows) -> None:
    """Write rows from ``prepare_upserts``. Raises DuplicateDocument if one names a document
    already recorded under another reference."""
    try:
        write_bulk(
            session,
            _TABLE,
            rows,
            conflict=("owner_bureau_id", "external_ref"),
            where="external_ref IS NOT NULL",
            update=[c for c in rows.columns if c not in _KEPT_ON_UPDATE],
        )
    except IntegrityError as exc:
        raise DuplicateDocument from exc


_TABLE: Table = TravelDocumentRow.__table__  # type: ignore[assignment]


def by_refs(session: Session, owner_bureau_id: str, refs: Sequence[str]) -> dict[str, int]:
    """The ids of a bureau's documents under these external references."""
    params = {"owner": owner_bureau_id}
    return ids_by_refs(session, refs, params, listed=_BY_REFS, joined=_BY_REFS_PG)


# Prebuilt, with one expanding parameter: a bulk import asks it for every chunk of rows.
_BY_REFS = select(TravelDocumentRow.external_ref, TravelDocumentRow.id).where(
    TravelDocumentRow.owner_bureau_id == bindparam("owner"),
    TravelDocumentRow.external_ref.in_(bindparam("refs", expanding=True)),
)
# On PostgreSQL, one array joined to the table, looked up in the unique (owner, external_ref)
# index: given `owner = ? AND external_ref IN (5,000 literals)` on rows the import's own
# transaction wrote, the planner took the (owner, id) index and read every document of the owner.
_REFS = refs_table()
_BY_REFS_PG = (
    select(TravelDocumentRow.external_ref, TravelDocumentRow.id)
    .select_from(_REFS)
    .join(
        TravelDocumentRow,
        (TravelDocumentRow.owner_bureau_id == bindparam("owner"))
        & (TravelDocumentRow.external_ref == _REFS.c.ref)
        & TravelDocumentRow.external_ref.is_not(None),
    )
)


def keys_between(session: Session, first_id: int, last_id: int) -> Iterator[tuple[str, int]]:
    """The lookup key (issuing country and number key) and id of every document in a range
    (erased ones hold no number any more)."""
    query = select(
        TravelDocumentRow.issuing_country, TravelDocumentRow.number_key, TravelDocumentRow.id
    ).where(TravelDocumentRow.id.between(first_id, last_id), TravelDocumentRow.erased_at.is_(None))
    for issuing, number_key, document_id in session.execute(
        query.execution_options(yield_per=50_000)
    ):
        yield f"{issuing}:{number_key}", document_id


def of_owner_or_all(session: Session) -> Iterator[TravelDocument]:
    """Every document, withdrawn ones included, in id order, read in pages (for exports)."""
    query = (
        select(TravelDocumentRow).order_by(TravelDocumentRow.id).execution_options(yield_per=5000)
    )
    for row in session.execute(query):
        yield document_of(row[0])


def max_id(session: Session) -> int:
    return int(
        session.execute(select(func.coalesce(func.max(TravelDocumentRow.id), 0))).scalar_one()
    )


def count(session: Session, *, active_only: bool = True) -> int:
    query = select(func.count()).select_from(TravelDocumentRow)
    if active_only:
        query = query.where(TravelDocumentRow.withdrawn_at.is_(None))
    return int(session.execute(query).scalar_one())

"""Records of persons, vehicles, works of art, firearms and vessels, and their exact keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from policenet.domain.clock import utcnow
from policenet.domain.records import Database, Record
from policenet.domain.terms import Disclosure
from policenet.domain.visibility import Visibility, VisibilityScope
from policenet.store import fingerprints as fingerprint_files
from policenet.store.bulk import ids_by_refs, refs_table, upsert
from policenet.store.db import one_or_none
from policenet.store.tables import RecordKeyRow, RecordRow

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from datetime import date

    from sqlalchemy.orm import Session

    from policenet.domain.fingerprints import ReceivedFile

Key = tuple[str, str]
"""An exact key: its kind (``vin``, ``plate``, ``serial`` …) and its normalised value."""


class DuplicateRecord(Exception):
    """The owner bureau already holds a record under this external reference."""


@dataclass(frozen=True, slots=True)
class NewRecord:
    database: Database
    owner_bureau_id: str
    owner_country: str
    external_ref: str | None
    disclosure: Disclosure
    visibility: Visibility
    review_date: date
    data: dict[str, Any]
    entered_by: int | None
    keys: tuple[Key, ...]
    files: tuple[ReceivedFile, ...] = ()  # a fingerprint record's images and transaction


def record_of(row: RecordRow) -> Record:
    return Record(
        id=row.id,
        database=Database(row.database),
        owner_bureau_id=row.owner_bureau_id,
        owner_country=row.owner_country,
        external_ref=row.external_ref,
        disclosure=Disclosure(row.disclosure),
        visibility=Visibility(
            scope=VisibilityScope(row.visibility), countries=frozenset(row.visibility_countries)
        ),
        review_date=row.review_date,
        data=dict(row.data),
        entered_at=row.entered_at,
        updated_at=row.updated_at,
        withdrawn_at=row.withdrawn_at,
    )


def _values(new: NewRecord) -> dict[str, Any]:
    now = utcnow()
    return {
        "database": new.database.value,
        "owner_bureau_id": new.owner_bureau_id,
        "owner_country": new.owner_country,
        "external_ref": new.external_ref,
        "disclosure": new.disclosure.value,
        "visibility": new.visibility.scope.value,
        "visibility_countries": sorted(new.visibility.countries),
        "review_date": new.review_date,
        "data": new.data,
        "entered_at": now,
        "entered_by": new.entered_by,
        "updated_at": now,
    }


def add(session: Session, new: NewRecord) -> Record:
    """Insert one record and its keys; DuplicateRecord if its external reference is taken."""
    row = RecordRow(**_values(new))
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise DuplicateRecord from exc
    _set_keys(session, row.id, new.keys)
    if new.files:
        fingerprint_files.replace_files(session, row.id, new.files)
    return record_of(row)


def _set_keys(session: Session, record_id: int, keys: Iterable[Key]) -> None:
    session.execute(delete(RecordKeyRow).where(RecordKeyRow.record_id == record_id))
    rows = [{"record_id": record_id, "kind": k, "key": v} for k, v in sorted(set(keys))]
    if rows:
        session.execute(insert(RecordKeyRow), rows)


def upsert_many(session: Session, batch: Sequence[NewRecord]) -> list[int]:
    """Insert records, or update those whose owner already holds their external reference
    (every one has one); returns the ids touched. Keys are rewritten for each."""
    if not batch:
        return []
    values = [_values(new) for new in batch]
    kept = ("entered_at", "entered_by", "owner_bureau_id", "owner_country", "database")
    statement = upsert(
        session,
        RecordRow.__table__,  # type: ignore[arg-type]
        conflict=("owner_bureau_id", "database", "external_ref"),
        where="external_ref IS NOT NULL",
        update=[c for c in values[0] if c not in kept] + ["withdrawn_at", "withdrawal_reason"],
    ).returning(RecordRow.id, sort_by_parameter_order=True)
    for value in values:
        value["withdrawn_at"] = None
        value["withdrawal_reason"] = None
    ids = list(session.execute(statement, values).scalars())
    session.execute(delete(RecordKeyRow).where(RecordKeyRow.record_id.in_(ids)))
    key_rows = [
        {"record_id": record_id, "kind": k, "key": v}
        for record_id, new in zip(ids, batch, strict=True)
        for k, v in sorted(set(new.keys))
    ]
    if key_rows:
        session.execute(insert(RecordKeyRow), key_rows)
    for record_id, new in zip(ids, batch, strict=True):
        if new.database is Database.FINGERPRINTS:
            fingerprint_files.replace_files(session, record_id, new.files)
    return ids


def get(session: Session, record_id: int, *, for_update: bool = False) -> Record | None:
    query = select(RecordRow).where(RecordRow.id == record_id)
    row = one_or_none(session, query, for_update=for_update)
    return None if row is None else record_of(row)


def get_active(session: Session, record_id: int, database: Database) -> Record | None:
    """The record, if it is one of ``database`` and not withdrawn: what a bureau may search
    with or refer to."""
    record = get(session, record_id)
    if record is None or record.database is not database or record.withdrawn_at is not None:
        return None
    return record


def find_by_ref(
    session: Session, *, owner_bureau_id: str, database: Database, external_ref: str
) -> Record | None:
    query = select(RecordRow).where(
        RecordRow.owner_bureau_id == owner_bureau_id,
        RecordRow.database == database.value,
        RecordRow.external_ref == external_ref,
    )
    row = session.execute(query).scalar_one_or_none()
    return None if row is None else record_of(row)


def by_refs(
    session: Session, owner_bureau_id: str, database: Database, refs: Sequence[str]
) -> dict[str, int]:
    """The ids of a bureau's records of a database under these external references."""
    params = {"owner": owner_bureau_id, "database": database.value}
    return ids_by_refs(session, refs, params, listed=_BY_REFS, joined=_BY_REFS_PG)


# Prebuilt, with one expanding parameter: a bulk import asks it for every chunk of rows.
_BY_REFS = select(RecordRow.external_ref, RecordRow.id).where(
    RecordRow.owner_bureau_id == bindparam("owner"),
    RecordRow.database == bindparam("database"),
    RecordRow.external_ref.in_(bindparam("refs", expanding=True)),
)
# On PostgreSQL, one array joined to the table, looked up in the unique index (as documents).
_REFS = refs_table()
_BY_REFS_PG = (
    select(RecordRow.external_ref, RecordRow.id)
    .select_from(_REFS)
    .join(
        RecordRow,
        (RecordRow.owner_bureau_id == bindparam("owner"))
        & (RecordRow.database == bindparam("database"))
        & (RecordRow.external_ref == _REFS.c.ref)
        & RecordRow.external_ref.is_not(None),
    )
)


def update_record(
    session: Session, record_id: int, changes: dict[str, Any], keys: Iterable[Key] | None = None
) -> Record:
    """Apply already-validated column changes (and new keys, when the content changed)."""
    row = session.get(RecordRow, record_id)
    if row is None:
        raise LookupError(record_id)
    try:
        with session.begin_nested():
            for column, value in changes.items():
                setattr(row, column, value)
            row.updated_at = utcnow()
            session.flush()
    except IntegrityError as exc:
        raise DuplicateRecord from exc
    if keys is not None:
        _set_keys(session, record_id, keys)
    return record_of(row)


def _answering(today: date, past_review: Iterable[int] = ()) -> Any:  # noqa: ANN401 - SQL
    """Active records not past their review date; ``past_review`` may answer after it (the
    subjects of a published notice answer for as long as the notice is valid)."""
    current = RecordRow.review_date >= today
    kept = sorted(set(past_review))
    if kept:
        current = or_(current, RecordRow.id.in_(kept))
    return and_(RecordRow.withdrawn_at.is_(None), current)


def holding_key(
    session: Session, key: Key, among: Iterable[int], today: date, past_review: Iterable[int] = ()
) -> list[Record]:
    """Those of the given records that still hold the key and answer checks (the screening
    index may name records whose key has since changed)."""
    ids = sorted(set(among))
    if not ids:
        return []
    query = (
        select(RecordRow)
        .join(RecordKeyRow, RecordKeyRow.record_id == RecordRow.id)
        .where(
            RecordKeyRow.kind == key[0],
            RecordKeyRow.key == key[1],
            RecordKeyRow.record_id.in_(ids),
            _answering(today, past_review),
        )
        .order_by(RecordRow.id)
    )
    return [record_of(row) for row in session.execute(query).scalars()]


def held_under_key(session: Session, key: Key) -> list[int]:
    """The ids of every record that holds the key and is still held (withdrawn or past review
    included, erased ones not: erasing removes their keys)."""
    query = (
        select(RecordKeyRow.record_id)
        .where(RecordKeyRow.kind == key[0], RecordKeyRow.key == key[1])
        .order_by(RecordKeyRow.record_id)
    )
    return [int(found) for found in session.execute(query).scalars()]


def lookup(session: Session, key: Key, today: date) -> list[Record]:
    """The plain indexed SQL lookup of a key, without the screening index."""
    query = (
        select(RecordRow)
        .join(RecordKeyRow, RecordKeyRow.record_id == RecordRow.id)
        .where(RecordKeyRow.kind == key[0], RecordKeyRow.key == key[1], _answering(today))
        .order_by(RecordRow.id)
    )
    return [record_of(row) for row in session.execute(query).scalars()]


def answering(
    session: Session, ids: Iterable[int], today: date, past_review: Iterable[int] = ()
) -> list[Record]:
    """The given records that answer checks (active and not past review)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = select(RecordRow).where(RecordRow.id.in_(wanted), _answering(today, past_review))
    return [record_of(row) for row in session.execute(query).scalars()]


def keys_between(session: Session, first_id: int, last_id: int) -> Iterator[tuple[str, str, int]]:
    """(kind, key, record id) of every record in an id range, active or not: the screening
    index over-lists and the lookup checks again."""
    query = select(RecordKeyRow.kind, RecordKeyRow.key, RecordKeyRow.record_id).where(
        RecordKeyRow.record_id.between(first_id, last_id)
    )
    yield from session.execute(query)


def between(
    session: Session, first_id: int, last_id: int, *, databases: Iterable[Database] = ()
) -> Iterator[Record]:
    """Records in an id range (of the given databases, or all), in order, read in pages."""
    query = select(RecordRow).where(RecordRow.id.between(first_id, last_id))
    wanted = [d.value for d in databases]
    if wanted:
        query = query.where(RecordRow.database.in_(wanted))
    for row in session.execute(query.order_by(RecordRow.id).execution_options(yield_per=2000)):
        yield record_of(row[0])


def of_database(session: Session, database: Database) -> Iterator[Record]:
    """Every record of a database, withdrawn ones included, in id order, read in pages."""
    query = (
        select(RecordRow)
        .where(RecordRow.database == database.value)
        .order_by(RecordRow.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(query):
        yield record_of(row[0])


def resting_of_database(session: Session, database: Database, today: date) -> Iterator[Record]:
    """The records of a database held but not answering today (withdrawn, or past review)
    and not erased, in id order, read in pages: what the screening indexes leave out."""
    query = (
        select(RecordRow)
        .where(
            RecordRow.database == database.value,
            RecordRow.erased_at.is_(None),
            or_(RecordRow.withdrawn_at.is_not(None), RecordRow.review_date < today),
        )
        .order_by(RecordRow.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(query):
        yield record_of(row[0])


def linked_to_persons(
    session: Session, database: Database, person_ids: Sequence[int]
) -> list[tuple[int, int]]:
    """(record id, person id) of the records of a database (fingerprints) that name one of
    these person records as theirs, erased ones left out."""
    if not person_ids:
        return []
    linked = RecordRow.data["person_id"].as_integer()
    query = select(RecordRow.id, linked).where(
        RecordRow.database == database.value,
        RecordRow.erased_at.is_(None),
        linked.in_(sorted(set(person_ids))),
    )
    return [(int(record_id), int(person_id)) for record_id, person_id in session.execute(query)]


def answering_of_database(session: Session, database: Database, today: date) -> Iterator[Record]:
    """The records of a database that answer today, in id order, read in pages."""
    query = (
        select(RecordRow)
        .where(RecordRow.database == database.value, _answering(today))
        .order_by(RecordRow.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(query):
        yield record_of(row[0])


def max_id(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(RecordRow.id), 0))).scalar_one())


def count(session: Session, database: Database | None = None, *, active_only: bool = True) -> int:
    query = select(func.count()).select_from(RecordRow)
    if database is not None:
        query = query.where(RecordRow.database == database.value)
    if active_only:
        query = query.where(RecordRow.withdrawn_at.is_(None))
    return int(session.execute(query).scalar_one())


def renew(session: Session, record_id: int, review_date: date) -> Record:
    session.execute(
        update(RecordRow)
        .where(RecordRow.id == record_id)
        .values(review_date=review_date, updated_at=utcnow(), reminded_at=None)
    )
    found = get(session, record_id)
    assert found is not None  # noqa: S101 - the caller locked it
    return found

"""The change feed: which records changed, numbered in commit order.

Every process keeps its screening indexes current by reading the feed after the last change it
applied. A change (and an event: store/events.py) is numbered while its transaction holds the
commit-order lock, which it keeps until it commits, so numbers are handed out in commit order
on both engines and a reader never skips a change that commits late.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, insert, literal, select

from policenet.store.tables import AuditHeadRow, RecordChangeRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TRAVEL_DOCUMENTS = "travel_documents"
RECORDS = "records"
NOTICES = "notices"


def hold_commit_order(session: Session) -> None:
    """Take the commit-order lock before numbering anything: numbers handed out under it are
    handed out in commit order, since the lock is held until the transaction ends. Taken
    before the audit head's lock by every transaction that takes both (store/audit.py), so
    that two never wait for each other.

    On PostgreSQL a transaction's advisory lock, one per schema, apart from the audit head:
    the chaining of an import's deferred entries, which holds the head a batch at a time and
    numbers nothing, then does not hold up a check whose hit publishes alerts. On SQLite the
    one write lock orders the commits already; the head row is read for update as before."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_ORDER_LOCK)
    else:
        connection.execute(_HEAD_LOCK)


# Prebuilt Core statements on the session's connection: these run on every check.
_HEAD_LOCK = select(AuditHeadRow.id).where(AuditHeadRow.id == 1).with_for_update()
# The two-key advisory lock: policenet's class (b"pnet"), and the schema's own key.
_ORDER_LOCK = select(
    func.pg_advisory_xact_lock(literal(0x706E6574), func.hashtext(func.current_schema()))
)
_SINCE = (
    select(
        RecordChangeRow.id,
        RecordChangeRow.table_name,
        RecordChangeRow.first_id,
        RecordChangeRow.last_id,
    )
    .where(RecordChangeRow.id > bindparam("after"))
    .order_by(RecordChangeRow.id)
)


def changed(session: Session, table: str, first_id: int, last_id: int | None = None) -> None:
    """Note that the rows ``first_id``..``last_id`` of a table changed in this transaction."""
    hold_commit_order(session)
    session.execute(
        insert(RecordChangeRow).values(
            table_name=table,
            first_id=first_id,
            last_id=first_id if last_id is None else last_id,
        )
    )


def since(session: Session, after: int) -> list[tuple[int, str, int, int]]:
    """Changes after the given number, in order: (number, table, first id, last id)."""
    rows = session.connection().execute(_SINCE, {"after": after})
    return [(n, t, f, last) for n, t, f, last in rows]


def last(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(RecordChangeRow.id), 0))).scalar_one())

"""The audit log's storage: append under the head lock, read back in order."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import bindparam, delete, func, insert, select, update

from policenet.domain.audit import (
    AuditEntry,
    AuditFilter,
    canonical_detail,
    digest_of,
    entry_hash,
    mentioned,
    redact,
)
from policenet.domain.checkpoints import Checkpoint
from policenet.domain.clock import utcnow
from policenet.store.feed import hold_commit_order
from policenet.store.paging import window_page
from policenet.store.tables import (
    AuditCheckpointRow,
    AuditDeferredRow,
    AuditHeadRow,
    AuditJournalMarkRow,
    AuditMentionRow,
    AuditRow,
    PrincipalRow,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from sqlalchemy import Connection, Select, Table
    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window
    from policenet.domain.principals import Principal


AuditItem = tuple[int | None, str | None, str, str, dict[str, Any]]
"""What to audit: principal id, its country, action, subject, detail."""

AuditText = tuple[int | None, str | None, str, str, str]
"""An entry to chain, its detail canonical text already."""


def append(
    session: Session,
    *,
    principal_id: int | None,
    country: str | None,
    action: str,
    subject: str,
    detail: dict[str, Any],
) -> None:
    """Add one entry in the caller's transaction (``append_many``)."""
    append_many(session, [(principal_id, country, action, subject, detail)])


def append_by(
    session: Session, actor: Principal | None, action: str, subject: str, detail: dict[str, Any]
) -> None:
    """Add one entry for what a principal did (None: the hub itself, or its command line)."""
    append(
        session,
        principal_id=None if actor is None else actor.id,
        country=None if actor is None else actor.country,
        action=action,
        subject=subject,
        detail=detail,
    )


def append_many(session: Session, items: list[AuditItem]) -> list[AuditEntry]:
    """Add entries in order, in one statement, chained to the head under its lock; the
    entries chained (none when deferred).

    On PostgreSQL no writer waits for the head another transaction holds (the chaining of a
    large import's entries, a batch at a time): its entries are kept deferred instead, each
    with ``journalled_at`` (when it was written) in its detail, committed with the caller's
    transaction and chained by ``chain_deferred`` after those already waiting; so are the
    later entries of the same transaction, which keep their order. On SQLite the caller
    holds the one write lock already, so the head is never busy."""
    if not items:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # The commit order first, as every transaction that takes both (on SQLite the head's
        # read for update below is all the order there is: no second statement on a check).
        hold_commit_order(session)
        transaction = session.get_transaction()
        deferring = session.info.get(_DEFERRING) is transaction
        head = None if deferring else connection.execute(_HEAD_UNLESS_LOCKED).one_or_none()
        if head is None:
            session.info[_DEFERRING] = transaction
            stamp = utcnow().isoformat()
            defer_many(
                session, [(p, c, a, s, d | {"journalled_at": stamp}) for p, c, a, s, d in items]
            )
            return []
        seq, prev = head
    else:
        seq, prev = connection.execute(_HEAD).one()
    texts = [(p, c, a, s, canonical_detail(d)) for p, c, a, s, d in items]
    return _chain(connection, seq, prev, texts)


def hold_head(session: Session) -> None:
    """Wait for the head and hold it until the transaction ends (after the commit order):
    for an erasure, so that no entry about its records is chained, unredacted, between its
    reading of the log and its commit."""
    hold_commit_order(session)
    session.connection().execute(_HEAD).one()


def append_texts(session: Session, items: Sequence[AuditText]) -> None:
    """Chain entries whose detail is canonical text already (a check journal's), in order."""
    if items:  # SQLite's check journal: the head's read for update is the commit order
        connection = session.connection()
        seq, prev = connection.execute(_HEAD).one()
        _chain(connection, seq, prev, items)


def drained_upto(session: Session, generation: str) -> int:
    """The last entry of a check journal's generation already chained (store/journal.py)."""
    found = session.execute(
        select(AuditJournalMarkRow.upto).where(AuditJournalMarkRow.generation == generation)
    ).scalar_one_or_none()
    return 0 if found is None else found


def mark_drained(session: Session, generation: str, upto: int) -> None:
    """Mark a check journal's entries chained up to ``upto``; a mark never goes back (a drain
    that read older entries than another's, committed before it, leaves the mark where it
    is)."""
    row = session.get(AuditJournalMarkRow, generation)
    if row is None:
        session.add(AuditJournalMarkRow(generation=generation, upto=upto))
    else:
        row.upto = max(row.upto, upto)
    session.flush()


def _chain(
    connection: Connection,
    seq: int,
    prev: str,
    items: Sequence[AuditText],
) -> list[AuditEntry]:
    """Chain entries (their detail already canonical text) after the locked head, entry
    ``seq`` of hash ``prev``."""
    entries: list[AuditEntry] = []
    mentions: list[dict[str, Any]] = []
    for principal_id, country, action, subject, text in items:
        seq += 1
        at = utcnow()
        detail_digest = digest_of(text)
        digest = entry_hash(
            seq=seq,
            at=at,
            principal_id=principal_id,
            country=country,
            action=action,
            subject=subject,
            detail=text,
            prev_hash=prev,
            detail_digest=detail_digest,
        )
        entries.append(
            AuditEntry(
                seq, at, principal_id, country, action, subject, text, prev, digest, detail_digest
            )
        )
        mentions.extend({"subject": key, "seq": seq} for key in mentioned(action, text))
        prev = digest
    connection.execute(_INSERT, [_row(entry) for entry in entries])
    if mentions:
        connection.execute(_MENTION, mentions)
    connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})
    return entries


def redact_records(session: Session, keys: list[str]) -> dict[str, list[int]]:
    """Blank what the entries say of these records (``domain.audit.redact``): the questions of
    the checks that hit them, and their own references and numbers in the entries about them.
    Their digests stay, so the chain still verifies once the erasure's entries name them
    (``redacted``): which entries changed, by record."""
    wanted = set(keys)
    changed: dict[str, list[int]] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        named = select(AuditMentionRow.seq).where(AuditMentionRow.subject.in_(part))
        columns = (AuditRow.seq, AuditRow.action, AuditRow.subject, AuditRow.detail)
        rows = {
            row.seq: row
            for query in (
                select(*columns).where(AuditRow.seq.in_(named)),
                select(*columns).where(AuditRow.subject.in_(part)),
            )
            for row in session.execute(query)
        }
        for seq, action, subject, detail in rows.values():
            blanked = redact(action, subject, detail, wanted)
            if blanked == detail:
                continue
            session.execute(update(AuditRow).where(AuditRow.seq == seq).values(detail=blanked))
            for key in {subject, *mentioned(action, detail)} & wanted:
                changed.setdefault(key, []).append(seq)
    return changed


def defer_many(session: Session, items: list[AuditItem]) -> None:
    """Keep entries to be chained after the caller's transaction commits (``chain_deferred``):
    for a long transaction, which must not hold the head lock all along."""
    if not items:
        return
    rows = [
        {
            "principal_id": principal_id,
            "country": country,
            "action": action,
            "subject": subject,
            "detail": canonical_detail(detail),
        }
        for principal_id, country, action, subject, detail in items
    ]
    session.connection().execute(_DEFER, rows)


def chain_deferred(
    session: Session,
    batch: int,
    as_chained: Callable[[Session, AuditText], AuditText] | None = None,
) -> int:
    """Chain up to ``batch`` deferred entries, oldest first, under the head lock, and forget
    them; how many were chained. ``as_chained``: each entry as it is chained (without what
    it asked of a record erased since it was written, say)."""
    # The head alone, not the commit order (store/feed.py): the chaining numbers nothing
    # else, and a check publishing its hit's alerts meanwhile must not wait for it.
    connection = session.connection()
    if connection.execute(_ANY_DEFERRED).first() is None:
        return 0  # nothing waits: the head is not locked at all
    seq, prev = connection.execute(_HEAD).one()  # the lock first: two drains take turns
    rows = connection.execute(
        select(
            AuditDeferredRow.id,
            AuditDeferredRow.principal_id,
            AuditDeferredRow.country,
            AuditDeferredRow.action,
            AuditDeferredRow.subject,
            AuditDeferredRow.detail,
        )
        .order_by(AuditDeferredRow.id)
        .limit(batch)
    ).all()
    if not rows:
        return 0
    texts: list[AuditText] = [(p, c, a, s, t) for _, p, c, a, s, t in rows]
    if as_chained is not None:
        texts = [as_chained(session, text) for text in texts]
    _chain(connection, seq, prev, texts)
    # By their ids, not up to the last: on PostgreSQL a transaction that deferred entries
    # with lower ids may commit between the read and this delete.
    chained = [row[0] for row in rows]
    connection.execute(delete(AuditDeferredRow).where(AuditDeferredRow.id.in_(chained)))
    return len(rows)


_DEFER = insert(cast("Table", AuditDeferredRow.__table__))
_ANY_DEFERRED = select(AuditDeferredRow.id).limit(1)
# The transaction whose entries are being deferred (append_many), in its session's info.
_DEFERRING = "policenet.audit_deferring"
_HEAD = select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == 1).with_for_update()
_HEAD_UNLESS_LOCKED = (
    select(AuditHeadRow.seq, AuditHeadRow.hash)
    .where(AuditHeadRow.id == 1)
    .with_for_update(skip_locked=True)
)
_INSERT = insert(cast("Table", AuditRow.__table__))
_MENTION = insert(cast("Table", AuditMentionRow.__table__))
_MOVE_HEAD = (
    update(cast("Table", AuditHeadRow.__table__))
    .where(AuditHeadRow.id == 1)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


def _row(entry: AuditEntry) -> dict[str, Any]:
    # Not dataclasses.asdict, which deep-copies every value.
    return {name: getattr(entry, name) for name in _COLUMNS}


_COLUMNS = [field.name for field in fields(AuditEntry)]


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        principal_id=row.principal_id,
        country=row.country,
        action=row.action,
        subject=row.subject,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
        detail_digest=row.detail_digest,
    )


def head(session: Session, *, lock: bool = False) -> tuple[int, str] | None:
    """The sequence number and hash of the last entry written; None if the head row is gone.

    ``lock`` holds the head row until the transaction ends, so that two signers of
    checkpoints (two hub processes, or the hub and ``policenet audit checkpoint``) take turns
    instead of both signing the same entry."""
    query = select(AuditHeadRow).where(AuditHeadRow.id == 1)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).scalar_one_or_none()
    return None if row is None else (row.seq, row.hash)


def entries(session: Session, *, upto: int, batch: int = 5000) -> Iterator[AuditEntry]:
    """Entries 1 to ``upto`` in order, in batches so that a long log needs little memory.

    Bounded by the head read before the walk: entries committed during it are not part of the
    chain being verified, whatever the isolation level."""
    after = 0
    while True:
        rows = (
            session.execute(
                select(AuditRow)
                .where(AuditRow.seq > after, AuditRow.seq <= upto)
                .order_by(AuditRow.seq)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        for row in rows:
            yield _entry(row)
        after = rows[-1].seq


def _where(query: Select[Any], chosen: AuditFilter) -> Select[Any]:
    if chosen.principal_id is not None:
        query = query.where(AuditRow.principal_id == chosen.principal_id)
    if chosen.bureau_id is not None:
        members = select(PrincipalRow.id).where(PrincipalRow.bureau_id == chosen.bureau_id)
        query = query.where(AuditRow.principal_id.in_(members))
    if chosen.subject is not None:
        query = query.where(AuditRow.subject == chosen.subject)
    if chosen.action is not None:
        query = query.where(AuditRow.action == chosen.action)
    if chosen.since is not None:
        query = query.where(AuditRow.at >= chosen.since)
    if chosen.until is not None:
        query = query.where(AuditRow.at < chosen.until)
    return query


def recent(session: Session, *, window: Window, chosen: AuditFilter) -> Page[AuditEntry]:
    """A page of the entries ``chosen`` (newest first unless the window says otherwise)."""
    return window_page(
        session,
        _where(select(AuditRow), chosen),
        key=AuditRow.seq,
        at=AuditRow.at,
        window=window,
        convert=lambda rows: [_entry(row) for row in rows],
    )


def matching(session: Session, chosen: AuditFilter, *, batch: int = 5000) -> Iterator[AuditEntry]:
    """Every entry ``chosen``, oldest first, read in batches (an export of any length)."""
    after = 0
    while True:
        query = _where(select(AuditRow), chosen).where(AuditRow.seq > after)
        rows = session.execute(query.order_by(AuditRow.seq).limit(batch)).scalars().all()
        if not rows:
            return
        for row in rows:
            yield _entry(row)
        after = rows[-1].seq


def count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditRow)).scalar_one())


def hashes_at(session: Session, seqs: list[int]) -> dict[int, str]:
    """The chain's hash at these entries (those that exist)."""
    found: dict[int, str] = {}
    for start in range(0, len(seqs), 5000):
        part = seqs[start : start + 5000]
        rows = session.execute(select(AuditRow.seq, AuditRow.hash).where(AuditRow.seq.in_(part)))
        found.update({seq: digest for seq, digest in rows})
    return found


def checkpoints(session: Session) -> list[Checkpoint]:
    rows = session.execute(select(AuditCheckpointRow).order_by(AuditCheckpointRow.seq)).scalars()
    return [
        Checkpoint(
            seq=row.seq,
            hash=row.hash,
            signed_at=row.signed_at,
            key_id=row.key_id,
            signature=row.signature,
        )
        for row in rows
    ]


def last_checkpoint(session: Session) -> int:
    """The entry of the last checkpoint (0: none yet)."""
    found = session.execute(select(func.max(AuditCheckpointRow.seq))).scalar_one()
    return int(found or 0)


def add_checkpoint(session: Session, checkpoint: Checkpoint) -> None:
    """Keep a checkpoint; one already kept at that entry stays as it was signed first."""
    if session.get(AuditCheckpointRow, checkpoint.seq) is not None:
        return
    session.add(
        AuditCheckpointRow(
            seq=checkpoint.seq,
            hash=checkpoint.hash,
            signed_at=checkpoint.signed_at,
            key_id=checkpoint.key_id,
            signature=checkpoint.signature,
        )
    )
    session.flush()

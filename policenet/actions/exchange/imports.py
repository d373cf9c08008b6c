"""Bulk import: a bureau's file validated whole and written in one transaction, or not at all.

An import validates every row before it commits any, reports each bad row with its line and
reason, and writes everything in one transaction: a file is imported whole or not at all, even
if the process is killed halfway. Every row carries the bureau's own reference
(``external_ref``): importing a file again updates the records it names, it never adds a second
copy. Rows are written while later ones are still being validated, perhaps by a second process
(``worker``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.access import require
from policenet.actions.exchange import worker
from policenet.actions.exchange.validation import Chunk, Job, Message, Outcome, RowError
from policenet.actions.fingerprints import OpenMarks, reverse_search
from policenet.actions.records import owner_bureau
from policenet.actions.verbs import keep_refusal
from policenet.domain.clock import utcnow
from policenet.domain.documents import DocumentType
from policenet.domain.errors import PolicenetError
from policenet.domain.principals import Principal, Right
from policenet.domain.records import Database
from policenet.store import audit, feed
from policenet.store import documents as document_store
from policenet.store import records as record_store
from policenet.store.db import backend_of, bulk_loading

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy.orm import Session

    from policenet.formats.ansi_nist import Type18Reading
    from policenet.store.db import BulkRows
    from policenet.store.db import Database as Store


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: the rows written, the bad rows left out (with ``skip_invalid``),
    and the SHA-256 of the file, as its audit entry records them."""

    database: Database
    written: int
    skipped: list[RowError]
    digest: str


class ImportRejected(PolicenetError):
    """The file's rows are not all valid, or clash with records already held: nothing was
    written."""

    code = "import_rejected"
    status = 422

    def __init__(self, errors: list[RowError], message: str) -> None:
        super().__init__(message)
        self.errors = errors


def import_file(
    store: Store,
    actor: Principal,
    database: Database,
    text: str,
    file_format: str,
    *,
    skip_invalid: bool = False,
    source: str = "",
    on_validated: Callable[[int], None] | None = None,
    on_written: Callable[[int], None] | None = None,
    nist: Type18Reading | None = None,
    worker_from: int = 2_000_000,
) -> ImportReport:
    """Validate every row and write them all in one transaction, or nothing.

    Rows are written while later ones are still being validated, but the transaction commits
    only once every row is valid: a bad row rolls back whatever was written. A file of
    ``worker_from`` bytes or more is validated in a second process while this one writes, if
    the machine has a second core; the rows, the errors and the outcome are the same.
    An ANSI/NIST-ITL transaction (``file_format`` "nist") comes as its bytes decoded as
    Latin-1, read as ``nist`` says."""
    raw = text.encode("latin-1" if file_format == "nist" else "utf-8")
    digest = hashlib.sha256(raw).hexdigest()
    right = (
        Right.RECORD_DOCUMENTS if database is Database.TRAVEL_DOCUMENTS else Right.RECORD_RECORDS
    )
    try:
        require(actor, right)
    except PolicenetError as error:
        keep_refusal(store, error)
        raise
    with store.transaction() as session, bulk_loading(session):
        job = Job(
            text=text,
            file_format=file_format,
            nist=nist,
            actor=actor,
            bureau_id=owner_bureau(session, actor),
            database=database,
            unit="record" if file_format == "nist" else "line",
            backend=backend_of(session),
            skip_invalid=skip_invalid,
        )
        writer = _Writer(session, database, on_written)
        messages = worker.validation(job, len(raw), worker_from)
        try:
            outcome = _write_all(messages, writer, on_validated)
        except record_store.DuplicateRecord:
            raise _clash(store, writer.current) from None
        finally:
            messages.close()  # a worker still running is stopped
        if outcome.errors and not skip_invalid:
            raise ImportRejected(
                outcome.errors,
                f"{len(outcome.errors)} of {len(outcome.errors) + outcome.valid} "
                f"{'rows' if job.unit == 'line' else 'records'} are not valid, so "
                "nothing was imported: correct them, or import with --skip-invalid to leave "
                "them out.",
            )
        written, first, last = writer.written, writer.first, writer.last
        if written:
            table = feed.TRAVEL_DOCUMENTS if database is Database.TRAVEL_DOCUMENTS else feed.RECORDS
            feed.changed(session, table, first, last)
        if written and database is Database.FINGERPRINTS:
            # The records this import added (a re-import only updates: searched already).
            _reverse_searches(session, actor, [i for i in writer.ids if i > writer.before])
        audit.append_by(
            session,
            actor,
            "records.import",
            f"import:{database}",
            {
                "database": database,
                "source": source,
                "sha256": digest,
                "written": written,
                "skipped_lines": [e.line for e in outcome.errors],
            },
        )
    return ImportReport(database, written, outcome.errors, digest)


def _write_all(
    messages: Iterator[Message], writer: _Writer, on_validated: Callable[[int], None] | None
) -> Outcome:
    for message in messages:
        if isinstance(message, Outcome):
            return message
        if isinstance(message, Chunk):
            writer.write(message)
        elif on_validated is not None:
            on_validated(message)
    raise RuntimeError("the validation of the file ended without its outcome")


def _reverse_searches(session: Session, actor: Principal, ids: list[int]) -> None:
    """Every ten-print the import added, against the open marks, as for one recorded through
    the API."""
    if not ids:
        return
    now = utcnow()
    marks = OpenMarks(session, now.date())
    for record in record_store.answering(session, ids, now.date()):
        reverse_search(session, actor, record, now, marks)


class _Writer:
    """Writes validated rows in chunks, and remembers the range of ids they hold."""

    def __init__(
        self, session: Session, database: Database, on_written: Callable[[int], None] | None
    ) -> None:
        self.session = session
        self.documents = database is Database.TRAVEL_DOCUMENTS
        self.on_written = on_written
        self.written = 0
        self.before = (
            document_store.max_id(session) if self.documents else record_store.max_id(session)
        )
        self.first = self.before + 1
        self.last = self.before
        self.prints = database is Database.FINGERPRINTS
        self.ids: list[int] = []  # the fingerprint records written, for the reverse search
        self.current = Chunk([], None, [])

    def write(self, chunk: Chunk) -> None:
        self.current = chunk
        if chunk.documents is not None:
            documents = chunk.documents
            # Rows updated keep their ids: the feed's range starts at the first of them. On
            # SQLite a new row's id is the highest plus one, so a chunk that added as many ids
            # as it has rows updated none and needs no search; elsewhere ids come from a
            # sequence other writers share, so the chunk's records are looked up first.
            before = self.last
            if not documents.driver:
                self._updated(documents)
            try:
                document_store.write_upserts(self.session, documents)
            except document_store.DuplicateDocument as exc:
                raise record_store.DuplicateRecord from exc
            self.last = document_store.max_id(self.session)
            if documents.driver and self.last - before < len(documents):
                self._updated(documents)
        elif chunk.records:
            ids = record_store.upsert_many(self.session, chunk.records)
            if self.prints:
                self.ids.extend(ids)
            self.first = min(self.first, *ids)
            self.last = max(self.last, *ids)
        self.written += len(chunk)
        if self.on_written is not None:
            self.on_written(self.written)

    def _updated(self, documents: BulkRows) -> None:
        owner = documents.values[0][documents.columns.index("owner_bureau_id")]
        held = document_store.by_refs(self.session, owner, documents.column("external_ref"))
        self.first = min(self.first, *held.values()) if held else self.first


def _clash(store: Store, chunk: Chunk) -> ImportRejected:
    """Which rows name a document already recorded under another reference (read afresh: the
    failed transaction is gone)."""
    errors: list[RowError] = []
    documents = chunk.documents
    if documents is None:
        return ImportRejected(errors, "The file clashes with records already held.")
    named = zip(
        chunk.lines,
        documents.column("issuing_country"),
        documents.column("document_type"),
        documents.column("number"),
        documents.column("external_ref"),
        strict=True,
    )
    with store.reading() as session:
        for line, issuing_country, document_type, number, ref in named:
            existing = document_store.find_active(
                session,
                issuing_country=issuing_country,
                document_type=DocumentType(document_type),
                number=number,
            )
            if existing is not None and existing.external_ref != ref:
                errors.append(
                    RowError(
                        line,
                        "number",
                        f"{existing.document_type} {number} is already recorded as "
                        f"record {existing.id}"
                        + (
                            f" under the reference {existing.external_ref!r}"
                            if existing.external_ref
                            else " without a reference"
                        ),
                    )
                )
    return ImportRejected(
        errors,
        f"{len(errors)} row(s) name documents already recorded under another reference, so "
        "nothing was imported: withdraw those records or give the rows their references.",
    )

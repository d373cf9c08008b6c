"""Bulk import: a bureau's file validated whole and written in one transaction, or not at all.

An import validates every row before it commits any, reports each bad row with its line and
reason, and writes everything in one transaction: a file is imported whole or not at all, even
if the process is killed halfway. Every row carries the bureau's own reference
(``external_ref``): importing a file again updates the records it names, it never adds a second
copy. Rows are written while later ones are still being validated, perhaps by a second process
(``worker``).
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.access import is_owner, require
from policenet.actions.audit_checkpoints import chain_deferred_entries
from policenet.actions.exchange import worker
from policenet.actions.exchange.validation import Chunk, Job, Message, Outcome, RowError
from policenet.actions.fingerprints import OpenMarks, reverse_search
from policenet.actions.records import owner_bureau
from policenet.actions.verbs import keep_refusal
from policenet.domain.clock import utcnow
from policenet.domain.documents import DocumentType
from policenet.domain.errors import InvalidInput, PolicenetError, Refusal
from policenet.domain.principals import Principal, Right
from policenet.domain.records import Database
from policenet.store import audit, feed
from policenet.store import documents as document_store
from policenet.store import records as record_store
from policenet.store.bulk import backend_of, bulk_loading

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from sqlalchemy.orm import Session

    from policenet.formats.ansi_nist import Type18Reading
    from policenet.store.audit import AuditItem
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


class ImportRefused(ImportRejected):
    """Rows of the file change records only their owner bureau may change: nothing was
    written."""

    code = "not_owner"
    status = 403


def import_file(
    store: Store,
    actor: Principal,
    database: Database,
    text: str | Path,
    file_format: str,
    *,
    skip_invalid: bool = False,
    source: str = "",
    on_validated: Callable[[int], None] | None = None,
    on_written: Callable[[int], None] | None = None,
    nist: Type18Reading | None = None,
    worker_from: int = 2_000_000,
    chain: bool = True,
    committing: Callable[[Session, ImportReport], None] | None = None,
) -> ImportReport:
    """Validate every row and write them all in one transaction, or nothing.

    Rows are written while later ones are still being validated, but the transaction commits
    only once every row is valid: a bad row rolls back whatever was written. A file of
    ``worker_from`` bytes or more is validated in a second process while this one writes, if
    the machine has a second core; the rows, the errors and the outcome are the same.
    ``committing`` writes what must be committed with the rows, or not at all (an import
    job's outcome), in their transaction, once it is known.
    An ANSI/NIST-ITL transaction (``file_format`` "nist") comes as its bytes decoded as
    Latin-1, or as its file, read as ``nist`` says.

    ``text`` may be the file itself (a path): it is then read as it is validated, a line (or
    a transaction's record) at a time, never held whole (an import sent over the network,
    however large); a file of text is checked to be UTF-8 first, in one pass that also makes
    its digest."""
    if isinstance(text, str):
        digest, size = _digest_of_text(text, file_format)
    else:
        digest, size = _digest_of_file(text, utf8=file_format != "nist")
    right = (
        Right.RECORD_DOCUMENTS if database is Database.TRAVEL_DOCUMENTS else Right.RECORD_RECORDS
    )
    try:
        require(actor, right)
        report = _import(
            store,
            actor,
            database,
            text,
            file_format,
            digest=digest,
            size=size,
            skip_invalid=skip_invalid,
            source=source,
            on_validated=on_validated,
            on_written=on_written,
            nist=nist,
            worker_from=worker_from,
            committing=committing,
        )
    except PolicenetError as error:
        keep_refusal(store, error)
        raise
    # The entry of every record written, committed with them, now chained in short
    # transactions (the hub chains what a process stopped here left); ``chain`` false: the
    # caller does it, once it has said the import is done.
    if chain:
        chain_deferred_entries(store)
    return report


def _digest_of_text(text: str, file_format: str) -> tuple[str, int]:
    """The SHA-256 and size of a file given as its text."""
    try:
        raw = text.encode("latin-1" if file_format == "nist" else "utf-8")
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        raise InvalidInput(
            f"Line {line} of the file holds a character that is not "
            + ("a byte of an ANSI/NIST-ITL transaction" if file_format == "nist" else "UTF-8 text")
            + ": send the file as it was written, without converting it.",
            code="import_unreadable",
        ) from None
    return hashlib.sha256(raw).hexdigest(), len(raw)


_READ = 1 << 20  # bytes read from a file at a time


def _digest_of_file(path: Path, *, utf8: bool) -> tuple[str, int]:
    """The SHA-256 and size of a file, read a block at a time; with ``utf8`` (a file of
    text), refused, naming the line, unless it is UTF-8 throughout."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = lines = 0
    with path.open("rb") as file:
        while block := file.read(_READ):
            try:
                if utf8:
                    decoder.decode(block)
            except UnicodeDecodeError as error:
                line = lines + block.count(b"\n", 0, max(error.start, 0)) + 1
                raise _not_utf8(line) from None
            digest.update(block)
            size += len(block)
            lines += block.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _not_utf8(lines + 1) from None
    return digest.hexdigest(), size


def _not_utf8(line: int) -> InvalidInput:
    return InvalidInput(
        f"Line {line} of the file is not UTF-8 text: save it as UTF-8 (CSV UTF-8 in a "
        "spreadsheet) and import it again.",
        code="import_not_utf8",
    )


def _import(
    store: Store,
    actor: Principal,
    database: Database,
    text: str | Path,
    file_format: str,
    *,
    digest: str,
    size: int,
    skip_invalid: bool,
    source: str,
    on_validated: Callable[[int], None] | None,
    on_written: Callable[[int], None] | None,
    nist: Type18Reading | None,
    worker_from: int,
    committing: Callable[[Session, ImportReport], None] | None,
) -> ImportReport:
    with store.transaction() as session, bulk_loading(session):
        job = Job(
            source=text,
            file_format=file_format,
            nist=nist,
            actor=actor,
            bureau_id=owner_bureau(session, actor),
            database=database,
            unit="record" if file_format == "nist" else "line",
            backend=backend_of(session),
            skip_invalid=skip_invalid,
        )
        writer = _Writer(session, actor, job.bureau_id, database, digest, on_written)
        messages = worker.validation(job, size, worker_from)
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
                "added": writer.added,
                "updated": writer.updated,
                "skipped_lines": [e.line for e in outcome.errors],
            },
        )
        report = ImportReport(database, written, outcome.errors, digest)
        if committing is not None:
            committing(session, report)
    return report


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
    """Writes validated rows in chunks, audits each record it adds or changes, and remembers
    the range of ids they hold.

    A re-imported row updates the record its reference names; only the owner bureau's own
    officers change a record, so a national agency's file that names one is refused whole,
    as the API refuses the same change."""

    def __init__(
        self,
        session: Session,
        actor: Principal,
        owner: str,
        database: Database,
        digest: str,
        on_written: Callable[[int], None] | None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.owner = owner
        self.database = database
        self.digest = digest
        self.documents = database is Database.TRAVEL_DOCUMENTS
        self.on_written = on_written
        self.written = 0
        self.added = 0
        self.updated = 0
        self.before = (
            document_store.max_id(session) if self.documents else record_store.max_id(session)
        )
        self.first = self.before + 1
        self.last = self.before
        self.prints = database is Database.FINGERPRINTS
        self.ids: list[int] = []  # the fingerprint records written, for the reverse search
        self.current = Chunk([], None, [])

    def _held(self, refs: list[str]) -> dict[str, int]:
        if self.documents:
            return document_store.by_refs(self.session, self.owner, refs)
        return record_store.by_refs(self.session, self.owner, self.database, refs)

    def write(self, chunk: Chunk) -> None:
        self.current = chunk
        # Every row of an import carries its reference (validation refuses one without).
        refs: list[str] = (
            chunk.documents.column("external_ref")
            if chunk.documents is not None
            else [r.external_ref or "" for r in chunk.records]
        )
        held = self._held(refs)
        if held and not is_owner(self.actor, self.owner):
            raise _not_owners(self.actor, self.owner, self.database, chunk.lines, refs, held)
        if chunk.documents is not None:
            try:
                document_store.write_upserts(self.session, chunk.documents)
            except document_store.DuplicateDocument as exc:
                raise record_store.DuplicateRecord from exc
            written = self._held(refs)
            ids = [written[ref] for ref in refs]
        elif chunk.records:
            ids = record_store.upsert_many(self.session, chunk.records)
            if self.prints:
                self.ids.extend(ids)
        else:
            ids = []
        if ids:
            self.first = min(self.first, *ids)
            self.last = max(self.last, *ids)
        self._audit(refs, ids, held)
        self.written += len(chunk)
        if self.on_written is not None:
            self.on_written(self.written)

    def _audit(self, refs: list[str], ids: list[int], held: dict[str, int]) -> None:
        """One entry per record written, as a change of that record (its reference is the
        bureau's own, and stays out of the log like every other content)."""
        subject = "travel_document" if self.documents else "record"
        items: list[AuditItem] = []
        for ref, record_id in zip(refs, ids, strict=True):
            change = "updated" if ref in held else "added"
            items.append(
                (
                    self.actor.id,
                    self.actor.country,
                    "records.import.row",
                    f"{subject}:{record_id}",
                    {"database": self.database, "change": change, "sha256": self.digest},
                )
            )
        self.updated += len(held)
        self.added += len(items) - len(held)
        # Kept with the records, chained once the import commits: the import never holds the
        # audit head lock every check waits for.
        audit.defer_many(self.session, items)


def _not_owners(
    actor: Principal,
    owner: str,
    database: Database,
    lines: list[int],
    refs: list[str],
    held: dict[str, int],
) -> ImportRefused:
    errors = [
        RowError(
            line,
            "external_ref",
            f"{owner} already holds record {held[ref]} under {ref!r}: only its own officers "
            "change it. Give this row a reference of its own, or ask them to.",
        )
        for line, ref in zip(lines, refs, strict=True)
        if ref in held
    ]
    return ImportRefused(
        errors,
        f"{len(errors)} row(s) name records {owner} already holds, and only its own officers "
        "change them, so nothing was imported: give those rows references of their own, or "
        "ask the bureau to import the file.",
    ).audited(
        Refusal.by(
            actor,
            "records.import",
            f"import:{database}",
            {"database": database, "refused_rows": len(errors)},
        )
    )


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

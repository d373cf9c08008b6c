"""The validation of an import file: every row checked as the API checks one record, before
any is written.

Validating needs no connection, so that a second process can do it while the importing
process writes (``worker``): it yields progress counts, chunks of valid rows made ready to
write, and last the outcome with every bad row and its reason. Checks that concern the file
itself live here too: every row carries the bureau's own reference, and neither a reference
nor a document appears twice in one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from policenet.actions.documents import new_document, visibility_from
from policenet.actions.records import new_record
from policenet.domain.clock import utcnow
from policenet.domain.documents import DocumentReport
from policenet.domain.errors import InvalidInput, PolicenetError
from policenet.domain.records import Database
from policenet.formats.rows import read_rows, row_model
from policenet.matching.records import prepare
from policenet.store import documents as document_store
from policenet.store import records as record_store

if TYPE_CHECKING:
    from collections.abc import Generator
    from pathlib import Path

    from policenet.domain.principals import Principal
    from policenet.domain.terms import VisibilityInput
    from policenet.domain.visibility import Visibility
    from policenet.formats.ansi_nist import Type18Reading
    from policenet.store.bulk import BulkRows

CHUNK = 5000  # valid rows handed over to be written at a time
PROGRESS_EVERY = 1000  # rows validated between two progress counts


@dataclass(frozen=True, slots=True)
class RowError:
    """A bad row: where it is in its file, the field at fault, and the sentence that says why
    (the API's own, for a rule the API applies too)."""

    line: int  # or, in an ANSI/NIST-ITL transaction, the record's number
    field: str | None
    message: str
    unit: str = "line"

    def __str__(self) -> str:
        where = f"{self.unit} {self.line}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Validated:
    """The rows ready to write, and the errors of the others."""

    database: Database
    documents: list[document_store.NewDocument] = field(default_factory=list)
    records: list[record_store.NewRecord] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    taken: int = 0

    @property
    def pending(self) -> int:
        return len(self.documents) + len(self.records)

    @property
    def valid(self) -> int:
        """Valid rows so far, taken to be written or not."""
        return self.taken + self.pending

    def take(self) -> Validated:
        """The valid rows not yet taken, handed over to be written (memory stays flat)."""
        chunk = Validated(self.database, self.documents, self.records, self.lines)
        self.taken += self.pending
        self.documents, self.records, self.lines = [], [], []
        return chunk


@dataclass(frozen=True, slots=True)
class Chunk:
    """Valid rows ready to write: travel documents as rows of their table (made ready where
    they were validated), other records as records."""

    lines: list[int]
    documents: BulkRows | None
    records: list[record_store.NewRecord]

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The end of a file's validation: the bad rows, and how many were valid."""

    errors: list[RowError]
    valid: int


# What validating a file yields, in order: progress counts, chunks to write, one outcome.
Message = int | Chunk | Outcome


def _pydantic_error(line: int, exc: ValidationError) -> RowError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or None
    return RowError(line, where, str(first["msg"]))


class _Validator:
    """Validates rows one by one; needs no connection, so it can run in another process."""

    def __init__(
        self, actor: Principal, bureau_id: str, database: Database, unit: str, backend: str
    ) -> None:
        self.database = database
        self.unit = unit  # where a row is in its file: a line, or an ANSI/NIST record
        self.actor = actor
        self.bureau_id = bureau_id
        self.backend = backend  # the store's, for which travel documents are made ready
        self.model = row_model(database)
        self.refs: dict[str, int] = {}
        self.numbers: dict[tuple[str, str, str], int] = {}
        self.today = utcnow().date()
        self._visibility: dict[tuple[str, tuple[str, ...]], Visibility] = {}

    def _document(self, entry: DocumentReport) -> document_store.NewDocument:
        """The row's record, by the rule the API applies too; and not twice in the file."""
        document = new_document(entry, self.actor, today=self.today, restriction=self._restriction)
        key = (document.issuing_country, document.document_type.value, document.number)
        if key in self.numbers:
            raise InvalidInput(
                f"{document.document_type} {document.number} is also on line {self.numbers[key]}",
                code="duplicate_in_file",
                field="number",
            )
        return document

    def _restriction(self, given: VisibilityInput) -> Visibility:
        """``visibility_from``, once for each restriction the file holds."""
        signature = (given.scope.value, tuple(given.countries))
        found = self._visibility.get(signature)
        if found is None:
            found = self._visibility[signature] = visibility_from(given)
        return found

    def ready(self, validated: Validated) -> Chunk:
        documents = (
            document_store.prepare_upserts(validated.documents, self.backend)
            if validated.documents
            else None
        )
        return Chunk(validated.lines, documents, validated.records)

    def row(self, line: int, row: Any, out: Validated) -> None:  # noqa: ANN401 - as read
        before = len(out.errors)
        self._row(line, row, out)
        if self.unit != "line":
            out.errors[before:] = [replace(e, unit=self.unit) for e in out.errors[before:]]

    def _row(self, line: int, row: Any, out: Validated) -> None:  # noqa: ANN401 - as read
        if isinstance(row, Exception):
            out.errors.append(RowError(line, None, str(row)))
            return
        try:
            entry = self.model.model_validate(row)
        except ValidationError as exc:
            error = _pydantic_error(line, exc)
            if self.database is Database.DNA and isinstance(row, dict):
                # Name the profile as the bureau knows it, besides the line.
                ref = row.get("external_ref") or "without a reference"
                error = RowError(line, error.field, f"profile {ref}: {error.message}")
            out.errors.append(error)
            return
        if entry.external_ref is None:
            out.errors.append(
                RowError(
                    line,
                    "external_ref",
                    "every imported row needs your bureau's own reference, so that importing "
                    "the file again updates the record instead of adding it twice",
                )
            )
            return
        if entry.external_ref in self.refs:
            out.errors.append(
                RowError(
                    line,
                    "external_ref",
                    f"{entry.external_ref!r} is also on line {self.refs[entry.external_ref]}",
                )
            )
            return
        try:
            if isinstance(entry, DocumentReport):
                document = self._document(entry)
                self.numbers[
                    (document.issuing_country, document.document_type.value, document.number)
                ] = line
                out.documents.append(document)
            else:
                out.records.append(new_record(entry, prepare(entry), self.bureau_id, self.actor))
        except PolicenetError as exc:
            message = exc.message.removeprefix(f"{exc.field}: ") if exc.field else exc.message
            out.errors.append(RowError(line, exc.field, message))
            return
        self.refs[entry.external_ref] = line
        out.lines.append(line)


@dataclass(frozen=True, slots=True)
class Job:
    """A file to validate and what validating it needs: no connection, so that another
    process can do it."""

    source: str | Path  # the text, or the file that holds it (read a line at a time)
    file_format: str
    nist: Type18Reading | None
    actor: Principal
    bureau_id: str
    database: Database
    unit: str
    backend: str
    skip_invalid: bool


def validated(job: Job) -> Generator[Message]:
    """Validate a file's rows in order: progress counts, chunks of valid rows to write, and
    last the outcome. Once a row is bad and bad rows are not skipped, nothing will be written:
    the valid rows after it are counted, not kept."""
    validator = _Validator(job.actor, job.bureau_id, job.database, job.unit, job.backend)
    rows = read_rows(job.source, job.file_format, job.database, nist=job.nist)
    out = Validated(job.database)
    for count, (line, row) in enumerate(rows, 1):
        validator.row(line, row, out)
        if count % PROGRESS_EVERY == 0:
            yield count
        if out.pending >= CHUNK:
            taken = out.take()
            if not out.errors or job.skip_invalid:
                yield validator.ready(taken)
    taken = out.take()
    if not out.errors or job.skip_invalid:
        yield validator.ready(taken)
    yield Outcome(out.errors, out.valid)

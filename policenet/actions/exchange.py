"""Bulk import and export: the files bureaus already have, in and out.

An import validates every row before it writes any, reports each bad row with its line and
reason, and writes everything in one transaction: a file is imported whole or not at all, even
if the process is killed halfway. Every row carries the bureau's own reference
(``external_ref``): importing a file again updates the records it names, it never adds a second
copy. An export writes the records the caller may see; a ``hit_only`` record of another bureau
appears as its database, its owner and a reference to quote, nothing more.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import io
import json
import os
import pickle
import site
import subprocess
import sys
import traceback
import typing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from pydantic import BaseModel, ValidationError

from policenet.access import is_owner, may_see, require, sees_details
from policenet.actions.documents import review_date_from, visibility_from
from policenet.actions.fingerprints import OpenMarks, reverse_search
from policenet.actions.records import new_record, owner_bureau
from policenet.domain.clock import utcnow
from policenet.domain.dna import DnaEntry, canonical_locus
from policenet.domain.documents import DocumentReport, DocumentType, TravelDocument
from policenet.domain.errors import Forbidden, InvalidInput, PolicenetError
from policenet.domain.principals import Principal, Right
from policenet.domain.records import ENTRY_MODELS, Database, Record
from policenet.domain.terms import Disclosure, RecordTerms
from policenet.formats import ansi_nist
from policenet.matching.documents import normalise_number
from policenet.matching.records import country, prepare
from policenet.store import audit, feed
from policenet.store import documents as document_store
from policenet.store import records as record_store
from policenet.store.db import BulkRows, backend_of, bulk_loading

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator
    from datetime import date

    from sqlalchemy.orm import Session

    from policenet.formats.ansi_nist import Type18Reading
    from policenet.store.db import Database as Store

CHUNK = 5000
LIST_SEPARATOR = "|"


def _model(database: Database) -> type[RecordTerms]:
    return DocumentReport if database is Database.TRAVEL_DOCUMENTS else ENTRY_MODELS[database]


# --- reading files ---------------------------------------------------------------------------


def _is_list(model: type[BaseModel], name: str) -> bool:
    annotation = model.model_fields[name].annotation
    return typing.get_origin(annotation) is list


def _csv_row(model: type[BaseModel], row: dict[str, str]) -> dict[str, Any]:
    """A CSV row as the model's fields: empty cells left out, lists split on '|', the
    restriction in two columns, identity documents as COUNTRY:NUMBER[:TYPE], a physical
    description in its own columns."""
    data: dict[str, Any] = {}
    physical: dict[str, str] = {}
    for name, raw in row.items():
        if name is None:
            raise ValueError("the row has more cells than the header has columns")
        value = (raw or "").strip()
        if not value:
            continue
        locus = canonical_locus(name) if model is DnaEntry else None
        if locus is not None:
            # A DNA profile: one column per locus, its alleles separated by commas.
            loci = data.setdefault("loci", {})
            if locus in loci:
                raise ValueError(f"two columns give the locus {locus}: keep one")
            loci[locus] = [a.strip() for a in value.split(",")]
        elif name == "visibility":
            data.setdefault("visibility", {})["scope"] = value
        elif name == "visibility_countries":
            data.setdefault("visibility", {})["countries"] = value.split(LIST_SEPARATOR)
        elif name in (
            "height_cm",
            "weight_kg",
            "eye_colour",
            "hair_colour",
            "distinguishing_marks",
        ):
            physical[name] = value
        elif name == "identity_documents":
            documents = []
            for item in value.split(LIST_SEPARATOR):
                parts = item.split(":")
                if len(parts) not in (2, 3):
                    raise ValueError(
                        f"identity document {item!r}: write COUNTRY:NUMBER or COUNTRY:NUMBER:TYPE"
                    )
                document = {"issuing_country": parts[0], "number": parts[1]}
                if len(parts) == 3:
                    document["document_type"] = parts[2]
                documents.append(document)
            data[name] = documents
        elif name in model.model_fields and _is_list(model, name):
            data[name] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        else:
            data[name] = value
    if physical:
        data["physical_description"] = physical
    return data


def read_rows(
    text: str, file_format: str, database: Database, *, nist: Type18Reading | None = None
) -> Iterator[tuple[int, Any]]:
    """(line, row) for every record of a CSV or JSON Lines text, or (record number, profile)
    for every Type-18 record of an ANSI/NIST-ITL transaction (``nist``, the file's bytes as
    Latin-1 text); a row that cannot be read comes as an exception, to be reported with its
    line."""
    model = _model(database)
    if file_format == "nist":
        if database is Database.FINGERPRINTS:
            # One transaction, one card or mark: record 1 stands for the whole file.
            try:
                yield 1, ansi_nist.card_row(text.encode("latin-1"))
            except InvalidInput as error:
                yield 1, ValueError(error.message)
            return
        if database is not Database.DNA or nist is None:
            raise InvalidInput(
                "ANSI/NIST-ITL transactions are imported into the dna database (Type-18 "
                "profiles, with the kind of profile they hold) and the fingerprints database "
                "(one card or mark a file).",
                code="import_format_unsupported",
            )
        yield from ansi_nist.dna_rows(text.encode("latin-1"), nist)
        return
    if file_format == "jsonl":
        for number, content in enumerate(text.splitlines(), start=1):
            if not content.strip():
                continue
            try:
                row = json.loads(content)
            except json.JSONDecodeError as exc:
                yield number, ValueError(f"not JSON: {exc.msg} at column {exc.colno}")
                continue
            yield number, row if isinstance(row, dict) else ValueError("not a JSON object")
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return
    header = [name.strip() for name in header]
    unknown = sorted(
        name
        for name in set(header) - _csv_columns(model)
        if not (model is DnaEntry and canonical_locus(name) is not None)
    )
    if unknown:
        raise InvalidInput(
            f"Unknown columns for {database}: {', '.join(unknown)}. The columns are: "
            f"{', '.join(sorted(_csv_columns(model)))}.",
            code="import_columns_unknown",
        )
    plain = model is not DnaEntry and not any(
        name in _NESTED_COLUMNS or (name in model.model_fields and _is_list(model, name))
        for name in header
    )
    width = len(header)
    line = reader.line_num
    for cells in reader:
        if not cells:
            line = reader.line_num
            continue
        if len(cells) != width:
            yield (
                line + 1,
                ValueError(f"the row has {len(cells)} cells, the header {width} columns"),
            )
        elif plain:
            # The common case (travel documents): no lists, no nested fields.
            values: dict[str, Any] = {k: v for k, v in zip(header, cells, strict=True) if v}
            scope = values.pop("visibility", None)
            countries = values.pop("visibility_countries", None)
            if scope or countries:
                values["visibility"] = {"scope": scope or "all"} | (
                    {"countries": countries.split(LIST_SEPARATOR)} if countries else {}
                )
            yield line + 1, values
        else:
            try:
                yield line + 1, _csv_row(model, dict(zip(header, cells, strict=True)))
            except ValueError as exc:
                yield line + 1, exc
        line = reader.line_num


_NESTED_COLUMNS = frozenset(
    {
        "identity_documents",
        "height_cm",
        "weight_kg",
        "eye_colour",
        "hair_colour",
        "distinguishing_marks",
    }
)


def _csv_columns(model: type[BaseModel]) -> set[str]:
    columns = set(model.model_fields) - {"visibility", "physical_description"}
    columns |= {"visibility", "visibility_countries"}
    if "physical_description" in model.model_fields:
        columns |= {"height_cm", "weight_kg", "eye_colour", "hair_colour", "distinguishing_marks"}
    return columns


# --- validating ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
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
        self.model = _model(database)
        self.refs: dict[str, int] = {}
        self.numbers: dict[tuple[str, str, str], int] = {}
        self.today = utcnow().date()
        self.default_review = review_date_from(None, today=self.today)
        self._visibility: dict[tuple[str, tuple[str, ...]], Any] = {}

    def _document(self, entry: DocumentReport) -> document_store.NewDocument:
        issuing = country(entry.issuing_country, "issuing_country")
        assert issuing is not None  # noqa: S101 - the field is required
        if issuing != self.actor.country:
            raise Forbidden(
                f"a bureau records documents of its own country, not of {issuing}",
                code="not_own_country",
                field="issuing_country",
            )
        for name in ("event_date", "holder_birth_date"):
            value = getattr(entry, name)
            if value is not None and value > self.today:
                raise InvalidInput(f"{value} is in the future", code="date_in_future", field=name)
        number = normalise_number(entry.number)
        key = (issuing, entry.document_type.value, number)
        if key in self.numbers:
            raise InvalidInput(
                f"{entry.document_type} {number} is also on line {self.numbers[key]}",
                code="duplicate_in_file",
                field="number",
            )
        return document_store.NewDocument(
            owner_bureau_id=self.bureau_id,
            owner_country=issuing,
            issuing_country=issuing,
            document_type=entry.document_type,
            number=number,
            status=entry.status,
            event_date=entry.event_date,
            holder_name=entry.holder_name,
            holder_birth_date=entry.holder_birth_date,
            visibility=self._restriction(entry),
            reported_by=self.actor.id,
            review_date=self.default_review
            if entry.review_date is None
            else review_date_from(entry.review_date, today=self.today),
            disclosure=entry.disclosure,
            external_ref=entry.external_ref,
        )

    def _restriction(self, entry: RecordTerms) -> Any:  # noqa: ANN401 - a Visibility
        signature = (entry.visibility.scope.value, tuple(entry.visibility.countries))
        found = self._visibility.get(signature)
        if found is None:
            found = self._visibility[signature] = visibility_from(entry.visibility)
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


# --- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportReport:
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
    require(actor, right)
    parallel = file_format != "nist" and len(raw) >= worker_from and _cores() > 1
    with store.transaction() as session, bulk_loading(session):
        job = _Job(
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
        messages = _validated_elsewhere(job) if parallel else _validated(job)
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


PROGRESS_EVERY = 1000


def _cores() -> int:
    """The cores this process may use: those it may run on, within its container's quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    quota = cpu_quota()
    return cores if quota is None else max(1, min(cores, quota))


CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cpu_quota(path: Path | None = None) -> int | None:
    """Whole CPUs a cgroup v2 quota allows ("150000 100000" is 1), or None without one."""
    try:
        quota, period = (path or CPU_MAX).read_text("ascii").split()[:2]
        return None if quota == "max" else int(quota) // int(period)
    except (OSError, ValueError, ZeroDivisionError):
        return None


@dataclass(frozen=True, slots=True)
class _Job:
    """A file to validate and what validating it needs: no connection, so that another
    process can do it."""

    text: str
    file_format: str
    nist: Type18Reading | None
    actor: Principal
    bureau_id: str
    database: Database
    unit: str
    backend: str
    skip_invalid: bool


def _validated(job: _Job) -> Generator[Message]:
    """Validate a file's rows in order: progress counts, chunks of valid rows to write, and
    last the outcome. Once a row is bad and bad rows are not skipped, nothing will be written:
    the valid rows after it are counted, not kept."""
    validator = _Validator(job.actor, job.bureau_id, job.database, job.unit, job.backend)
    rows = read_rows(job.text, job.file_format, job.database, nist=job.nist)
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


def _validated_elsewhere(job: _Job) -> Generator[Message]:
    """``_validated`` run in a second process, its messages as they come: that process reads
    and validates the file while this one writes. Closing the generator stops it.

    The worker is a fresh interpreter (``python -m policenet.actions.import_worker``), never a
    copy of this process and its threads, and it does not import the caller's main module as
    multiprocessing would; the job goes in on its standard input, the messages come back
    pickled on its standard output."""
    worker = subprocess.Popen(
        # -P: nothing from the current directory (where the bureau's file may lie) is imported.
        [sys.executable, "-P", "-m", "policenet.actions.import_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_worker_environment(),
        # Its own session: a Ctrl-C at the terminal stops the importer, which stops it.
        start_new_session=True,
    )
    assert worker.stdin is not None and worker.stdout is not None  # noqa: S101 - PIPE asked
    finished = False
    try:
        with contextlib.suppress(BrokenPipeError), worker.stdin:
            # A worker that died at start closed its end: its exit is reported below.
            pickle.dump(job, worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        while True:
            try:
                message = pickle.load(worker.stdout)  # noqa: S301 - our own worker's output
            except (EOFError, pickle.UnpicklingError):  # gone, perhaps halfway through one
                raise RuntimeError(
                    "the process validating the file stopped before it finished "
                    f"(exit code {worker.wait()}): nothing was imported"
                ) from None
            if isinstance(message, _Failure):
                raise message.error()
            if isinstance(message, Outcome):
                finished = True
            yield message
            if finished:
                return
    finally:
        if not finished:  # an error here or there, or the import abandoned
            worker.kill()
        try:
            worker.wait(timeout=_WORKER_EXIT)  # done: it exits once its outcome is read
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker.stdout.close()


_WORKER_EXIT = 5  # seconds a worker that sent its outcome is given to exit


def _worker_environment() -> dict[str, str]:
    """This environment, and where this package lies when the interpreter would not find it
    by itself (run from a source tree): never a site directory, which would come before the
    standard library."""
    environment = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    known = {*site.getsitepackages(), site.getusersitepackages()}
    if root not in known:
        environment["PYTHONPATH"] = os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])]
        )
    return environment


@dataclass(frozen=True, slots=True)
class _Failure:
    """An error raised while validating in the worker, carried back to be raised here."""

    kind: type[PolicenetError] | None
    message: str
    code: str | None = None
    field: str | None = None

    def error(self) -> Exception:
        if self.kind is None:
            return RuntimeError(f"validating the file failed: {self.message}")
        return self.kind(self.message, code=self.code, field=self.field)


def serve_validation(source: BinaryIO, sink: BinaryIO) -> None:
    """The worker process: reads a pickled job from ``source`` and writes what ``_validated``
    yields to ``sink``, each message pickled and flushed."""
    # This process lives for one file, makes millions of short-lived objects that reference
    # counting frees, and no cycles worth finding: the cyclic collector, walking every object
    # the process holds again and again, took a third of its time.
    gc.disable()
    try:
        job = pickle.load(source)  # noqa: S301 - sent by the importing process, our parent
        for message in _validated(job):
            # Pickled whole before any byte is written: a message that cannot be pickled
            # leaves nothing half-sent in front of the failure that reports it.
            sink.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
            sink.flush()
    except BrokenPipeError:
        return  # the importing process stopped listening
    except PolicenetError as error:
        failure = _Failure(type(error), error.message, error.code, error.field)
    except Exception:  # carried back whole, to be raised there
        failure = _Failure(None, traceback.format_exc())
    else:
        return
    with contextlib.suppress(BrokenPipeError):
        sink.write(pickle.dumps(failure))
        sink.flush()


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


# --- exporting -------------------------------------------------------------------------------


def _reference(database: Database, record_id: int) -> str:
    return f"{database}/{record_id}"


def _visible(actor: Principal, record: TravelDocument | Record, today: date) -> bool:
    """Active records the actor may see; its own bureau's past their review date too, so
    that it can renew them."""
    if record.withdrawn_at is not None:
        return False
    if is_owner(actor, record.owner_bureau_id):
        return True
    return not record.expired(today) and may_see(actor, record.owner_country, record.visibility)


def _full(actor: Principal, record: TravelDocument | Record) -> bool:
    return is_owner(actor, record.owner_bureau_id) or record.disclosure is Disclosure.FULL


def _document_json(document: TravelDocument) -> dict[str, Any]:
    return {
        "issuing_country": document.issuing_country,
        "document_type": document.document_type.value,
        "number": document.number,
        "status": document.status.value,
        "event_date": document.event_date.isoformat(),
        "holder_name": document.holder_name,
        "holder_birth_date": None
        if document.holder_birth_date is None
        else document.holder_birth_date.isoformat(),
    }


def exported(
    session: Session, actor: Principal, database: Database
) -> Iterator[tuple[TravelDocument | Record, dict[str, Any]]]:
    """The records of a database the actor may see, each with its JSON line: the record for
    ``full`` ones and the actor's own, a stub (database, owner, reference) for the others."""
    _may_export(actor, database)
    today = utcnow().date()
    records: Iterable[TravelDocument | Record] = (
        document_store.of_owner_or_all(session)
        if database is Database.TRAVEL_DOCUMENTS
        else record_store.of_database(session, database)
    )
    for record in records:
        if not _visible(actor, record, today):
            continue
        stub = {
            "database": database.value,
            "owner_bureau": record.owner_bureau_id,
            "reference": _reference(database, record.id),
            "disclosure": record.disclosure.value,
        }
        if not _full(actor, record):
            yield record, stub
            continue
        content = (
            _document_json(record) if isinstance(record, TravelDocument) else dict(record.data)
        )
        yield (
            record,
            {
                **stub,
                "id": record.id,
                "review_date": record.review_date.isoformat() if record.review_date else None,
                "record": content,
            },
        )


def _may_export(actor: Principal, database: Database) -> None:
    if not sees_details(actor):
        raise Forbidden(
            "Carriers learn hit or no hit only: they cannot export.", code="right_missing"
        )
    require(
        actor,
        Right.CHECK_DOCUMENTS if database is Database.TRAVEL_DOCUMENTS else Right.CHECK_RECORDS,
    )


def start_export(session: Session, actor: Principal, database: Database, file_format: str) -> None:
    """May the actor export this database? Audited before any record leaves the hub."""
    _may_export(actor, database)
    audit.append_by(
        session,
        actor,
        "records.export",
        f"export:{database}",
        {"database": database, "format": file_format},
    )


def audit_export(
    session: Session, actor: Principal, database: Database, file_format: str, count: int
) -> None:
    """How many records an export wrote, once it is done."""
    audit.append_by(
        session,
        actor,
        "records.export.done",
        f"export:{database}",
        {"database": database, "format": file_format, "records": count},
    )


# --- FollowTheMoney --------------------------------------------------------------------------

_CRIME_TOPICS = {
    "terrorism": "crime.terror",
    "cybercrime": "crime.cyber",
    "organized_crime": "crime",
    "financial_crime_and_corruption": "crime.fin",
    "other": "crime",
}


def _entity(schema: str, entity_id: str, **properties: object) -> dict[str, Any]:
    """An entity as FollowTheMoney writes it: every property a list of strings."""
    cleaned: dict[str, list[str]] = {}
    for name, value in properties.items():
        values = value if isinstance(value, list) else [value]
        kept = [str(v) for v in values if v not in (None, "")]
        if kept:
            cleaned[name] = kept
    return {"id": entity_id, "schema": schema, "properties": cleaned}


def _country(code: str | None) -> str | None:
    return None if code is None else code.lower()


def ftm_entities(record: TravelDocument | Record, source: str) -> list[dict[str, Any]]:
    """The record as FollowTheMoney entities (Person and Passport, Vehicle, Vessel, Asset),
    for a record the caller may read in full. A DNA profile has no FollowTheMoney form (and
    an anonymous profile should not become an entity): none."""
    if isinstance(record, Record) and record.database in (Database.DNA, Database.FINGERPRINTS):
        return []
    if isinstance(record, TravelDocument):
        entity_id = f"policenet-travel_documents-{record.id}"
        return [
            _entity(
                "Passport",
                entity_id,
                number=record.number,
                passportNumber=record.number,
                type=record.document_type.value,
                country=_country(record.issuing_country),
                summary=f"{record.status.value} {record.document_type.value}, reported "
                f"{record.event_date.isoformat()}",
                topics="crime.theft" if record.status.value.startswith("stolen") else None,
                publisher=source,
            )
        ]
    data = record.data
    entity_id = f"policenet-{record.database}-{record.id}"
    topics = ["crime.theft"]
    if record.database is Database.PERSONS:
        person = _entity(
            "Person",
            entity_id,
            name=data["name"],
            alias=data.get("aliases", []),
            birthDate=data.get("birth_date"),
            birthPlace=data.get("birth_place"),
            nationality=[_country(c) for c in data.get("nationalities", [])],
            gender=None if data.get("sex") == "unknown" else data.get("sex"),
            topics=["wanted", _CRIME_TOPICS.get(str(data.get("crime_area")), "crime")],
            notes=[f"caution: {c}" for c in data.get("cautions", [])],
            publisher=source,
        )
        passports = [
            _entity(
                "Passport",
                f"{entity_id}-document-{i}",
                holder=entity_id,
                number=d["number"],
                passportNumber=d["number"],
                type=d.get("document_type"),
                country=_country(d["issuing_country"]),
                publisher=source,
            )
            for i, d in enumerate(data.get("identity_documents", []))
        ]
        return [person, *passports]
    if record.database is Database.VEHICLES:
        return [
            _entity(
                "Vehicle",
                entity_id,
                name=" ".join(p for p in (data.get("make"), data.get("model")) if p),
                registrationNumber=[data.get("plate"), data.get("vin")],
                type=data.get("vehicle_type"),
                model=data.get("model"),
                buildDate=data.get("year"),
                country=_country(data.get("plate_country")),
                summary=f"stolen on {data.get('theft_date')}; colour {data.get('colour')}",
                topics=topics,
                publisher=source,
            )
        ]
    if record.database is Database.VESSELS:
        return [
            _entity(
                "Vessel",
                entity_id,
                name=data["name"],
                imoNumber=data.get("imo"),
                mmsi=data.get("mmsi"),
                flag=_country(data.get("flag")),
                type=data.get("vessel_type"),
                registrationNumber=data.get("hull_id"),
                summary=None
                if data.get("theft_date") is None
                else f"stolen on {data['theft_date']}",
                topics=topics,
                publisher=source,
            )
        ]
    if record.database is Database.ART:
        return [
            _entity(
                "Asset",
                entity_id,
                name=data["title"],
                description="; ".join(
                    str(data[k])
                    for k in ("object_type", "artist", "period", "materials", "dimensions")
                    if data.get(k)
                ),
                notes=data.get("inscriptions"),
                country=_country(data.get("theft_country")),
                summary=f"stolen at {data.get('theft_place')} on {data.get('theft_date')}",
                topics=topics,
                publisher=source,
            )
        ]
    return [
        _entity(
            "Asset",
            entity_id,
            name=" ".join(p for p in (data.get("make"), data.get("model")) if p),
            description=f"{data.get('firearm_type')}, calibre {data.get('calibre')}, serial "
            f"{data.get('serial')}",
            country=_country(data.get("manufacture_country")),
            summary=f"firearm {data.get('status')}",
            topics=["crime.traffick"] if data.get("status") != "lost" else [],
            publisher=source,
        )
    ]

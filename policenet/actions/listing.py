"""Lists of the records of any police database: what the caller may read, filtered, paged,
counted, and searched by name through the name engine.

A list shows exactly the records the caller could read one by one (``may_read_record``): its
own bureau's in any state, and the ``full`` records in force of the bureaus that let its
country see them. Restricted and ``hit_only`` records of others are never in a list, nor
counted in its totals or facets. Every list is audited (``records.list``), with the filter it
used and how many records it showed; an owner watching a record is told when another bureau
is shown it in a list.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from policenet.access import (
    answers_to,
    may_read_record,
    read_scope,
    require,
    sees_details,
    shown,
)
from policenet.actions.watches import tell_watchers_of_many
from policenet.domain.clock import utcnow
from policenet.domain.databases import Database
from policenet.domain.errors import Forbidden, Refusal
from policenet.domain.listing import RANKED_MAX, Cursor, ListFilter, Page, PageRequest, Sort
from policenet.domain.principals import Right
from policenet.domain.visibility import Visibility
from policenet.formats.csv_out import csv_columns, csv_row
from policenet.formats.ftm import ftm_entities
from policenet.matching.persons import PersonQuery
from policenet.store import audit
from policenet.store import listing as store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.documents import TravelDocument
    from policenet.domain.principals import Principal
    from policenet.domain.records import Record
    from policenet.domain.shown import DocumentShown, RecordShown
    from policenet.screening.service import Screening

logger = logging.getLogger(__name__)

# A name typed in a search box finds more than a check alarms on: one surname alone finds the
# people who bear it (a check's threshold, 0.85, asks for more of the name). The list is
# ranked best first, and nothing is raised on it.
SEARCH_THRESHOLD = 0.70


def _may_list(actor: Principal, database: Database) -> None:
    """Those who may read the database's records by id may list them; carriers, who learn
    hit or no hit only, may not."""
    right = Right.CHECK_DOCUMENTS if database is Database.TRAVEL_DOCUMENTS else Right.CHECK_RECORDS
    require(actor, right)
    if not sees_details(actor):
        raise Forbidden(
            "Carriers learn hit or no hit only: they cannot list or export records.",
            code="right_missing",
        ).audited(Refusal.by(actor, "records.list", f"database:{database}", {"role": actor.role}))


def _ranked(
    session: Session, actor: Principal, wanted: ListFilter, screening: Screening
) -> list[int]:
    """The person records whose names match the free text, best first (any script, any
    spelling the name engine knows)."""
    assert wanted.text is not None  # noqa: S101 - asked only with a text
    screening.refresh(session)
    today = utcnow().date()
    matches = screening.search_persons(
        PersonQuery(names=(wanted.text,)),
        may_see=lambda _id, terms: answers_to(actor, terms, today),
        limit=RANKED_MAX,
        threshold=SEARCH_THRESHOLD,
    )
    return [int(m.record_id) for m in matches]


@dataclass(frozen=True, slots=True)
class Listed:
    """A page read for its reader, and the stored records behind it (for the audit and the
    owners watching them)."""

    page: Page[RecordShown | DocumentShown]
    records: list[TravelDocument | Record]
    database: Database
    wanted: ListFilter


def read_list(
    session: Session,
    actor: Principal,
    database: Database,
    wanted: ListFilter,
    page: PageRequest,
    screening: Screening,
) -> Listed:
    """A page of the records of ``database`` the actor may read, as it is shown them. Read
    only: ``account_for_list`` audits it before it is answered (a list over many records is
    not made in the write transaction that every check waits for on SQLite)."""
    _may_list(actor, database)
    today = utcnow().date()
    scope = read_scope(actor)
    ranked = None
    if database is Database.PERSONS and wanted.text:
        ranked = _ranked(session, actor, wanted, screening)
    rows, after = store.page_rows(session, database, scope, wanted, page, today, ranked)
    readable = [r for r in rows if may_read_record(actor, r, today)]
    if len(readable) != len(rows):  # the query and the rule disagree: never show more
        logger.error("a list query returned %d records its reader may not read", len(rows))
    counted = None
    if page.total or page.facets:
        counted = store.counted(session, database, scope, wanted, page, today, ranked)
    items = [shown(actor, r, today) for r in readable]
    return Listed(Page(items, after, counted), readable, database, wanted)


def account_for_list(session: Session, actor: Principal, listed: Listed) -> None:
    """Audit a list (its filter and how many records it showed), and tell the owners who
    watch a record another bureau was shown."""
    audit.append_by(
        session,
        actor,
        "records.list",
        f"database:{listed.database}",
        {"filter": listed.wanted.described(), "shown": len(listed.records)},
    )
    tell_watchers_of_many(session, actor, listed.database, listed.records, "listed", utcnow())


class ExportFormat(StrEnum):
    """JSON Lines (the records as the API shows them), CSV (the import's columns, after the
    hub's own), or FollowTheMoney entities (one JSON object each)."""

    JSONL = "jsonl"
    CSV = "csv"
    FTM = "ftm"

    @property
    def media_type(self) -> str:
        return "text/csv; charset=utf-8" if self is ExportFormat.CSV else "application/x-ndjson"


@dataclass(frozen=True, slots=True)
class Export:
    """An export under way: what it lists, for whom, in which format, and (for persons
    searched by name) the ranking it goes through."""

    database: Database
    wanted: ListFilter
    file_format: ExportFormat
    ranked: list[int] | None
    today: date
    columns: list[str]

    def header(self) -> str:
        """What the file starts with: the CSV header, nothing for the JSON formats."""
        if self.file_format is not ExportFormat.CSV:
            return ""
        return _csv_line(self.columns)

    def lines(self, records: list[RecordShown | DocumentShown]) -> str:
        """The records' lines in the export's format."""
        if self.file_format is ExportFormat.CSV:
            return "".join(_csv_line(csv_row(r, self.columns)) for r in records)
        if self.file_format is ExportFormat.FTM:
            return "".join(
                _json_line(entity)
                for r in records
                for entity in ftm_entities(r, f"policenet {r.owner_bureau_id}")
            )
        return "".join(_json_line(as_json(r)) for r in records)


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def _json_line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n"


def as_json(record: RecordShown | DocumentShown) -> dict[str, Any]:
    """A record as shown, as JSON values (as the API answers it)."""
    found: dict[str, Any] = {}
    for name in record.__slots__:
        value = getattr(record, name)
        if isinstance(value, date):  # datetime too
            value = value.isoformat()
        elif isinstance(value, Visibility):
            value = {"scope": value.scope.value, "countries": sorted(value.countries)}
        elif isinstance(value, tuple):
            value = list(value)
        found[name] = value
    return found


def begin_export(
    session: Session,
    actor: Principal,
    database: Database,
    wanted: ListFilter,
    file_format: ExportFormat,
    screening: Screening,
) -> Export:
    """Start an export of the list (audited before any record leaves). Its batches are read
    one short read each (``export_batch``), so that an export of any size holds neither
    memory nor a transaction open; records added meanwhile come at its end."""
    _may_list(actor, database)
    ranked = None
    if database is Database.PERSONS and wanted.text:
        ranked = _ranked(session, actor, wanted, screening)
    audit.append_by(
        session,
        actor,
        "records.export",
        f"database:{database}",
        {"filter": wanted.described(), "format": file_format.value},
    )
    columns = csv_columns(database) if file_format is ExportFormat.CSV else []
    return Export(database, wanted, file_format, ranked, utcnow().date(), columns)


def export_batch(
    session: Session, actor: Principal, export: Export, after: Cursor | None, size: int = 1000
) -> tuple[list[RecordShown | DocumentShown], Cursor | None]:
    """The next batch of an export, as the actor is shown it, and where the next starts."""
    page = PageRequest(sort=Sort.OLDEST, limit=size, after=after, total=False)
    rows, after = store.page_rows(
        session,
        export.database,
        read_scope(actor),
        export.wanted,
        page,
        export.today,
        export.ranked,
    )
    today = export.today
    return [shown(actor, r, today) for r in rows if may_read_record(actor, r, today)], after


def end_export(session: Session, actor: Principal, export: Export, count: int) -> None:
    """Audit how many records the export gave (an export cut short is audited as far as it
    went)."""
    audit.append_by(
        session,
        actor,
        "records.exported",
        f"database:{export.database}",
        {"filter": export.wanted.described(), "format": export.file_format, "count": count},
    )

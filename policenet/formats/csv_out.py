"""Records as CSV rows, in the conventions ``policenet.formats.rows`` reads: lists separated by
'|', the restriction in two columns, identity documents as COUNTRY:NUMBER:TYPE, a physical
description in columns of its own, a DNA profile as one column per locus.

Before the content come the hub's own columns (id, owner, state of the record). The content
columns of the owner's own records are those an import of the same database takes, so that a
bureau's export can be edited in a spreadsheet and imported again once the hub's columns are
removed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from policenet.domain.dna import LOCI
from policenet.domain.records import Database
from policenet.domain.shown import DocumentShown, RecordShown
from policenet.domain.terms import RecordTerms
from policenet.formats.rows import LIST_SEPARATOR, row_model

if TYPE_CHECKING:
    from datetime import date, datetime

TERMS = set(RecordTerms.model_fields)
_PHYSICAL = ("height_cm", "weight_kg", "eye_colour", "hair_colour", "distinguishing_marks")
_HUB = ("id", "owner_bureau_id", "entered_at", "updated_at", "withdrawn_at")
_TERMS = ("external_ref", "disclosure", "review_date", "visibility", "visibility_countries")
_DOCUMENT = (
    "issuing_country",
    "document_type",
    "number",
    "status",
    "event_date",
    "holder_name",
    "holder_birth_date",
)


def csv_columns(database: Database) -> list[str]:
    """The header of a CSV export of the database."""
    if database is Database.TRAVEL_DOCUMENTS:
        return [*_HUB, *_TERMS, *_DOCUMENT]
    content: list[str] = []
    for name in row_model(database).model_fields:
        if name in TERMS:
            continue
        if name == "physical_description":
            content.extend(_PHYSICAL)
        elif name == "loci":
            content.extend(LOCI)
        else:
            content.append(name)
    return [*_HUB, *_TERMS, *content, "other"]


def _when(value: date | datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _cell(value: Any) -> str:  # noqa: ANN401 - any JSON value of a record
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_row(record: RecordShown | DocumentShown, columns: list[str]) -> list[str]:
    """The record's cells under ``columns`` (``csv_columns`` of its database)."""
    cells: dict[str, str] = {
        "id": str(record.id),
        "owner_bureau_id": record.owner_bureau_id,
        "updated_at": _when(record.updated_at),
        "withdrawn_at": _when(record.withdrawn_at),
        "external_ref": record.external_ref or "",
        "disclosure": record.disclosure.value,
        "review_date": _when(record.review_date),
        "visibility": "" if record.visibility is None else record.visibility.scope.value,
        "visibility_countries": ""
        if record.visibility is None
        else LIST_SEPARATOR.join(sorted(record.visibility.countries)),
    }
    if isinstance(record, DocumentShown):
        cells.update(
            entered_at=_when(record.reported_at),
            issuing_country=record.issuing_country,
            document_type=record.document_type.value,
            number=record.number,
            status=record.status.value,
            event_date=_when(record.event_date),
            holder_name=record.holder_name or "",
            holder_birth_date=_when(record.holder_birth_date),
        )
        return [cells.get(c, "") for c in columns]
    cells["entered_at"] = _when(record.entered_at)
    other: dict[str, Any] = {}
    for name, value in record.data.items():
        if name == "physical_description" and isinstance(value, dict):
            cells.update({k: _cell(v) for k, v in value.items()})
        elif name == "loci" and isinstance(value, dict):
            cells.update({k: ",".join(v) for k, v in value.items()})
        elif name == "identity_documents" and isinstance(value, list):
            cells[name] = LIST_SEPARATOR.join(
                f"{d['issuing_country']}:{d['number']}:{d.get('document_type', 'passport')}"
                for d in value
            )
        elif name in columns:
            cells[name] = _cell(value)
        else:
            other[name] = value
    cells["other"] = json.dumps(other, ensure_ascii=False, sort_keys=True) if other else ""
    return [cells.get(c, "") for c in columns]

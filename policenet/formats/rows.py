"""The rows of an import file: CSV and JSON Lines as bureaus keep them, and the Type-18
profiles or the card of an ANSI/NIST-ITL transaction, each as the fields of the model its
database validates.

The CSV conventions are the ones a spreadsheet can hold: empty cells left out, lists separated
by '|', a restriction in two columns (``visibility``, ``visibility_countries``), identity
documents as COUNTRY:NUMBER[:TYPE], a physical description in columns of its own, a DNA
profile as one column per locus. Reading needs no database: the rows are validated and written
by ``policenet.actions.exchange``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import typing
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from policenet.domain.dna import DnaEntry, canonical_locus
from policenet.domain.documents import DocumentReport
from policenet.domain.errors import InvalidInput
from policenet.domain.records import ENTRY_MODELS, Database
from policenet.formats import ansi_nist

if TYPE_CHECKING:
    from _csv import Reader as CsvReader
    from collections.abc import Iterator
    from pathlib import Path

    from pydantic import BaseModel

    from policenet.domain.terms import RecordTerms
    from policenet.formats.ansi_nist import Type18Reading

LIST_SEPARATOR = "|"


def row_model(database: Database) -> type[RecordTerms]:
    """The model a row of this database is validated with."""
    return DocumentReport if database is Database.TRAVEL_DOCUMENTS else ENTRY_MODELS[database]


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
    source: str | Path,
    file_format: str,
    database: Database,
    *,
    nist: Type18Reading | None = None,
) -> Iterator[tuple[int, Any]]:
    """(line, row) for every record of a CSV or JSON Lines text, or (record number, profile)
    for every Type-18 record of an ANSI/NIST-ITL transaction (``nist``, the file's bytes as
    Latin-1 text); a row that cannot be read comes as an exception, to be reported with its
    line.

    ``source`` is the text, or the file that holds it (UTF-8, checked already): a file is
    read a line at a time, or a record at a time, never whole; a fingerprint card's
    transaction excepted, which is the one record it imports."""
    if file_format == "nist":
        if isinstance(source, str):
            yield from _transaction_rows(_transaction_bytes(source), database, nist)
        else:
            with source.open("rb") as file:
                yield from _transaction_rows(file, database, nist)
        return
    if isinstance(source, str):
        yield from _rows(io.StringIO(source, newline=""), file_format, database)
        return
    with source.open(encoding="utf-8-sig", newline="") as stream:
        yield from _rows(stream, file_format, database)


def _transaction_rows(
    source: bytes | BinaryIO, database: Database, nist: Type18Reading | None
) -> Iterator[tuple[int, Any]]:
    """``read_rows`` of an ANSI/NIST-ITL transaction: its bytes, or the file that holds them."""
    if database is Database.FINGERPRINTS:
        # One transaction, one card or mark: record 1 stands for the whole file.
        data = source if isinstance(source, bytes) else source.read()
        try:
            yield 1, ansi_nist.card_row(data)
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
    yield from ansi_nist.dna_rows(source, nist)


def _rows(stream: TextIO, file_format: str, database: Database) -> Iterator[tuple[int, Any]]:
    """``read_rows`` of the lines of a CSV or JSON Lines ``stream`` (opened without
    translating line ends, as the csv module asks)."""
    model = row_model(database)
    if file_format == "jsonl":
        # Lines end at "\n", "\r\n" or a lone "\r" (not at the other separators
        # str.splitlines knows, which a JSON string may hold as they are).
        for number, read in enumerate(stream, start=1):
            content = read.rstrip("\r\n")
            if not content.strip():
                continue
            try:
                row = json.loads(content)
            except json.JSONDecodeError as exc:
                yield number, ValueError(f"not JSON: {exc.msg} at column {exc.colno}")
                continue
            except RecursionError:
                yield (
                    number,
                    ValueError(
                        "arrays or objects nested too deeply to read: a row is one JSON object of "
                        "fields, whose values are text, numbers, lists or objects of a few levels"
                    ),
                )
                continue
            except ValueError:
                # Not a JSONDecodeError: a number of more digits than Python converts
                yield (
                    number,
                    ValueError(
                        f"a number has more than {sys.get_int_max_str_digits()} digits: no field "
                        "takes one so long; check the row"
                    ),
                )
                continue
            yield number, row if isinstance(row, dict) else ValueError("not a JSON object")
        return
    reader = csv.reader(stream)
    lines = _csv_lines(reader)
    header = next(lines, None)
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
    for cells in lines:
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


def _transaction_bytes(text: str) -> bytes:
    """The transaction's bytes, which the caller gave as Latin-1 text; text that holds another
    character was decoded some other way, and is no file's bytes."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise ansi_nist.MalformedTransaction(
            f"The ANSI/NIST-ITL transaction holds the character {text[exc.start]!r} (at "
            f"{exc.start + 1}), which is no byte: send the file's bytes as they are, each read "
            "as one Latin-1 character, not text decoded from them."
        ) from None


def _csv_lines(reader: CsvReader) -> Iterator[list[str]]:
    """The reader's rows, its own errors (a cell over its size limit) as ``import_unreadable``:
    past such an error the reader no longer knows where a row begins, so the file is refused
    whole rather than read on from a guess."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(
                f"The CSV file cannot be read at line {reader.line_num}: {exc}. A cell holds "
                f"at most {csv.field_size_limit()} characters; check the line's quotes, since a "
                "quote never closed runs a cell on to the end of the file.",
                code="import_unreadable",
            ) from None
        yield cells


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

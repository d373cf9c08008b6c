"""The DNA profiles of a transaction's Type-18 records.

A Type-18 record carries one specimen's DNA; its autosomal STR alleles are in field 18.016 (STR
DNA profile), one subfield per locus, whose information items are, in the order of the 2013
update of the standard:

====  =====  ====================================================================
item  name   what it holds
====  =====  ====================================================================
1     DST    the kind of STR (autosomal, X, Y)
2     DLR    the locus reference
3     ALL    the allele indicator: 1 when alleles were called, 0 when not
4, 5         the analysis and precise-call indicators (not used here)
6-8   AL1-3  the allele calls, up to four characters each ("11", "23.3"); AL3 for a
             tri-allele
====  =====  ====================================================================

The standard numbers the loci in a table of its own; laboratories' systems write either that
number or the locus's name in DLR. A name is read as policenet reads every locus name
(``domain.dna.canonical_locus``); a number is read through the table the importing bureau gives
(``locus_numbers``), since the numbering of a laboratory's system is the one to trust.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policenet.domain.dna import canonical_locus
from policenet.domain.errors import InvalidInput
from policenet.formats.ansi_nist.stream import announced, records, text_record
from policenet.formats.ansi_nist.transaction import MalformedTransaction

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path
    from typing import BinaryIO

    from policenet.formats.ansi_nist.transaction import TaggedRecord

DNA_RECORD = 18  # Type-18: DNA
STR_FIELD = 16  # 18.016: STR DNA profile
TCN_FIELD = 9  # 1.009: transaction control number
DLR, ALL, AL1 = 1, 2, 5  # 0-based positions of the items in an 18.016 subfield
_MAX_DIGITS = 12  # more than any IDC has
AMELOGENIN = frozenset({"AMEL", "AMELOGENIN", "AM"})


@dataclass(frozen=True, slots=True)
class Type18Reading:
    """How to read a transaction's Type-18 records as profiles: the kind every profile is
    (the records do not say it in policenet's terms) and the laboratory's locus numbers."""

    kind: str
    locus_numbers: Mapping[str, str] = field(default_factory=dict)


def load_locus_numbers(text: str) -> dict[str, str]:
    """A laboratory's locus numbering, one ``number,locus`` pair per line."""
    table: dict[str, str] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        number, _, name = (part.strip() for part in line.partition(","))
        locus = canonical_locus(name)
        if not number or (locus is None and name.upper() not in AMELOGENIN):
            raise InvalidInput(
                f"Locus table, line {line_number}: write NUMBER,LOCUS with LOCUS one of the 24 "
                f"exchanged loci or Amelogenin, not {line.strip()!r}.",
                code="locus_table_invalid",
            )
        table[number] = locus or "AMEL"
    return table


def dna_rows(
    source: bytes | BinaryIO, reading: Type18Reading
) -> Iterator[tuple[int, dict[str, Any] | Exception]]:
    """(record number, profile as an import row) for every Type-18 record of a transaction,
    its bytes or the file that holds them, read one record at a time (a laboratory's batch may
    hold tens of thousands of profiles); a record that cannot be read comes as an exception
    naming its profile, field and locus. A transaction whose frame is broken is refused whole
    (``nist_malformed``), when the reading reaches the break."""
    header, framed = records(io.BytesIO(source) if isinstance(source, bytes) else source)
    tcn = (header.text(TCN_FIELD) or "").strip()
    found = False
    for record in framed:
        if record.type != DNA_RECORD:
            continue
        found = True
        fields = text_record(record.data, DNA_RECORD, record.number)
        idc = _idc(fields, record.number)
        ref = f"{tcn}/{idc}" if tcn else f"IDC-{idc}"
        try:
            yield record.number, _profile(fields, ref, reading)
        except ValueError as exc:
            yield record.number, ValueError(f"profile {ref}: {exc}")
    if not found:
        raise InvalidInput(
            "The transaction holds no Type-18 (DNA) record: nothing to import.",
            code="nist_no_profiles",
        )


def announced_profiles(path: Path) -> int | None:
    """The Type-18 profiles a transaction's file announces (its Type-1 record read, nothing
    more), for a progress bar; none known if that record cannot be read, which the import
    then says."""
    with path.open("rb") as file:
        try:
            return announced(file, DNA_RECORD)
        except InvalidInput:
            return None


def _idc(record: TaggedRecord, number: int) -> str:
    """The record's IDC (18.002) as a number, "01" as "1"; the record's number without one."""
    written = record.text(2)
    if written is None:
        return str(number)
    if not (written.isascii() and written.isdigit() and len(written) <= _MAX_DIGITS):
        raise MalformedTransaction(
            f"record {number} (Type-18): field 18.002 (IDC) must be one whole number, not "
            f"{written[:20]!r}. Export the file again."
        )
    return str(int(written))


def _profile(record: TaggedRecord, ref: str, reading: Type18Reading) -> dict[str, Any]:
    if sum(tag == STR_FIELD for tag, _ in record.fields) > 1:
        raise ValueError("field 18.016 (STR DNA profile) is given twice: a record holds one")
    found = record.get(STR_FIELD)
    if not isinstance(found, tuple):
        raise ValueError("field 18.016 (STR DNA profile) is missing: the record holds no STR loci")
    loci: dict[str, list[str]] = {}
    amelogenin: str | None = None
    for position, items in enumerate(found, start=1):
        where = f"field 18.016, subfield {position}"
        if len(items) <= DLR or not items[DLR].strip():
            raise ValueError(f"{where}: the locus reference (item 2, DLR) is empty")
        written = items[DLR].strip()
        locus = _locus(written, reading.locus_numbers)
        if locus is None:
            hint = (
                "give the locus table of your laboratory's system (--locus-table) to read its "
                "numbers"
                if written.isdigit()
                else "it is not one of the 24 exchanged loci"
            )
            raise ValueError(f"{where}, locus {written!r}: {hint}")
        indicator = items[ALL].strip() if len(items) > ALL else "1"
        if indicator == "0":
            continue  # not typed at this locus
        if indicator != "1":
            raise ValueError(
                f"{where}, locus {locus}: the allele indicator (item 3, ALL) is {indicator!r}; "
                "it must be 1 (alleles called) or 0 (none)"
            )
        alleles = [a.strip() for a in items[AL1 : AL1 + 3] if a.strip()]
        if not alleles:
            raise ValueError(f"{where}, locus {locus}: the allele indicator is 1 but no allele")
        if locus == "AMEL":
            amelogenin = "".join(sorted(alleles)).upper()
        elif locus in loci:
            raise ValueError(f"{where}: the locus {locus} is given twice")
        else:
            loci[locus] = alleles
    row: dict[str, Any] = {"external_ref": ref, "kind": reading.kind, "loci": loci}
    if amelogenin is not None:
        row["amelogenin"] = amelogenin
    return row


def _locus(written: str, numbers: Mapping[str, str]) -> str | None:
    if written.isdigit():
        return numbers.get(written) or numbers.get(written.lstrip("0"))
    if written.upper() in AMELOGENIN:
        return "AMEL"
    return canonical_locus(written)
